import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { App } from "cdktf";
import { useFastResolutionForTests } from "../lib/core/resolve";
import { BLUEPRINTS } from "../stacks/blueprints";
import { auditedPlatform } from "../examples/audit-log-component";
import { edgeSite } from "../examples/edge-site";
import { onpremCluster } from "../examples/onprem-cluster";
import { shopOnEks } from "../examples/shop-on-eks";

/** Every default blueprint and every example, synthesized into `outdir` (examples under examples/<name>). */
export function synthEverything(outdir: string): void {
  const app = new App({ outdir, skipValidation: false });
  for (const build of Object.values(BLUEPRINTS)) build(app);
  app.synth();
  for (const example of [auditedPlatform, edgeSite, onpremCluster, shopOnEks]) {
    const dir = join(outdir, "examples", example.name);
    mkdirSync(dir, { recursive: true });
    const own = new App({ outdir: dir });
    example(own);
    own.synth();
  }
}

/** Every file under a directory, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The files of a synthesis by path relative to its outdir, with their text. */
export function outputOf(dir: string): Map<string, string> {
  return new Map(filesUnder(dir).map((file) => [relative(dir, file), readFileSync(file, "utf8")]));
}

/** Synthesizes `build` into a fresh directory with the library's fast path or cdktf's own: the files written. */
export function outputWith(build: (outdir: string) => void, fast: boolean): Map<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), `msp-${fast ? "fast" : "cdktf"}-`));
  useFastResolutionForTests(fast);
  try {
    build(outdir);
    return outputOf(outdir);
  } finally {
    useFastResolutionForTests(true);
    rmSync(outdir, { recursive: true, force: true });
  }
}
