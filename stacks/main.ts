import { App } from "cdktf";
import { PlatformConfigError } from "../lib";
import { BLUEPRINTS } from "./blueprints";

// Synthesizes the default blueprints into cdktf.out (or $CDKTF_OUTDIR, as `cdktf synth` sets it).
// BLUEPRINTS=aws,local limits the run to some of them.
function main(): void {
  const wanted = (process.env.BLUEPRINTS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((name) => !(name in BLUEPRINTS));
  if (unknown.length > 0) {
    console.error(`Unknown blueprint(s) ${unknown.join(", ")} in BLUEPRINTS. Known: ${Object.keys(BLUEPRINTS).join(", ")}.`);
    process.exit(1);
  }
  const app = new App();
  for (const [name, build] of Object.entries(BLUEPRINTS)) {
    if (wanted.length === 0 || wanted.includes(name)) build(app);
  }
  app.synth();
}

try {
  main();
} catch (error) {
  // Bad input is reported as the message alone: it names the construct, the value and the fix.
  if (error instanceof PlatformConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
