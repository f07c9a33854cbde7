import { TSchema } from "@sinclair/typebox";
import { ValueError, ValueErrorType } from "@sinclair/typebox/errors";
import { Value } from "@sinclair/typebox/value";
import { explainAgainst } from "../schemas/explain";
import { KEY_FORMS, PlatformSpecSchema } from "./spec";

/** The options schemas' fix when a schema has no example. */
const WEAK_FIX = "See the option's documentation.";

/** The smallest spec that builds on a laptop: without a profile it would be production, which needs 3 zones. */
const MINIMAL_SPEC = ["name: shop", "target: { kind: {} }", "profile: dev"];

/** Why a spec fails its schema: where (as path segments), what, the value, and a fix. */
export interface SpecExplanation {
  /** Path of the offending key or value, e.g. ["services", "hello", "imgae"]. */
  readonly path: (string | number)[];
  /** The problem, to follow the path ("has an unknown option ..." follows the parent's path). */
  readonly problem: string;
  /** Whether `problem` is about the object at path minus its last segment (an unknown key). */
  readonly aboutParent: boolean;
  readonly received: unknown;
  readonly fix: string;
}

/**
 * Explains the first problem of a spec: the options schemas' explanation (lib/schemas/explain),
 * plus what only spec files have: objects that name exactly one choice (`target: { eks: ... }`)
 * and maps keyed by names (`services: { hello: ... }`). Loaded only when a spec fails.
 */
export function explainSpec(value: unknown): SpecExplanation {
  if (!isObject(value)) return { path: [], problem: "must be a map of the platform's settings", aboutParent: false, received: value, fix: `Start with ${MINIMAL_SPEC.map((line) => `"${line}"`).join(", ")}, one per line; then add services, topics and teams.` };
  return explainIn(PlatformSpecSchema, value, "");
}

function explainIn(schema: TSchema, value: unknown, prefix: string): SpecExplanation {
  const error = firstError(schema, value);
  if (!error) return fromOptions(schema, value, prefix);
  const path = prefix + error.path;
  const at = (s: TSchema) => s as { anyOf?: TSchema[]; properties?: Record<string, TSchema>; patternProperties?: Record<string, TSchema>; examples?: unknown[]; description?: string };
  // An object given where a union has an object form: say what is wrong inside that form.
  if (error.type === ValueErrorType.Union && isObject(error.value)) {
    const member = (at(error.schema).anyOf ?? []).find((m) => at(m).properties);
    if (member && firstError(member, error.value)) return explainIn(member, error.value, path);
  }
  if (error.type === ValueErrorType.ObjectMinProperties || error.type === ValueErrorType.ObjectMaxProperties) {
    const choices = Object.keys(at(error.schema).properties ?? {});
    const given = isObject(error.value) ? Object.keys(error.value) : [];
    return {
      path: segments(path),
      problem: given.length === 0 ? `must name one of ${choices.join(", ")}` : `must name exactly one of ${choices.join(", ")}, not ${given.join(" and ")}`,
      aboutParent: false,
      received: given.length === 0 ? error.value : given,
      fix: `Use e.g. ${JSON.stringify(at(error.schema).examples?.[0] ?? { [choices[0]]: {} })}.`,
    };
  }
  const keys = segments(path);
  const key = keys[keys.length - 1];
  const write = (example: unknown) => (typeof key === "number" ? `- ${yamlFlow(example)}` : `${key === undefined ? "" : `${yamlKey(key)}: `}${yamlFlow(example)}`);
  if (error.type === ValueErrorType.Object) {
    // The options schemas' explanation hides a credential given where its reference belongs: never echo it in a fix either.
    const plain = fromOptions(schema, value, prefix);
    if (plain.received === "<redacted>") return plain;
    const object = at(error.schema) as Node & { required?: string[] };
    const required = object.required ?? [];
    const example = exampleAt(schema, segments(error.path)) ?? Object.fromEntries(required.map((r) => [r, object.properties?.[r]?.examples?.[0] ?? ""]));
    if (error.value === null) {
      // A key left empty in YAML (`hello:` with nothing under it): what belongs under it.
      const empty = (problem: string, fix: string): SpecExplanation => ({ path: keys, problem, aboutParent: false, received: null, fix });
      if ((object as { minProperties?: number }).minProperties && object.properties) return empty(`is empty: it must name one of ${Object.keys(object.properties).join(", ")}`, `Write e.g. ${write(example)}.`);
      if (object.patternProperties && !object.properties) return empty("is empty", `List its entries under it, e.g. ${write(example)}, or leave it out.`);
      if (required.length === 0) return { path: keys, problem: "is empty", aboutParent: false, received: null, fix: `Write ${write({})} for its defaults, or give its options under it.` };
      const needs = required.map((r) => `\`${r}:\``).join(" and ");
      return { path: keys, problem: `is empty: ${keys[0] === "services" && keys.length === 2 ? "a service" : "it"} needs at least ${needs}`, aboutParent: false, received: null, fix: `Write e.g. ${write(example)}.` };
    }
    // Text where a map belongs: the name of a choice (`target: kind`), or the main field of a map (`subscribe: [hello]`).
    if (typeof error.value === "string") {
      const text = error.value;
      const main = required.find((r) => (object.properties?.[r] as { type?: string } | undefined)?.type === "string");
      const fixed = object.properties && Object.prototype.hasOwnProperty.call(object.properties, text) ? { [text]: {} } : main && isObject(example) ? { ...example, [main]: text } : undefined;
      if (fixed) return { path: keys, problem: "must be a map, not text", aboutParent: false, received: text, fix: `Write e.g. ${write(fixed)}.` };
    }
    return { ...plain, fix: plain.fix === WEAK_FIX ? `Write it as a map, e.g. ${write(example)}.` : plain.fix };
  }
  if (error.type === ValueErrorType.ArrayMinItems) {
    const example = at(error.schema).examples?.[0];
    const minItems = (error.schema as { minItems?: number }).minItems ?? 1;
    // A list of one-key choices (triggers) says which keys there are.
    const choices = (error.schema as { items?: { maxProperties?: number; properties?: object } }).items;
    const kinds = choices?.maxProperties === 1 && choices.properties ? `; each names one of ${Object.keys(choices.properties).join(", ")}` : "";
    return { path: keys, problem: `must list at least ${minItems === 1 ? "one" : minItems}`, aboutParent: false, received: error.value, fix: `Write e.g. ${write(example)}${kinds}.` };
  }
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    // A key of a map of names (services, teams, topics) that is not a valid name.
    const parent = schemaAt(schema, segments(error.path).slice(0, -1));
    const patterns = Object.keys(parent?.patternProperties ?? {});
    if (parent && !parent.properties && patterns.length > 0) {
      const form = KEY_FORMS[patterns[0]] ?? `a name matching ${patterns[0]}`;
      return { path: keys, problem: `is not a valid name: it must be ${form}`, aboutParent: false, received: key, fix: `Rename it, e.g. ${JSON.stringify(Object.keys(at(parent as TSchema).examples?.[0] as object ?? {})[0] ?? "orders")}.` };
    }
  }
  return fromOptions(schema, value, prefix);
}

