import { TSchema } from "@sinclair/typebox";
import { ValueError, ValueErrorType } from "@sinclair/typebox/errors";
import { Value } from "@sinclair/typebox/value";
import { explainAgainst } from "../schemas/explain";
import { KEY_FORMS, PlatformSpecSchema } from "./spec";

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
  if (!isObject(value)) return { path: [], problem: "must be a map of the platform's settings", aboutParent: false, received: value, fix: "Start with e.g. target: { kind: {} }, then services, topics and teams." };
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
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    // A key of a map of names (services, teams, topics) that is not a valid name.
    const keys = segments(path);
    const parent = schemaAt(schema, segments(error.path).slice(0, -1));
    const patterns = Object.keys(parent?.patternProperties ?? {});
    if (parent && !parent.properties && patterns.length > 0) {
      const key = keys[keys.length - 1];
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

/** The known option a misspelled key most likely meant: one edit off (two for keys of 4 letters or more; a swap is two). */
function closest(key: string, known: string[]): string | undefined {
  const distance = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let diagonal = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const above = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length];
  };
  if (key.length > 64) return undefined;
  const [best] = known.map((k) => ({ k, d: distance(key, k) })).sort((a, b) => a.d - b.d);
  return best && best.d <= (key.length >= 4 ? 2 : 1) ? best.k : undefined;
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
