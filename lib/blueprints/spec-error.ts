import { PlatformConfigError } from "../core/errors";

/**
 * Bad input in a platform spec: a PlatformConfigError whose site is where in the file
 * (`blueprints/aws.yaml:7:5`, or the spec's name when it is not a file) and whose problem starts
 * with the spec path (`services.hello`), so a YAML author never needs the TypeScript API's names.
 */
export class PlatformSpecError extends PlatformConfigError {
  /** The spec path of the offending value, e.g. `services.hello.image`; "" for the whole spec. */
  public readonly specPath: string;

  constructor(location: string, specPath: string, problem: string, received: unknown, fix: string) {
    super(location, specPath ? `${specPath} ${problem}` : `the spec ${problem}`, received, fix);
    this.name = "PlatformSpecError";
    this.specPath = specPath;
    // JSON shows Infinity and NaN as null: a message shows them as they are.
    const shown = withNonFinite(received);
    if (shown !== undefined) {
      this.message = this.message.replace(` (received: ${this.received}). `, ` (received: ${shown}). `);
      (this as { received: string }).received = shown;
    }
  }

  /**
   * A construct's refusal of a value the spec gave it, located in the spec: the construct's own
   * message (which names its path, the value and the fix) follows where it came from, with its
   * fix worded for a spec file where it names TypeScript (`new Keda()` is `keda: {}`). `note`,
   * when given, comes before the fix.
   */
  public static located(location: string, specPath: string, cause: PlatformConfigError, note?: string): PlatformSpecError {
    const error = new PlatformSpecError(location, specPath, "", cause.received, "");
    const marker = ` (received: ${cause.received}). `;
    const cut = cause.message.indexOf(marker);
    const [head, fix] = cut === -1 ? [`${cause.message} `, ""] : [cause.message.slice(0, cut + marker.length), cause.message.slice(cut + marker.length)];
    error.message = `[${location}] ${specPath ? `${specPath}: ` : ""}${head}${[note, inYaml(fix)].filter(Boolean).join(" ")}`.trimEnd();
    (error as { received: string }).received = cause.received;
    return error;
  }
}

/** Components as the TypeScript API names them, and as a spec's `components` does. */
const COMPONENT_KEYS: Record<string, string> = { DaprRuntime: "dapr", Keda: "keda", Nacos: "nacos", Consul: "consul", Tracing: "tracing", CertManager: "certManager", ExternalBroker: "externalBroker" };

/** The common fixes of constructs' messages that name code, and what a spec file says instead. */
const YAML_WORDING: [RegExp, string | ((match: string, ...groups: string[]) => string)][] = [
  [/new (\w+)\((?:\.\.\.)?\)/g, (match, type) => (COMPONENT_KEYS[type] ? `${COMPONENT_KEYS[type]}: {}` : match)],
  [/ to (the platform's|its) components/g, " under components"],
  [/(Remove `broker: false` from the platform's props|Keep the platform's broker)/g, "Remove `broker: false` from the spec"],
  [/add an ExternalBroker/g, "add externalBroker: { pulsarUrl, adminUrl } (its options)"],
  [/Profile\.(PRODUCTION|DEV|EDGE)\b/g, (_, profile) => `profile: ${profile.toLowerCase()}`],
];

function inYaml(fix: string): string {
  return YAML_WORDING.reduce((text, [pattern, replacement]) => (typeof replacement === "string" ? text.replace(pattern, replacement) : text.replace(pattern, replacement)), fix);
}

/** A value as messages show it, when it holds Infinity or NaN (which JSON shows as null); else undefined. */
function withNonFinite(value: unknown): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : String(value);
  if (!value || typeof value !== "object") return undefined;
  let found = false;
  try {
    const text = JSON.stringify(value, (_key, v) => {
      if (typeof v !== "number" || Number.isFinite(v)) return v;
      found = true;
      return `\u0000${v}\u0000`;
    });
    return found ? text.replace(/"\\u0000(-?Infinity|NaN)\\u0000"/g, "$1") : undefined;
  } catch {
    return undefined;
  }
}

/** A spec path for messages, as a YAML author reads it: `services.hello.subscribe[0].topic`. */
export function specPathOf(path: readonly (string | number)[]): string {
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z0-9_$][\w$-]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`))
    .join("")
    .replace(/^\./, "");
}
