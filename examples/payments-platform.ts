// A product team's platform, extending the company preset of presets/team-preset.ts: more stateless
// replicas, a registry mirror, and its own services and topics. The preset stays as published;
// every change returns a new preset.
// Run: npx ts-node --transpile-only examples/payments-platform.ts
import { App } from "cdktf";
import { Construct } from "constructs";
import { MicroservicePlatform, Mirror, Profile, ScaleTrigger } from "../lib";
import { teamOf, teamPlatform } from "./presets/team-preset";

export function paymentsPlatform(scope: Construct): MicroservicePlatform {
  return teamPlatform({
    region: "eu-central-1",
    teams: ["payments", "ledger"],
    traceStoreUrl: "https://es.example.com:9200",
    offloadRole: "arn:aws:iam::111122223333:role/payments-pulsar-offload",
  })
    .withProps((props) => ({
      ...props,
      profile: Profile.PRODUCTION.with({ statelessReplicas: 6 }),
      mirror: Mirror.of({ imageRegistry: "harbor.example.com/proxy", imagePullSecrets: ["harbor"] }),
    }))
    .then((platform) => {
      const settled = platform.broker.addTenant("events").addNamespace("domain").addTopic("payment-settled", { partitions: 6 });
      // The API publishes through its own Pulsar client; the ledger gets settlements from its sidecar.
      const api = platform.addService("payments-api", { team: teamOf(platform, "payments"), image: "ghcr.io/example/payments-api:3.2.0" });
      settled.grantProduce(api);
      api.autoscale({ triggers: [ScaleTrigger.cpu({ utilization: 70 })], minReplicas: 3, maxReplicas: 30 });
      const ledger = platform.addService("ledger", { team: teamOf(platform, "ledger"), image: "ghcr.io/example/ledger:1.9.0" });
      ledger.subscribe(settled, { route: "/settled", scaleToZero: true });
    })
    .build(scope, "payments");
}

if (require.main === module) {
  const app = new App();
  paymentsPlatform(app);
  app.synth();
}
