// One k3s node at an edge site that pulls every chart and image through a local mirror, with a
// single-member Nacos as its registry and config center.
// Run: npx ts-node --transpile-only examples/edge-site.ts
import { App } from "cdktf";
import { Construct } from "constructs";
import { Mirror, MicroservicePlatform, Nacos, Profile, Target } from "../lib";

export function edgeSite(scope: Construct): MicroservicePlatform {
  const platform = new MicroservicePlatform(scope, "store-042", {
    target: Target.k3s(),
    profile: Profile.EDGE,
    mirror: Mirror.of({
      chartRepository: "oci://registry.store-042.local:5000/charts",
      imageRegistry: "registry.store-042.local:5000",
      imagePullSecrets: ["local-registry"],
    }),
    components: [new Nacos()],
  });
  // Pulled as registry.store-042.local:5000/example/till:5.2.0.
  platform.addService("till", { image: "docker.io/example/till:5.2.0" });
  return platform;
}

if (require.main === module) {
  const app = new App();
  edgeSite(app);
  app.synth();
}
