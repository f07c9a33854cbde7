import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { App } from "cdktf";
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
