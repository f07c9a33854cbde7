import { IConstruct } from "constructs";

/** Where a bad value was given: a construct, or the name of a factory before any construct exists. */
export type ErrorSite = IConstruct | string;

/**
 * The one error type for bad input. Its message always says where (the construct path),
 * what was received, and what to do instead, so a user never has to read a stack trace.
 */
export class PlatformConfigError extends Error {
  /** The construct path (or factory name) the bad value was given to. */
  public readonly site: string;
  /** The value that was received, as shown in the message. */
  public readonly received: string;

  constructor(site: ErrorSite, problem: string, received: unknown, fix: string) {
    const where = typeof site === "string" ? site : site.node.path || "<app>";
    const shown = show(received);
    super(`[${where}] ${problem} (received: ${shown}). ${fix}`);
    this.name = "PlatformConfigError";
    this.site = where;
    this.received = shown;
  }
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Throws a PlatformConfigError unless `condition` holds. */
export function check(condition: boolean, site: ErrorSite, problem: string, received: unknown, fix: string): void {
  if (!condition) throw new PlatformConfigError(site, problem, received, fix);
}

/**
 * Rejects option keys a factory does not know. TypeScript catches these at compile time, but
 * JavaScript callers, `as any` and JSON-loaded blueprints would otherwise be silently wrong.
 */
export function checkKnownOptions(site: ErrorSite, options: object | undefined, known: readonly string[]): void {
  if (options === undefined || options === null) return;
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new PlatformConfigError(site, `unknown option "${key}"`, key, `Known options are: ${known.join(", ")}.`);
    }
  }
}
