import { readFileSync, statSync } from "node:fs";
import { basename, extname } from "node:path";
import type { Document, LineCounter } from "yaml";
import { PlatformConfigError } from "../core/errors";
import type { PlatformSpec } from "./spec";
import { PlatformSpecError, specPathOf } from "./spec-error";

/** A platform spec read and checked against its schema, with where each of its values came from. */
export interface PlatformSpecDocument {
  /** The file as given (or the name given to an object spec): errors start with it. */
  readonly source: string;
  /** The spec, valid against the schema (cross-references are checked when it is built). */
  readonly spec: PlatformSpec;
  /** The platform's name: the spec's `name`, else the file's base name (`aws.yaml` -> `aws`). */
  readonly name?: string;
  /** Where a value is in the file: `file:line:column` (of its key), or `source` when not a file. */
  locate(path: readonly (string | number)[]): string;
}

/** Spec files are small; a larger file is more likely a mistake (or an attack) than a platform. */
const MAX_BYTES = 1024 * 1024;
/** Deeper than any spec needs (Helm values included), and shallow enough for every recursion here. */
const MAX_DEPTH = 64;
const EXTENSIONS = [".yaml", ".yml", ".json"];

/**
 * Reads a platform spec from a YAML or JSON file, or takes one as an object, and checks it
 * against the spec schema. Bad input is a PlatformSpecError naming the file, the line and column,
 * the spec path, the value and a fix. The YAML parser and the schema library are loaded only
 * here: a valid spec is checked by the compiled validator, a failing one is explained by TypeBox.
 */
export function readPlatformSpec(input: string | object, options: { readonly source?: string } = {}): PlatformSpecDocument {
  if (typeof input === "string") return readFile(input);
  const source = options.source ?? "spec";
  if (typeof source !== "string" || source.length === 0) {
    throw new PlatformConfigError("readPlatformSpec", "source must be a non-empty name for messages", source, 'Pass e.g. { source: "shop" }.');
  }
  if (isPlatformSpecDocument(input)) return input;
  return checked(source, input, () => source);
}

/** Whether `value` is what readPlatformSpec returned (so it is not read twice). */
export function isPlatformSpecDocument(value: unknown): value is PlatformSpecDocument {
  return !!value && typeof value === "object" && DOCUMENTS.has(value as object);
}
const DOCUMENTS = new WeakSet<object>();

function readFile(file: string): PlatformSpecDocument {
  const ext = extname(file).toLowerCase();
  if (!EXTENSIONS.includes(ext)) {
    throw new PlatformSpecError(file, "", "file must be YAML or JSON", ext || basename(file), `Name it *.yaml, *.yml or *.json.`);
  }
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_BYTES) throw new PlatformSpecError(file, "", `file is larger than ${MAX_BYTES / 1024} KiB`, `${size} bytes`, "Split the platform, or move large values (Helm values, config) out of the spec.");
    text = readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof PlatformConfigError) throw e;
    throw new PlatformSpecError(file, "", "file cannot be read", (e as NodeJS.ErrnoException)?.code ?? String(e), "Check the path (relative paths start at the current directory).");
  }
  // JSON is parsed as YAML too (YAML 1.2 holds JSON): one parser gives lines and refuses duplicate keys.
  const { parseDocument, LineCounter: Counter } = require("yaml") as typeof import("yaml");
  const lineCounter = new Counter();
  let doc: Document.Parsed;
  try {
    // No YAML 1.1 extras (!!binary, !!set, !!timestamp, merge keys): a spec is plain data.
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, resolveKnownTags: false, merge: false, version: "1.2" });
  } catch (e) {
    throw new PlatformSpecError(file, "", "file cannot be parsed as YAML", String((e as Error)?.message ?? e).split("\n")[0], "Check its syntax.");
  }
  const [problem] = [...doc.errors, ...doc.warnings];
  if (problem) {
    const offset = problem.pos?.[0] ?? 0;
    const what = problem.code === "DUPLICATE_KEY" ? "has a key given twice" : problem.code === "MULTIPLE_DOCS" ? "holds more than one document" : `is not valid YAML (${problem.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")})`;
    throw new PlatformSpecError(at(file, lineCounter, offset), "", `file ${what}`, lineOf(text, offset), problem.code === "MULTIPLE_DOCS" ? "Keep one platform per file (no second '---')." : "Fix the file at that line.");
  }
  // A key must be text as written: a map or list would become its text, and a plain scalar that
  // YAML reads as a number, true/false or null would be renamed (`1.50:` to "1.5", `0x1F:` to "31", `~:` to "").
  const { visit, isScalar } = require("yaml") as typeof import("yaml");
  visit(doc, {
    Pair(_, pair, ancestors) {
      const key = pair.key as { range?: number[]; value?: unknown } | null;
      const offset = key?.range?.[0] ?? (pair.value as { range?: number[] } | null)?.range?.[0] ?? 0;
      if (key !== null && !isScalar(key)) {
        throw new PlatformSpecError(at(file, lineCounter, offset), "", "file has a key that is a map or a list", lineOf(text, offset), "Keys are names: write them as text.");
      }
      if (typeof key?.value === "string") return;
      const where = specPathOf(pathOf(ancestors));
      const written = key?.range ? text.slice(key.range[0], key.range[1]).trim() : "";
      if (written === "") {
        throw new PlatformSpecError(at(file, lineCounter, offset), where, "has a key with no name", lineOf(text, offset), "Write the name before the ':'.");
      }
      const value = key!.value;
      const reads = typeof value === "number" ? `the number ${value}` : String(value);
      throw new PlatformSpecError(at(file, lineCounter, offset), where, `has a key that YAML reads as ${reads}, not as a name`, written, `Write it in quotes (${JSON.stringify(written)}:) to keep it as written.`);
    },
  });
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new PlatformSpecError(file, "", "file cannot be read as data", String((e as Error)?.message ?? e).split("\n")[0], "Use fewer YAML aliases (*name), and none that refers to itself.");
  }
  return checked(file, data, (path) => locateIn(file, doc, lineCounter, path), stem(file));
}

