// The shop of shop-on-eks.ts, built from its spec (shop.platform.yaml) with one call. A bad
// value in the file fails with its file, line and column, the spec path and a fix.
// Run: npx ts-node --transpile-only examples/shop-from-spec.ts
import { join } from "node:path";
import { App } from "cdktf";
import { Construct } from "constructs";
import { loadPlatformSpec, MicroservicePlatform } from "../lib";

export function shopFromSpec(scope: Construct): MicroservicePlatform {
  return loadPlatformSpec(scope, join(__dirname, "shop.platform.yaml"));
}

if (require.main === module) {
  const app = new App();
  shopFromSpec(app);
  app.synth();
}
