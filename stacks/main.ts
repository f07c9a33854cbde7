import { App } from "cdktf";
import { runProgram, selectedBlueprints } from "./program";

// Synthesizes the default blueprints into cdktf.out (or $CDKTF_OUTDIR, as `cdktf synth` sets it).
// BLUEPRINTS=aws,local limits the run to some of them.
runProgram(() => {
  const app = new App();
  for (const [, build] of selectedBlueprints()) build(app);
  app.synth();
});
