// A shop on EKS across three zones: two teams, three services, secrets by reference.
// Run: npx ts-node --transpile-only examples/shop-on-eks.ts   (writes cdktf.out)
import { App } from "cdktf";
import { Construct } from "constructs";
import { MicroservicePlatform, Profile, Target } from "../lib";

export function shopOnEks(scope: Construct): MicroservicePlatform {
  const platform = new MicroservicePlatform(scope, "shop", {
    target: Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"], clusterName: "shop-prod" }),
    profile: Profile.PRODUCTION,
  });

  const checkout = platform.addTeam("checkout", { editGroups: ["checkout-devs"], viewGroups: ["sre"] });
  const catalog = platform.addTeam("catalog", { allowIngressFromNamespaces: ["checkout"] });

  platform.addService("orders", {
    team: checkout,
    image: "ghcr.io/example/orders:1.4.2",
    port: 8080,
    env: { LOG_LEVEL: "info" },
    // The password stays in the cluster: only the Secret's name and key are in the stack.
    secretEnv: { DATABASE_PASSWORD: { secretName: "orders-db", key: "password" } },
  });
  platform.addService("payments", { team: checkout, image: "ghcr.io/example/payments:2.0.1", replicas: 4 });
  platform.addService("products", { team: catalog, image: "ghcr.io/example/products:3.1.0", health: { readinessPath: "/health/ready", livenessPath: "/health/live" } });
  return platform;
}

if (require.main === module) {
  const app = new App();
  shopOnEks(app);
  app.synth();
}
