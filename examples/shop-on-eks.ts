// A shop on EKS across three zones: a broker that also speaks MQTT and offloads to S3, topics
// declared in code, two teams and four services. Orders and payments talk to Pulsar directly
// (each gets the broker URL, its own token and the CA by reference; the grant becomes a Pulsar
// permission); billing subscribes through its Dapr sidecar and keeps state in the team's
// Redis, by reference. Everything is traced to Jaeger, which stores in Elasticsearch. Nacos,
// on the shop's MySQL, is the registry and config center: each team has its own Nacos
// namespace and credentials, and the services' settings are declared here.
// Run: npx ts-node --transpile-only examples/shop-on-eks.ts   (writes cdktf.out)
import { App } from "cdktf";
import { Construct } from "constructs";
import { DaprRuntime, MicroservicePlatform, Nacos, NacosStorage, OffloadCredentials, OffloadStore, Profile, Protocol, Target, TraceStorage, Tracing } from "../lib";

export function shopOnEks(scope: Construct): MicroservicePlatform {
  const dapr = new DaprRuntime();
  // The database password lives in a Secret "nacos-db" of the registry namespace (shop-registry).
  const nacos = new Nacos({
    storage: NacosStorage.mysql({ host: "shop-mysql.cluster-abc.eu-west-1.rds.amazonaws.com", database: "nacos", username: "nacos", password: { secretName: "nacos-db", key: "password" } }),
  });
  const platform = new MicroservicePlatform(scope, "shop", {
    target: Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"], clusterName: "shop-prod" }),
    profile: Profile.PRODUCTION,
    broker: {
      // Devices publish over MQTT; the handler's NAR comes from an image you build (see README).
      protocols: [Protocol.mqtt({ handlerImage: "registry.example.com/pulsar/mqtt-handler:4.0.10.1" })],
      // Cold ledgers go to S3 with the brokers' IRSA role: no key anywhere.
      offload: OffloadStore.s3("shop-pulsar-offload", {
        credentials: OffloadCredentials.workloadIdentity("arn:aws:iam::111122223333:role/shop-pulsar-offload"),
      }),
    },
    components: [
      nacos,
      dapr,
      // The password lives in a Secret "jaeger-es" of the tracing namespace (shop-tracing).
      new Tracing({ storage: TraceStorage.elasticsearch({ urls: ["https://es.shop.example.com:9200"], username: "jaeger", password: { secretName: "jaeger-es", key: "password" } }) }),
    ],
  });

  const orders = platform.broker.addTenant("shop").addNamespace("orders", { retention: { minutes: 7 * 24 * 60, sizeMb: 10240 } });
  const placed = orders.addTopic("placed", { partitions: 6 });
  const paid = orders.addTopic("paid", { partitions: 6 });

  // Egress is denied by default: checkout's services call catalog's, so both sides say so.
  const checkout = platform.addTeam("checkout", { editGroups: ["checkout-devs"], viewGroups: ["sre"], egress: { toNamespaces: ["catalog"] } });
  const catalog = platform.addTeam("catalog", { allowIngressFromNamespaces: ["checkout"] });

  const ordersService = platform.addService("orders", {
    team: checkout,
    image: "ghcr.io/example/orders:1.4.2",
    port: 8080,
    env: { ORDERS_TOPIC: placed.fullName, LOG_LEVEL: "info" },
    // The password stays in the cluster: only the Secret's name and key are in the stack.
    secretEnv: { DATABASE_PASSWORD: { secretName: "orders-db", key: "password" } },
  });
  placed.grantProduce(ordersService);

  const payments = platform.addService("payments", { team: checkout, image: "ghcr.io/example/payments:2.0.1", replicas: 4, env: { PLACED_TOPIC: placed.fullName, PAID_TOPIC: paid.fullName } });
  placed.grantConsume(payments);
  paid.grantProduce(payments);

  platform.addService("products", { team: catalog, image: "ghcr.io/example/products:3.1.0", health: { readinessPath: "/health/ready", livenessPath: "/health/live" } });

  // Billing gets placed orders from its sidecar on /placed, failures going to a dead-letter topic.
  const billing = platform.addService("billing", { team: checkout, image: "ghcr.io/example/billing:1.2.0" });
  billing.subscribe(placed, { route: "/placed", deadLetter: orders.addTopic("placed-dlq") });
  dapr.addComponent(checkout, {
    name: "billing-state",
    type: "state.redis",
    metadata: [
      { name: "redisHost", value: "billing-redis.checkout.svc:6379" },
      { name: "redisPassword", secretKeyRef: { secretName: "billing-redis", key: "password" } },
    ],
    users: [billing],
  });
  // Settings in the checkout team's Nacos namespace (group = service, as Spring Cloud Alibaba reads it).
  nacos.config("orders", "orders.yaml", "orders:\n  maxItems: 50\n  reserveTimeout: 15m\n", { team: checkout, format: "yaml" });
  nacos.config("payments", "payments.yaml", { currencies: ["EUR", "USD"], captureDelaySeconds: 30 }, { team: checkout });
  return platform;
}

if (require.main === module) {
  const app = new App();
  shopOnEks(app);
  app.synth();
}
