// The shop of shop-on-eks.ts, built from its spec (shop.platform.yaml) with one call. A bad
// value in the file fails with its file, line and column, the spec path and a fix.
// Run: npx ts-node --transpile-only examples/shop-from-spec.ts
import { App } from "cdktf";
import { Construct } from "constructs";
import { loadPlatformSpec, MicroservicePlatform } from "../lib";

export function shopFromSpec(scope: Construct): MicroservicePlatform {
  // Relative to the project root, where cdktf runs an app (next to cdktf.json).
  return loadPlatformSpec(scope, "examples/shop.platform.yaml");
}

if (require.main === module) {
  const app = new App();
  shopFromSpec(app);
  app.synth();
}
