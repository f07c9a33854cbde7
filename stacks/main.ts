// The library first: loaded before cdktf, it spares cdktf start-up modules it never uses (lib/core/startup.ts).
import { runProgram, selectedBlueprints } from "./program";
import { App } from "cdktf";

// Synthesizes the default blueprints into cdktf.out (or $CDKTF_OUTDIR, as `cdktf synth` sets it).
// BLUEPRINTS=aws,local limits the run to some of them.
runProgram(() => {
  const app = new App();
  for (const [, build] of selectedBlueprints()) build(app);
  app.synth();
});
