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
  }

  /**
   * A construct's refusal of a value the spec gave it, located in the spec: the construct's own
   * message (which names its path, the value and the fix) follows where it came from.
   */
  public static located(location: string, specPath: string, cause: PlatformConfigError): PlatformSpecError {
    const error = new PlatformSpecError(location, specPath, "", cause.received, "");
    error.message = `[${location}] ${specPath ? `${specPath}: ` : ""}${cause.message}`;
    (error as { received: string }).received = cause.received;
    return error;
  }
}

/** A spec path for messages, as a YAML author reads it: `services.hello.subscribe[0].topic`. */
export function specPathOf(path: readonly (string | number)[]): string {
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z0-9_$][\w$-]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`))
    .join("")
    .replace(/^\./, "");
}
