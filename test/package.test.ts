// The package as a user gets it: `npm pack` (which builds dist/lib through `prepare`), installed
// into a fresh app next to its peer dependencies, running the README's example program.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..");
const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const PEERS = Object.keys(PACKAGE.peerDependencies ?? {});

/** The first ```ts block under "## Writing your own stack", read now: the README is the spec. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.split(/^## Writing your own stack[ \t]*$/m)[1]?.split(/^## /m)[0];
  const code = section?.match(/```ts\r?\n([\s\S]*?)```/)?.[1];
  if (!code) throw new Error('README.md has no ```ts block under "## Writing your own stack"');
  return code;
}

/** The version installed here, so the app installs from the npm cache filled by `npm ci`. */
function installedVersion(name: string): string {
  return JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
}

/** Every installed copy of `name` under `nodeModules`, nested ones included (paths relative to the app). */
function copiesOf(name: string, nodeModules: string, found: string[] = []): string[] {
  if (!existsSync(nodeModules)) return found;
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith(".")) continue;
    const dirs = entry.startsWith("@")
      ? readdirSync(join(nodeModules, entry)).map((e) => join(nodeModules, entry, e))
      : [join(nodeModules, entry)];
    for (const dir of dirs) {
      const manifest = join(dir, "package.json");
      if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === name) found.push(dir);
      copiesOf(name, join(dir, "node_modules"), found);
    }
  }
  return found;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd}:\n${err.stdout ?? ""}\n${err.stderr ?? err.message}`);
  }
}

describe("the packed package", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "msp-package-"));
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test("installs into an app with one cdktf and one constructs, and runs the README's example", () => {
    // 1. npm pack: `prepare` compiles lib into dist/lib; `files` ships dist/lib only.
    const packDir = join(tmp, "pack");
    mkdirSync(packDir);
    run("npm", ["pack", "--pack-destination", packDir], ROOT);
    const tarballs = readdirSync(packDir).filter((f) => f.endsWith(".tgz"));
    expect(tarballs).toHaveLength(1);
    const tarball = join(packDir, tarballs[0]);
    const files = run("tar", ["-tzf", tarball], tmp).split("\n").filter(Boolean);
    expect(files).toEqual(expect.arrayContaining(["package/package.json", "package/README.md", "package/dist/lib/index.js", "package/dist/lib/index.d.ts"]));
    // Only the library: no sources, tests, blueprints, examples, scripts or node_modules.
    expect(files.filter((f) => !/^package\/(package\.json|README\.md|LICENSE(\.\w+)?|dist\/lib\/.+)$/.test(f))).toEqual([]);
    expect(files.filter((f) => /\/node_modules\/|\.tsbuildinfo$|(?<!\.d)\.ts$/.test(f))).toEqual([]);
    // cdktf, constructs and the provider bindings are the app's (peer dependencies), never the package's own.
    const packed = JSON.parse(run("tar", ["-xzOf", tarball, "package/package.json"], tmp));
    for (const name of ["cdktf", "constructs", "@cdktf/provider-kubernetes", "@cdktf/provider-helm"]) {
      expect(packed.peerDependencies?.[name]).toBeDefined();
      expect(packed.dependencies?.[name]).toBeUndefined();
    }

    // 2. A fresh app depending on the tarball and the peer dependencies (plus a compiler).
    const app = join(tmp, "app");
    mkdirSync(app);
    const dependencies: Record<string, string> = { [PACKAGE.name]: `file:${tarball}` };
    for (const peer of PEERS) dependencies[peer] = installedVersion(peer);
    const devDependencies = { typescript: installedVersion("typescript"), "@types/node": installedVersion("@types/node") };
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", version: "0.0.0", private: true, dependencies, devDependencies }, null, 2));
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], app);

    for (const name of ["cdktf", "constructs", ...PEERS]) {
      expect(copiesOf(name, join(app, "node_modules")).map((d) => d.slice(app.length + 1))).toEqual([join("node_modules", name)]);
    }

    // 3. The README's example, type-checked against the packed .d.ts, then run.
    const example = readmeExample();
    expect(example).toContain(`from "${PACKAGE.name}"`);
    const platformId = example.match(/new MicroservicePlatform\(\s*\w+\s*,\s*["'`]([^"'`]+)["'`]/)?.[1];
    if (!platformId) throw new Error('the README example has no `new MicroservicePlatform(app, "<id>", ...)` with a literal id');
    writeFileSync(join(app, "main.ts"), example);
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "commonjs", moduleResolution: "node", strict: true, esModuleInterop: true, skipLibCheck: false, types: ["node"] },
        files: ["main.ts"],
      }),
    );
    run(join(app, "node_modules", ".bin", "tsc"), ["-p", "."], app);

    const outdir = join(app, "cdktf.out");
    run("node", ["main.js"], app, { CDKTF_OUTDIR: outdir });
    const stacks = Object.keys(JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")).stacks);
    expect(stacks.filter((s) => s.startsWith(`${platformId}-`)).length).toBeGreaterThan(0);
    for (const s of stacks) expect(existsSync(join(outdir, "stacks", s, "cdk.tf.json"))).toBe(true);
  }, 240_000);
});
