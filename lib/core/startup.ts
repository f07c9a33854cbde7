import { Module } from "node:module";
import { dirname, join } from "node:path";

/**
 * Defers loading `archiver` until cdktf needs it.
 *
 * cdktf's package root loads `archiver` (with lodash, async, readable-stream and glob: ~100 ms,
 * half the start-up of a one-resource cdktf program) for `TerraformAsset`, which zips directory
 * assets. The library has no assets, and cdktf's own modules load the package root, so it cannot
 * be avoided by importing deeper. When this module runs before cdktf is first loaded (the library's
 * entry imports it first), `archiver`'s place in the module cache holds a stand-in that loads the
 * real module on first use: a program with assets works as before, one without never pays.
 *
 * Nothing happens when cdktf is already loaded (the program imported it first), when the module
 * system is not Node's own (a test runner's registry), or when `archiver` cannot be found.
 */
export function deferArchiver(): void {
  const cache = typeof require === "function" ? require.cache : undefined;
  if (!cache) return;
  let file: string;
  try {
    const cdktfRoot = dirname(require.resolve("cdktf/package.json"));
    if (cache[require.resolve("cdktf")]) return;
    // Resolved from where cdktf requires it, so the cache key is the one cdktf will look up.
    file = require.resolve("archiver", { paths: [join(cdktfRoot, "lib", "private")] });
  } catch {
    return;
  }
  if (cache[file]) return;
  let real: unknown;
  const load = (): object => {
    if (real === undefined) {
      delete cache[file];
      real = require(file);
    }
    return real as object;
  };
  // `archiver` is a function (archiver("zip", options)) with properties (create, registerFormat, ...).
  const standIn = new Proxy(function archiver() {}, {
    apply: (_target, self, args) => Reflect.apply(load() as (...a: unknown[]) => unknown, self, args),
    get: (_target, key) => Reflect.get(load(), key),
    has: (_target, key) => Reflect.has(load(), key),
  });
  const entry = new Module(file);
  entry.filename = file;
  entry.exports = standIn;
  entry.loaded = true;
  // A registry that ignores writes (a test runner's) keeps the real module: nothing changes.
  cache[file] = entry;
}

deferArchiver();
