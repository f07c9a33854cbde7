import { VALIDATORS } from "../generated/validators";
import { ErrorSite, PlatformConfigError } from "./errors";

/** Names of the options schemas (lib/schemas). */
export type OptionsSchema = keyof typeof VALIDATORS;

/**
 * Checks input against its options schema at a public entry point: types, ranges, patterns, and
 * no key the type does not list, at any depth. The check is TypeBox's compiled code
 * (lib/generated); only a failure loads the schemas, to name the option path, the value and a fix.
 * `path` is where the options sit for the user (`broker`, `broker.offload`), "" for top level.
 */
export function checkOptionsSchema(site: ErrorSite, schema: OptionsSchema, value: unknown, path = ""): void {
  if (VALIDATORS[schema](value)) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { explain } = require("../schemas/explain") as typeof import("../schemas/explain");
  const e = explain(schema, value);
  const where = [path, e.path].filter(Boolean).join(e.path.startsWith("[") ? "" : ".");
  const problem = e.unknownKey !== undefined ? (where ? `${where} has an unknown option "${e.unknownKey}"` : e.problem) : `${where || "options"} ${e.problem}`;
  throw new PlatformConfigError(site, problem, e.received, e.fix);
}