/** The options schemas' own explanation, with its dotted path turned back into segments. */
function fromOptions(schema: TSchema, value: unknown, prefix: string): SpecExplanation {
  const e = explainAgainst(schema, value, prefix);
  const path = parseDotted(e.path);
  if (e.unknownKey !== undefined) {
    const known = Object.keys(schemaAt(PlatformSpecSchema, path)?.properties ?? {});
    const near = closest(e.unknownKey, known);
    return { path: [...path, e.unknownKey], problem: `has an unknown option "${e.unknownKey}"`, aboutParent: true, received: e.received, fix: near ? `Did you mean "${near}"? ${e.fix}` : e.fix };
  }
  return { path, problem: e.problem, aboutParent: false, received: e.received, fix: e.fix };
}

/** The known option a misspelled key most likely meant: one edit off (two for keys of 4 letters or more; a swap of neighbours is one). */
function closest(key: string, known: string[]): string | undefined {
  // Damerau-Levenshtein distance (optimal string alignment), ignoring case.
  const distance = (a: string, b: string) => {
    a = a.toLowerCase();
    b = b.toLowerCase();
    const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
    return d[a.length][b.length];
  };
  if (key.length > 64) return undefined;
  const [best] = known.map((k) => ({ k, d: distance(key, k) })).sort((a, b) => a.d - b.d);
  return best && best.d <= (key.length >= 4 ? 2 : 1) ? best.k : undefined;
}

/** A value as YAML flow text, for fixes: `{ topic: hello, route: /echo }`. */
function yamlFlow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(yamlFlow).join(", ")}]`;
  if (isObject(value)) {
    const entries = Object.entries(value);
    return entries.length === 0 ? "{}" : `{ ${entries.map(([k, v]) => `${yamlKey(k)}: ${yamlFlow(v)}`).join(", ")} }`;
  }
  return typeof value === "string" ? yamlKey(value) : String(value);
}

/** Text as YAML writes it: plain when YAML would read it back as the same text, else quoted. */
function yamlKey(text: string): string {
  return /^[A-Za-z_/][\w./:@+-]*$/.test(text) && !/^(true|false|null|yes|no|on|off)$/i.test(text) ? text : JSON.stringify(text);
}

/** An example of the value at `keys`: the schema's own, else its list's or map's example item. */
function exampleAt(schema: TSchema, keys: (string | number)[]): unknown {
  const own = schemaAt(schema, keys)?.examples?.[0];
  if (own !== undefined) return own;
  const parent = schemaAt(schema, keys.slice(0, -1))?.examples?.[0];
  if (Array.isArray(parent)) return parent[0];
  return isObject(parent) ? Object.values(parent)[0] : undefined;
}

/** The error explainAgainst would pick: deepest first, an unknown key before others at one depth. */
function firstError(schema: TSchema, value: unknown): ValueError | undefined {
  const rank = (type: ValueErrorType) => (type === ValueErrorType.ObjectAdditionalProperties ? 0 : 1);
  const depth = (path: string) => path.split("/").length;
  return [...Value.Errors(schema, value)].sort((a, b) => depth(b.path) - depth(a.path) || rank(a.type) - rank(b.type))[0];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

/** A JSON pointer's segments (list indexes as numbers). */
function segments(pointer: string): (string | number)[] {
  return pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** explainAgainst's dotted path (`a.b[0]["x-y"]`) as segments. */
function parseDotted(dotted: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of dotted.matchAll(/\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    out.push(m[1] !== undefined ? m[1] : m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]) as string));
  }
  return out;
}

type Node = { properties?: Record<string, Node>; items?: Node; patternProperties?: Record<string, Node>; anyOf?: Node[]; examples?: unknown[] };

/** The schema of the object at `keys` (through lists, maps and the object member of a union). */
function schemaAt(schema: TSchema, keys: (string | number)[]): Node | undefined {
  const objectOf = (node: Node | undefined) => (node?.anyOf ? (node.anyOf.find((a) => a.properties || a.patternProperties) ?? node) : node);
  let current: Node | undefined = objectOf(schema as Node);
  for (const key of keys) {
    if (!current) return undefined;
    current = objectOf(current.properties?.[key] ?? (current.items && typeof key === "number" ? current.items : undefined) ?? (current.patternProperties ? Object.values(current.patternProperties)[0] : undefined));
  }
  return current;
}
