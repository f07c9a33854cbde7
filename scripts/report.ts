// `npm run report`: for every default blueprint (BLUEPRINTS=edge,aws for some), the CPU and memory
// requests and limits and the volumes of each part, component and zone, against the node where
// its size is known. Exits 1 when a single-node blueprint does not fit its node, a pod is larger
// than the node, or the API server would refuse a pod.
import { App } from "cdktf";
import { footprintFailures, platformFootprint, renderFootprint } from "../lib";
import { runProgram, selectedBlueprints } from "../stacks/program";

runProgram(() => {
  const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
  let failing = 0;
  for (const [, build] of selectedBlueprints()) {
    const footprint = platformFootprint(build(app));
    console.log(`\n${renderFootprint(footprint)}`);
    const failures = footprintFailures(footprint);
    for (const failure of failures) console.error(failure);
    failing += failures.length;
  }
  return failing > 0 ? 1 : 0;
});
