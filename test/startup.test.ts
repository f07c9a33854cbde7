// lib/core/startup.ts: cdktf loaded after the library starts without `archiver`, `semver` and
// `json-stable-stringify`, an app with a directory asset (what cdktf needs archiver for; it zips in
// a child process) still gets its zip, and the stand-ins, when used, are the real modules. Run in fresh Node processes: jest's module
// registry is not Node's, and deferral only applies to the first load.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..");

/** Runs `body` in a fresh Node (TypeScript through ts-node) after `prelude`; returns what it prints as JSON. */
function inFreshNode(prelude: string, body: string): Record<string, unknown> {
  const script = `${prelude}\n${body}`;
  const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: join(ROOT, "tsconfig.json") },
    encoding: "utf8",
    stdio: "pipe",
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

// What is loaded, and an app with a directory asset synthesized into OUT.
const PROBE = `
const { readFileSync, writeFileSync, mkdirSync, readdirSync } = require("node:fs");
const { join } = require("node:path");
const cdktf = require("cdktf");
// Modules only the real semver loads (its parts).
const semverParts = () => Object.keys(require.cache).filter((f) => /[\\\\/]semver[\\\\/](functions|classes|ranges)[\\\\/]/.test(f)).length;
const semverBefore = semverParts();
// Modules only the real json-stable-stringify loads (its helpers).
const stringifyParts = () => Object.keys(require.cache).filter((f) => /[\\\\/](get-intrinsic|call-bind|object-keys)[\\\\/]/.test(f)).length;
const stringifyBefore = stringifyParts();
// Modules only the real archiver loads (its own dependencies).
const loaded = () => Object.keys(require.cache).filter((f) => /[\\\\/]node_modules[\\\\/](archiver-utils|zip-stream|compress-commons|lodash)[\\\\/]/.test(f)).length;
const beforeSynth = loaded();
const src = join(process.env.OUT, "src");
mkdirSync(src, { recursive: true });
writeFileSync(join(src, "hello.txt"), "hello");
const app = new cdktf.App({ outdir: join(process.env.OUT, "cdktf.out") });
const stack = new cdktf.TerraformStack(app, "assets");
const asset = new cdktf.TerraformAsset(stack, "site", { path: src, type: cdktf.AssetType.ARCHIVE });
new cdktf.TerraformOutput(stack, "file", { value: asset.path });
app.synth();
const assetsDir = join(process.env.OUT, "cdktf.out", "stacks", "assets", "assets");
const zips = readdirSync(assetsDir, { recursive: true }).filter((f) => String(f).endsWith(".zip"));
const zip = readFileSync(join(assetsDir, String(zips[0])));
const afterSynth = loaded();
// The module cdktf's own require("archiver") returns, called as cdktf calls it.
const cdktfPrivate = join(require.resolve("cdktf"), "..", "private");
const archiver = require(require.resolve("archiver", { paths: [cdktfPrivate] }));
const archive = archiver("zip", { zlib: { level: 9 } });
// The module cdktf's version check gets, used as it uses it.
const semver = require(require.resolve("semver", { paths: [join(require.resolve("cdktf"), "..", "validations")] }));
const satisfied = [semver.satisfies("1.6.0", ">=1.5"), semver.satisfies("1.4.0", ">=1.5")];
// The module cdktf's manifest writes with (the asset app above has no platform stack: cdktf's own writer ran).
const stringify = require(require.resolve("json-stable-stringify", { paths: [join(require.resolve("cdktf"), "..")] }));
const stringified = stringify({ b: [], a: 1 }, { space: 2 });
console.log(JSON.stringify({
  semverBefore, semverAfter: semverParts(), satisfied, stringifyBefore, stringifyAfter: stringifyParts(), stringified, beforeSynth, afterSynth, afterCall: loaded(), archive: typeof archive.directory === "function" && typeof archive.finalize === "function",
  formats: archiver.isRegisteredFormat("zip"), zips: zips.length, zipMagic: zip.subarray(0, 2).toString("latin1"), zipHasFile: zip.includes("hello.txt"),
}));
`;

describe("start-up (lib/core/startup.ts)", () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), "msp-startup-"));
    process.env.OUT = out;
  });
  afterEach(() => {
    rmSync(out, { recursive: true, force: true });
    delete process.env.OUT;
  });

  test("the library loaded first: cdktf starts without archiver, semver and json-stable-stringify, and they work when used", () => {
    const result = inFreshNode(`require("./lib");`, PROBE);
    expect(result).toMatchObject({ semverBefore: 0, satisfied: [true, false], stringifyBefore: 0, stringified: '{\n  "a": 1,\n  "b": [\n  ]\n}' });
    expect(result.stringifyAfter).toBeGreaterThan(0);
    expect(result.semverAfter).toBeGreaterThan(0);
    expect(result).toMatchObject({ beforeSynth: 0, afterSynth: 0, zips: 1, zipMagic: "PK", zipHasFile: true });
    // Called, the stand-in loads and forwards to the real archiver.
    expect(result.afterCall).toBeGreaterThan(0);
    expect(result).toMatchObject({ archive: true, formats: true });
  });

  test("cdktf loaded first: nothing is deferred, and the asset works the same", () => {
    const result = inFreshNode(`require("cdktf"); require("./lib");`, PROBE);
    expect(result.beforeSynth).toBeGreaterThan(0);
    expect(result.semverBefore).toBeGreaterThan(0);
    expect(result.stringifyBefore).toBeGreaterThan(0);
    expect(result).toMatchObject({ satisfied: [true, false], zips: 1, zipMagic: "PK", zipHasFile: true, archive: true, formats: true });
  });
});
