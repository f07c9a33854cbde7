import { Module } from "node:module";
import { dirname, join } from "node:path";

/**
 * Modules that cdktf loads at start-up for features the library never uses, with the cdktf file
 * that requires each (resolved from there, so the cache key is the one cdktf looks up):
 * - `archiver` (with lodash, async, readable-stream and glob: ~100 ms, half the start-up of a
 *   one-resource cdktf program) zips directory assets, `TerraformAsset`; cdktf even zips in a child
 *   process, so the program itself never calls it;
 * - `semver` (45 modules, ~20 ms) checks the Terraform binary's version, which cdktf does only for
 *   resource moves;
 * - `json-stable-stringify` (with ~30 helper modules, ~14 ms) writes the stacks and the manifest,
 *   which platform stacks and their apps write with the library's own writer
 *   (core/stack-synthesizer).
 */
const DEFERRED: { name: string; requiredBy: string; callable: boolean }[] = [
  { name: "archiver", requiredBy: "lib/private/fs.js", callable: true },
  { name: "semver", requiredBy: "lib/validations/validate-binary-version.js", callable: false },
  { name: "json-stable-stringify", requiredBy: "lib/manifest.js", callable: true },
];

/**
 * Defers loading the modules above until cdktf uses them.
 *
 * cdktf's own modules load its package root, which loads everything, so importing deeper cannot
 * avoid them. When this module runs before cdktf is first loaded (the library's entry imports it
 * first), each one's place in Node's module cache holds a stand-in that loads the real module on
 * first use (a call or a property read) and forwards to it: a program that uses them works as
 * before, one that does not never pays.
 *
 * Nothing happens when cdktf is already loaded (the program imported it first), when the module
 * system is not Node's own (a test runner's registry ignores the writes), or when a module cannot
 * be found where cdktf would find it.
 */
export function deferUnusedCdktfModules(): void {
  const cache = typeof require === "function" ? require.cache : undefined;
  if (!cache) return;
  let cdktfRoot: string;
  try {
    cdktfRoot = dirname(require.resolve("cdktf/package.json"));
    if (cache[require.resolve("cdktf")]) return;
  } catch {
    return;
  }
  for (const { name, requiredBy, callable } of DEFERRED) {
    let file: string;
    try {
      file = require.resolve(name, { paths: [dirname(join(cdktfRoot, requiredBy))] });
    } catch {
      continue;
    }
    if (!cache[file]) cache[file] = standIn(cache, file, callable);
  }
}

/** A cache entry whose exports load `file` on first use and forward to it. */
function standIn(cache: NodeJS.Dict<NodeJS.Module>, file: string, callable: boolean): NodeJS.Module {
  let real: object | undefined;
  const load = (): object => {
    if (real === undefined) {
      delete cache[file];
      real = require(file) as object;
    }
    return real;
  };
  const exports = new Proxy(callable ? function deferred() {} : {}, {
    apply: (_target, self, args) => Reflect.apply(load() as (...a: unknown[]) => unknown, self, args),
    get: (_target, key) => Reflect.get(load(), key),
    has: (_target, key) => Reflect.has(load(), key),
  });
  const entry = new Module(file);
  entry.filename = file;
  entry.exports = exports;
  entry.loaded = true;
  return entry;
}

deferUnusedCdktfModules();
