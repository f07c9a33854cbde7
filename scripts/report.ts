// `npm run report`: for every default blueprint (BLUEPRINTS=edge,aws for some), the CPU and memory
// requests and limits and the volumes of each part, component and zone, against the node where
// its size is known. Exits 1 when a single-node blueprint does not fit its node, a pod is larger
// than the node, or the API server would refuse a pod.
import { App } from "cdktf";
import { footprintFailures, PlatformConfigError, platformFootprint, renderFootprint } from "../lib";
import { BLUEPRINTS } from "../stacks/blueprints";

function main(): number {
  const wanted = (process.env.BLUEPRINTS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((name) => !(name in BLUEPRINTS));
  if (unknown.length > 0) {
    console.error(`Unknown blueprint(s) ${unknown.join(", ")} in BLUEPRINTS. Known: ${Object.keys(BLUEPRINTS).join(", ")}.`);
    return 1;
  }
  const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
  let failing = 0;
  for (const [name, build] of Object.entries(BLUEPRINTS)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    const footprint = platformFootprint(build(app));
    console.log(`\n${renderFootprint(footprint)}`);
    const failures = footprintFailures(footprint);
    for (const failure of failures) console.error(failure);
    failing += failures.length;
  }
  return failing > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (error) {
  if (error instanceof PlatformConfigError) {
    console.error(error.message);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
