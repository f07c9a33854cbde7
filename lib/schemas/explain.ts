import { TSchema } from "@sinclair/typebox";
import { ValueErrorType } from "@sinclair/typebox/errors";
import { Value } from "@sinclair/typebox/value";
import { SchemaName, SCHEMAS } from "./index";

/** The first problem with `value` against the named schema: where (a dotted path), what, and a fix. */
export interface Explanation {
  /** Dotted path of the option (of the object, for an unknown key). */
  readonly path: string;
  /** A key that is not an option of the object at `path`. */
  readonly unknownKey?: string;
  readonly problem: string;
  readonly received: unknown;
  readonly fix: string;
}

/** Explains why `value` fails the named schema, for an error message. */
export function explain(name: SchemaName, value: unknown): Explanation {
  return explainAgainst(SCHEMAS[name] as TSchema, value, "");
}

/** Explains why `value` fails `schema` (any TypeBox schema; the spec loader uses it for blueprint files); `prefix` is the JSON pointer of `value`. */
export function explainAgainst(schema: TSchema, value: unknown, prefix: string): Explanation {
  const errors = [...Value.Errors(schema, value)];
  // The deepest path says the most; at one depth, a key that is not an option (a typo) before a missing one.
  const rank = (type: ValueErrorType) => (type === ValueErrorType.ObjectAdditionalProperties ? 0 : 1);
  const error = errors.sort((a, b) => depth(b.path) - depth(a.path) || rank(a.type) - rank(b.type))[0];
  if (!error) return { path: dotted(prefix), problem: "is not valid", received: value, fix: "See the option's documentation." };
  const path = dotted(prefix + error.path);
  // A value that is an object, against a union with an object member (`quota: {...} | false`): say what is wrong inside.
  if (error.type === ValueErrorType.Union && error.value && typeof error.value === "object" && !Array.isArray(error.value)) {
    const member = ((error.schema as { anyOf?: TSchema[] }).anyOf ?? []).find((a) => (a as { properties?: object }).properties);
    if (member && [...Value.Errors(member, error.value)].length > 0) return explainAgainst(member, error.value, prefix + error.path);
  }
  if (error.type === ValueErrorType.ObjectRequiredProperty) {
    const example = (error.schema as { examples?: unknown[] }).examples?.[0];
    return { path, problem: "is required", received: undefined, fix: example !== undefined ? `Give it, e.g. ${formatExample(example)}.` : "Give it." };
  }
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    const keys = error.path.split("/").slice(1);
    const parent = schemaAt(schema, keys.slice(0, -1));
    const known = Object.keys(parent?.properties ?? {});
    const key = keys[keys.length - 1].replace(/~1/g, "/").replace(/~0/g, "~");
    const parentKeys = keys.slice(0, -1);
    return { path: dotted(prefix + parentKeys.map((k) => `/${k}`).join("")), unknownKey: key, problem: `unknown option "${key}"`, received: key, fix: known.length > 0 ? `Known options are: ${known.join(", ")}.` : "Remove it." };
  }
  const example = (error.schema as { examples?: unknown[] }).examples?.[0];
  const description = (error.schema as { description?: string }).description;
  return {
    path,
    problem: description && DESCRIBED.includes(error.type) ? `must be ${description}` : problemOf(error.type, error.schema),
    // A value given where a credential's name or reference belongs may be the credential: never echo it.
    received: typeof error.value === "string" && sensitive(path) ? "<redacted>" : error.value,
    fix: example !== undefined ? `Use e.g. ${formatExample(example)}.` : "See the option's documentation.",
  };
}

/** Failures a schema's description says best ("must be a Kubernetes quantity (...)"). */
const DESCRIBED = [ValueErrorType.Union, ValueErrorType.Object, ValueErrorType.String, ValueErrorType.StringPattern, ValueErrorType.StringMinLength];
/** Option names whose values are credentials (a name of one, `authSecret`, may have been given the credential itself). */
const SENSITIVE = /pass(word|wd)?|secret|token|credential|private.?key|api.?key|access.?key|signing.?key/i;
/** Option names that only point at a credential (a Secret's name, a list of them, a key in it). */
const POINTER = /(name|names|ref|id|file|path|secrets|key)$/i;

function sensitive(path: string): boolean {
  const segments = path.split(/[.[\]]+/).filter(Boolean);
  const last = segments[segments.length - 1] ?? "";
  // In a Secret reference { secretName, key } only the names are given: nothing to hide.
  if (segments.length >= 2 && /^(secretName|key)$/.test(last)) return false;
  return segments.some((s) => SENSITIVE.test(s) && !POINTER.test(s)) && !POINTER.test(last);
}

/** Examples that are code (`Target.eks(...)`, `new Keda()`) are shown as code, others as JSON. */
function formatExample(example: unknown): string {
  return typeof example === "string" && /^([A-Z][A-Za-z]+\.|new |platform\.)/.test(example) ? example : JSON.stringify(example);
}

/** What a failed keyword asks of the option, in words. */
function problemOf(type: ValueErrorType, schema: TSchema): string {
  const s = schema as { minimum?: number; maximum?: number; minLength?: number; maxLength?: number; maxItems?: number; const?: unknown };
  const kinds: Partial<Record<ValueErrorType, string>> = {
    [ValueErrorType.Object]: "must be an object",
    [ValueErrorType.Array]: "must be a list",
    [ValueErrorType.String]: "must be a string",
    [ValueErrorType.Boolean]: "must be true or false",
    [ValueErrorType.Integer]: "must be a whole number",
    [ValueErrorType.Number]: "must be a number",
    [ValueErrorType.IntegerMinimum]: `must be at least ${s.minimum}`,
    [ValueErrorType.IntegerMaximum]: `must be at most ${s.maximum}`,
    [ValueErrorType.NumberMinimum]: `must be at least ${s.minimum}`,
    [ValueErrorType.NumberMaximum]: `must be at most ${s.maximum}`,
    [ValueErrorType.StringMinLength]: "must not be empty",
    [ValueErrorType.StringMaxLength]: `must be at most ${s.maxLength} characters`,
    [ValueErrorType.StringPattern]: "is not in the expected form",
    [ValueErrorType.ArrayMaxItems]: `must have at most ${s.maxItems} items`,
    [ValueErrorType.ArrayMinItems]: "must not be empty",
    [ValueErrorType.Literal]: `must be ${JSON.stringify(s.const)}`,
    [ValueErrorType.Union]: "is not one of the accepted forms",
  };
  return kinds[type] ?? "is not valid";
}

function depth(path: string): number {
  return path.split("/").length;
}

function dotted(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`))
    .join("")
    .replace(/^\./, "");
}

type Node = { properties?: Record<string, Node>; items?: Node; patternProperties?: Record<string, Node>; anyOf?: Node[] };

/** The schema of the object at `keys` (through lists, maps and the object member of a union). */
function schemaAt(schema: TSchema, keys: string[]): Node | undefined {
  const objectOf = (node: Node | undefined) => (node?.anyOf ? (node.anyOf.find((a) => a.properties) ?? node) : node);
  let current: Node | undefined = objectOf(schema as Node);
  for (const key of keys) {
    if (!current) return undefined;
    current = objectOf(current.properties?.[key] ?? (current.items && /^\d+$/.test(key) ? current.items : undefined) ?? (current.patternProperties ? Object.values(current.patternProperties)[0] : undefined));
  }
  return current;
}
