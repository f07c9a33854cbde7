import { IResolvable, IResolveContext, Tokenization } from "cdktf";
import { ErrorSite, PlatformConfigError } from "./errors";
import { isResolvedAlone, resolvesAlone } from "./resolve";
/**
 * Terraform evaluates `${...}` and `%{...}` inside every string of its JSON, so text the
 * platform means literally (a user's env value or annotation, Jaeger's `${env:VAR}` in Helm
 * values) is written with `$${` and `%%{`, which Terraform turns back into `${` and `%{`.
 * cdktf's own token markers (`${TfToken[...]}`) are left for cdktf to resolve.
 */
export function escapeTemplates(text: string): string {
  // Function replacements: in a replacement string "$$" would itself mean "$".
  return text.replace(/\$\{(?!TfToken\[)/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/**
 * `escapeTemplates` on every string of a plain value (objects, lists), for text written into a
 * resource's arguments. A token that resolves later (a `Lazy`) is wrapped so that what it
 * produces is escaped too; numbers, booleans and cdktf's own token strings pass unchanged.
 */
export function escapeDeep<T>(value: T): T {
  return escapeValue(value) as T;
}

function escapeValue(value: unknown): unknown {
  if (typeof value === "string") return escapeTemplates(value);
  if (Array.isArray(value)) return value.map(escapeValue);
  if (value === null || typeof value !== "object") return value;
  if (Tokenization.isResolvable(value)) {
    const inner = value;
    const wrapper = { creationStack: [], resolve: (context: IResolveContext) => escapeValue(inner.resolve(context)), toString: () => inner.toString() } satisfies IResolvable;
    return isResolvedAlone(inner) ? resolvesAlone(wrapper) : wrapper;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeValue(v)]));
}

/**
 * Longest run of the characters cdktf's number-token scanner matches (`[-|\d.+]`). The scanner runs
 * on every string at synth and is quadratic on such a run: 32 KiB of "-" takes seconds. Runs up to
 * this length cost milliseconds; longer ones are refused where text enters the library.
 */
export const MAX_SCANNED_RUN = 2048;

/** Where `text` has a run cdktf cannot scan quickly, or undefined. */
export function slowTokenRun(text: string): { start: number; length: number } | undefined {
  // Most text is shorter than a run that matters.
  if (text.length <= MAX_SCANNED_RUN) return undefined;
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = text.charCodeAt(i);
    // '-' 45, '|' 124, '.' 46, '+' 43, digits 48-57
    const inRun = i < text.length && (c === 45 || c === 124 || c === 46 || c === 43 || (c >= 48 && c <= 57));
    if (inRun && start < 0) start = i;
    if (!inRun && start >= 0) {
      if (i - start > MAX_SCANNED_RUN) return { start, length: i - start };
      start = -1;
    }
  }
  return undefined;
}

/** Every string of a plain value (keys too), for `slowTokenRun`. */
export function findSlowTokenRun(value: unknown, path = ""): string | undefined {
  if (typeof value === "string") return slowTokenRun(value) ? path || "text" : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findSlowTokenRun(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === "object" && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    for (const [key, child] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (slowTokenRun(key)) return at;
      const found = findSlowTokenRun(child, at);
      if (found) return found;
    }
  }
  return undefined;
}

/** Refuses text with a run of `-`, `|`, `.`, `+` or digits longer than MAX_SCANNED_RUN (see `slowTokenRun`). */
export function checkScannable(site: ErrorSite, what: string, value: unknown): void {
  const at = findSlowTokenRun(value);
  if (at === undefined) return;
  throw new PlatformConfigError(
    site,
    `${what}${at === "text" ? "" : ` (at ${at})`} holds a run of more than ${MAX_SCANNED_RUN} characters of '-', '|', '.', '+' or digits, which cdktf's token scanner takes seconds to read`,
    `${MAX_SCANNED_RUN}+ characters`,
    "Break the run (e.g. a separator line of that length), or keep such text in a Secret or ConfigMap of your own and mount it.",
  );
}