/** Checks plain data against the spec schema; `locate` says where a path is. */
function checked(source: string, data: unknown, locate: (path: readonly (string | number)[]) => string, fileName?: string): PlatformSpecDocument {
  data = plainCopy(data, [], new Set(), locate);
  const { validatePlatformSpec } = require("../generated/spec-validator") as typeof import("../generated/spec-validator");
  if (!validatePlatformSpec(data)) {
    const { explainSpec } = require("./explain") as typeof import("./explain");
    const e = explainSpec(data);
    const where = e.aboutParent ? e.path.slice(0, -1) : e.path;
    throw new PlatformSpecError(locate(e.path), specPathOf(where), e.problem, e.received, e.fix);
  }
  const spec = data as PlatformSpec;
  const document: PlatformSpecDocument = { source, spec, name: spec.name ?? fileName, locate };
  DOCUMENTS.add(document);
  return document;
}

/**
 * A copy of the spec as plain data, refusing what a file cannot hold and a schema cannot see:
 * class instances (a Target given in an object spec), functions, getters, symbols, cycles, and
 * nesting deeper than any spec needs. A field set to undefined is left out, as JSON would; the
 * copy also keeps the spec from changing under the loader when its caller's object does.
 */
function plainCopy(value: unknown, path: (string | number)[], ancestors: Set<object>, locate: (path: readonly (string | number)[]) => string): unknown {
  const refuse = (problem: string, received: unknown, fix: string): never => {
    throw new PlatformSpecError(locate(path), specPathOf(path), problem, received, fix);
  };
  // JSON (and so Terraform) has no Infinity or NaN: YAML's .inf, .nan and 1e400 would become null.
  if (typeof value === "number" && !Number.isFinite(value)) return refuse("must be a finite number", value, "Write a number JSON can hold: 1e400 is too large, and .inf and .nan are not numbers a platform can use.");
  if (value === null || value === undefined || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value !== "object") return refuse("must be plain data (text, numbers, true or false, lists and maps)", typeof value, "Give the value as it would be written in YAML or JSON.");
  if (path.length > MAX_DEPTH) return refuse(`is nested more than ${MAX_DEPTH} levels deep`, `${path.length} levels`, "Flatten it.");
  if (ancestors.has(value)) return refuse("contains itself", "a cycle", "Give each value once (a YAML alias may not refer to a map that holds it).");
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    return refuse("must be plain data: a map, not an object made by code", proto?.constructor?.name ?? "object", "Write the options as data (e.g. target: { eks: {...} }), or use the TypeScript API for instances.");
  }
  if (Object.getOwnPropertySymbols(value).length > 0) return refuse("must be plain data: it has symbol keys", "symbol keys", "Use text keys.");
  ancestors.add(value);
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
    if (Array.isArray(value) && key === "length") continue;
    const at = [...path, Array.isArray(value) && /^\d+$/.test(key) ? Number(key) : key];
    if (!("value" in descriptor)) throw new PlatformSpecError(locate(at), specPathOf(at), "must be plain data: it is computed by a getter", key, "Give the value itself.");
    const item = plainCopy(descriptor.value, at, ancestors, locate);
    if (Array.isArray(copy)) copy[Number(key)] = item;
    // defineProperty: a key "__proto__" stays a key, as the YAML parser keeps it.
    else if (item !== undefined) Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
  }
  ancestors.delete(value);
  return copy;
}

/** The spec path of a YAML node, from the nodes that hold it (`visit`'s ancestors). */
function pathOf(ancestors: readonly unknown[]): (string | number)[] {
  const { isPair, isScalar, isSeq } = require("yaml") as typeof import("yaml");
  const path: (string | number)[] = [];
  ancestors.forEach((node, i) => {
    if (isPair(node)) path.push(String(isScalar(node.key) ? node.key.value : node.key));
    else if (isSeq(node) && i + 1 < ancestors.length) path.push(node.items.indexOf(ancestors[i + 1]));
  });
  return path;
}

function stem(file: string): string {
  return basename(file, extname(file));
}

/** `file:line:column` of an offset. */
function at(file: string, lineCounter: LineCounter, offset: number): string {
  const { line, col } = lineCounter.linePos(offset);
  return `${file}:${line}:${col}`;
}

/** The line holding `offset`, trimmed, for a message. */
function lineOf(text: string, offset: number): string {
  const start = text.lastIndexOf("\n", Math.max(0, offset - 1)) + 1;
  const end = text.indexOf("\n", offset);
  return text.slice(start, end === -1 ? undefined : end).trim().slice(0, 120);
}

/** Where the key (or list item) at `path` is; the deepest part of the path that exists. */
function locateIn(file: string, doc: Document.Parsed, lineCounter: LineCounter, path: readonly (string | number)[]): string {
  const { isMap, isSeq, isScalar, isAlias } = require("yaml") as typeof import("yaml");
  let node: unknown = doc.contents;
  let offset = (doc.contents as { range?: number[] } | null)?.range?.[0] ?? 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(segment));
      if (!pair) break;
      offset = (pair.key as { range?: number[] } | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as { range?: number[] } | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return at(file, lineCounter, offset);
}
