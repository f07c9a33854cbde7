import fc from "fast-check";
import { Construct } from "constructs";
import { Testing, TerraformStack } from "cdktf";
import {
  DaprRuntime, Keda, KubernetesConnection, MicroservicePlatform, Mirror, Nacos, OffloadCredentials, OffloadStore, PlatformConfigError, Profile, Protocol, ScaleTrigger, Target,
} from "../lib";
import { testApp } from "./helpers";

/**
 * Hostile input at scale: generated values thrown at the public API, as a blueprint read from YAML
 * could carry them. Every outcome must be an accepted input or a PlatformConfigError; a TypeError,
 * a RangeError or a hang from inside the library fails the run with the input that caused it.
 */

const counts: Record<string, number> = {};
afterAll(() => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  // The figure the closing note of issue #12 reports.
  console.log(`hostile inputs: ${total} (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ")})`);
});

/** Runs `fn` on input; an error that is not a PlatformConfigError fails with the input. */
function outcome(area: string, input: unknown, fn: () => void): "accepted" | "refused" {
  counts[area] = (counts[area] ?? 0) + 1;
  try {
    fn();
    return "accepted";
  } catch (e) {
    if (e instanceof PlatformConfigError) {
      // A refusal names a construct or factory and says what to do.
      expect(e.message).toMatch(/^\[.+\] ./s);
      return "refused";
    }
    throw new Error(`${area}: ${(e as Error)?.constructor?.name} from inside the library for input ${safeJson(input)}: ${(e as Error)?.message}`);
  }
}

function safeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : typeof v === "symbol" ? String(v) : v));
    return text === undefined ? String(value) : text.length > 400 ? `${text.slice(0, 400)}...` : text;
  } catch {
    return "<unprintable>";
  }
}

/** Strings a YAML file or a careless caller could hold. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "", " ", "\n", "latest", "A=B", "constructor", "__proto__", "toString", "hasOwnProperty", "${file(\"/etc/passwd\")}", "%{ for x in y }", "../..", "a".repeat(300),
    "-".repeat(40_000), "9".repeat(5000), "ünïcødé", "UPPER", "shop", "orders", "3", "true", "false", "null", "0",
  ),
);
/** Any value: scalars, odd numbers, lists, objects (with prototype-named keys), nested. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { maxDepth: 3 },
  nastyString,
  fc.constantFrom(0, -1, 1, 3, 1e21, -0, Number.NaN, Infinity, 2 ** 53, 0.5, true, false, null, undefined),
  fc.anything({ maxDepth: 2, maxKeys: 4, withNullPrototype: true }),
  fc.dictionary(fc.constantFrom("constructor", "__proto__", "toString", "image", "cpu", "memory", "pods", "zones", "name", "value"), fc.oneof(nastyString, fc.integer()), { maxKeys: 3 }),
);

/** A valid object with one field replaced by something else, one dropped, or one added. */
function mutated(valid: Record<string, unknown>, extraKeys: string[] = []): fc.Arbitrary<unknown> {
  const keys = [...Object.keys(valid), ...extraKeys];
  return fc.oneof(
    fc.record({ key: fc.constantFrom(...keys), value: anyValue }).map(({ key, value }) => ({ ...valid, [key]: value })),
    fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key))),
    fc.record({ key: fc.oneof(nastyString, fc.constantFrom("imag", "profle", "zone")), value: anyValue }).map(({ key, value }) => ({ ...valid, [key]: value })),
    anyValue,
  );
}

const RUNS = { protocols: 400, service: 2500, team: 1500, target: 2000, mirrorProfile: 1200, tenancy: 1500, triggers: 1200, stores: 800, platform: 150, synth: 60 };
const seed = Number(process.env.FC_SEED ?? 20261207);

describe("hostile input at scale (fast-check)", () => {
  // One platform per property: the entry points are cheap, a platform is not.
  const shared = () => new MicroservicePlatform(testApp(), "p", { target: Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"] }), components: [new Keda(), new DaprRuntime(), new Nacos()] });

  test("services: addService(name, options), then expose, autoscale and env on what was accepted", () => {
    const platform = shared();
    let n = 0;
    const validService = { image: "shop/orders:1.4.2", port: 8080, replicas: 3, env: { LOG_LEVEL: "info" }, resources: { cpu: "250m", memory: "256Mi", memoryLimit: "512Mi" }, health: { readinessPath: "/readyz" } };
    fc.assert(
      fc.property(fc.oneof(fc.constant("svc"), nastyString), mutated(validService), anyValue, (name, options, extra) => {
        const unique = typeof name === "string" && name === "svc" ? `svc-${n++}` : name;
        let service: ReturnType<MicroservicePlatform["addService"]> | undefined;
        outcome("service", { name: unique, options }, () => {
          service = platform.addService(unique as string, options as never);
        });
        if (!service) return;
        outcome("service", extra, () => service!.expose(extra as never));
        outcome("service", extra, () => service!.autoscale(extra as never));
        outcome("service", extra, () => service!.addEnv("EXTRA", extra as never));
      }),
      { numRuns: RUNS.service, seed },
    );
  });

  test("teams: addTeam(name, options)", () => {
    const platform = shared();
    let n = 0;
    const validTeam = { namespace: "checkout", editGroups: ["devs"], viewGroups: ["auditors"], quota: { cpu: "16", memory: "32Gi", pods: 100 }, allowIngressFromNamespaces: ["storefront"] };
    fc.assert(
      fc.property(fc.oneof(fc.constant("team"), nastyString), mutated(validTeam), (name, options) => {
        const unique = name === "team" ? `team-${n++}` : name;
        // Each accepted team needs its own namespace: a valid one is made unique, anything else is kept.
        const given = options && typeof options === "object" ? (options as { namespace?: unknown }).namespace : undefined;
        const opts = typeof given === "string" ? { ...(options as object), namespace: `${given}-${n++}` } : options;
        outcome("team", { name: unique, opts }, () => platform.addTeam(unique as string, opts as never));
      }),
      { numRuns: RUNS.team, seed },
    );
  });

  test("targets: every factory with mutated options, validated as a platform would", () => {
    const scope = new Construct(testApp(), "shop");
    const factories = {
      eks: Target.eks, gke: Target.gke, aks: Target.aks, tke: Target.tke, ack: Target.ack, kind: Target.kind, k3s: Target.k3s,
      custom: Target.custom,
    } as Record<string, (o: unknown) => Target>;
    const valid = { region: "eu-west-1", zones: ["a", "b", "c"], clusterName: "platform", connection: KubernetesConnection.kubeconfig(), ingressClassName: "nginx" };
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(factories)), mutated(valid, ["project", "internalSubnetId", "objectStorage", "storage", "kind"]), fc.constantFrom(1, 3), (factory, options, zones) => {
        outcome("target", { factory, options }, () => factories[factory](options).validate(scope, zones));
      }),
      { numRuns: RUNS.target, seed },
    );
  });

  test("mirrors and profiles", () => {
    const scope = new Construct(testApp(), "shop");
    fc.assert(
      fc.property(mutated({ chartRepository: "oci://harbor.example.com/charts", imageRegistry: "harbor.example.com/proxy", imagePullSecrets: ["regcred"] }), (options) => {
        outcome("mirror", options, () => Mirror.of(options as never).validate(scope));
      }),
      { numRuns: RUNS.mirrorProfile / 2, seed },
    );
    fc.assert(
      fc.property(mutated({ name: "custom", minZones: 3, statelessReplicas: 3, quorumSize: 3, size: "large", zoneSpread: true, requireTransportSecurity: true, retainVolumes: true }), (options) => {
        outcome("profile", options, () => Profile.PRODUCTION.with(options as never).validate(scope));
      }),
      { numRuns: RUNS.mirrorProfile / 2, seed },
    );
  });

  test("tenancy: tenants, namespaces, topics and grants", () => {
    const platform = shared();
    const service = platform.addService("consumer", { image: "shop/consumer:1.0.0" });
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom("shop", "orders"), nastyString),
        fc.oneof(fc.constantFrom("events", "orders"), nastyString),
        fc.oneof(fc.constantFrom("placed", "paid"), nastyString),
        mutated({ adminRoles: ["admin"] }),
        mutated({ retention: { minutes: 60, sizeMb: 100 }, offloadThresholdBytes: 0, offloadDeletionLagMs: 1000 }),
        mutated({ partitions: 3 }),
        (tenant, namespace, topic, tOpts, nOpts, pOpts) => {
          outcome("tenancy", { tenant, namespace, topic, tOpts, nOpts, pOpts }, () => {
            const t = platform.broker.addTenant(tenant as string, tOpts as never);
            const ns = t.addNamespace(namespace as string, nOpts as never);
            ns.addTopic(topic as string, pOpts as never).grantConsume(service);
          });
        },
      ),
      { numRuns: RUNS.tenancy, seed },
    );
  });

  test("scale triggers", () => {
    const platform = shared();
    const topic = platform.broker.addTenant("shop").addNamespace("orders").addTopic("placed");
    const factories: [string, (o: unknown) => unknown, Record<string, unknown>][] = [
      ["http", (o) => ScaleTrigger.http(o as never), { hosts: ["api.example.com"], pathPrefixes: ["/api"], targetConcurrency: 10 }],
      ["cron", (o) => ScaleTrigger.cron(o as never), { timezone: "Europe/Berlin", start: "0 8 * * *", end: "0 18 * * *", desiredReplicas: 2 }],
      ["cpu", (o) => ScaleTrigger.cpu(o as never), { utilization: 70 }],
      ["prometheus", (o) => ScaleTrigger.prometheus(o as never), { serverAddress: "http://prometheus:9090", query: "up", threshold: 5 }],
      ["pulsarBacklog", (o) => ScaleTrigger.pulsarBacklog(topic, o as never), { subscription: "billing", threshold: 10 }],
      ["kafkaLag", (o) => ScaleTrigger.kafkaLag(topic, o as never), { consumerGroup: "billing", lagThreshold: 10 }],
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: factories.length - 1 }).chain((i) => fc.tuple(fc.constant(i), mutated(factories[i][2]))), ([i, options]) => {
        outcome("trigger", { trigger: factories[i][0], options }, () => factories[i][1](options));
      }),
      { numRuns: RUNS.triggers, seed },
    );
  });

  test("offload stores, rendered for a target", () => {
    const target = Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"] });
    const stores: [string, (b: unknown, o: unknown) => OffloadStore][] = [
      ["s3", (b, o) => OffloadStore.s3(b as string, o as never)],
      ["gcs", (b, o) => OffloadStore.gcs(b as string, o as never)],
      ["minio", (b, o) => OffloadStore.minio(b as string, o as never)],
      ["filesystem", (_b, o) => OffloadStore.filesystem(o as never)],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...stores.map((s) => s[0])), fc.oneof(fc.constant("bucket"), nastyString), mutated({ credentials: OffloadCredentials.fromSecret("keys"), region: "eu-west-1", endpoint: "http://minio:9000", size: "10Gi" }), (kind, bucket, options) => {
        outcome("store", { kind, bucket, options }, () => stores.find((s) => s[0] === kind)![1](bucket, options).render("p/broker", target, 3));
      }),
      { numRuns: RUNS.stores, seed },
    );
  });

  test("protocol handlers and cluster connections", () => {
    const factories = [Protocol.kafka, Protocol.mqtt, Protocol.amqp, Protocol.rocketmq];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), mutated({ handlerImage: "registry.example.com/pulsar/handler:4.0.10.1", handlerVersion: "4.0.10.1", narDirectory: "/protocols" }), (i, options) => {
        outcome("protocol", options, () => factories[i](options as never).check("p/broker", "4.0.12"));
      }),
      { numRuns: RUNS.protocols, seed },
    );
    fc.assert(
      fc.property(fc.boolean(), mutated({ host: "https://k8s.example.com", clusterCaCertificate: "-----BEGIN CERTIFICATE-----", exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks"] }, path: "~/.kube/config", context: "prod" }), (cluster, options) => {
        outcome("connection", options, () => (cluster ? KubernetesConnection.cluster(options as never) : KubernetesConnection.kubeconfig(options as never)));
      }),
      { numRuns: RUNS.protocols, seed },
    );
  });

  test("whole platforms: props and broker options", () => {
    fc.assert(
      fc.property(
        mutated({ target: Target.kind(), profile: Profile.DEV, prometheusOperator: false }, ["mirror", "components"]),
        mutated({ bookies: 1, brokers: 1, proxies: 0, ensembleSize: 1, writeQuorum: 1, ackQuorum: 1, offloadThresholdBytes: 0 }, ["exposeListeners", "protocols", "values", "offload"]),
        (props, broker) => {
          const withBroker = props && typeof props === "object" && !Array.isArray(props) ? { ...props, broker } : props;
          outcome("platform", withBroker, () => new MicroservicePlatform(testApp(), "p", withBroker as never));
        },
      ),
      { numRuns: RUNS.platform, seed },
    );
  });

  test("what is accepted synthesizes: a service with generated options on a fresh platform", () => {
    const validService = { image: "shop/orders:1.4.2", env: { NOTE: "x" }, serviceAccountAnnotations: { "example.com/a": "b" }, health: { readinessPath: "/r", livenessPath: "/l" } };
    fc.assert(
      fc.property(mutated(validService), (options) => {
        const app = testApp();
        const platform = new MicroservicePlatform(app, "p", { target: Target.kind(), profile: Profile.DEV });
        if (outcome("synth", options, () => platform.addService("s", options as never)) === "accepted") {
          outcome("synth", options, () => Testing.synth(app.node.findChild("p-apps") as TerraformStack, true));
        }
      }),
      { numRuns: RUNS.synth, seed },
    );
  });

  test("at least 10,000 generated inputs per run", () => {
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10_000);
  });
});

describe("long strings do not make synthesis slow", () => {
  test("a 32 KiB env value of '-' is refused at once; 2 KiB runs and 64 KiB of text synthesize in well under a second", () => {
    const app = testApp();
    const platform = new MicroservicePlatform(app, "p", { target: Target.kind(), profile: Profile.DEV });
    const started = Date.now();
    expect(() => platform.addService("a", { image: "a/b:1", env: { BIG: "-".repeat(32 * 1024) } })).toThrow(/holds a run of more than 2048 characters of '-'/);
    platform.addService("b", { image: "a/b:1", env: { RUN: "-".repeat(2048), TEXT: "lorem ipsum ".repeat(5000) } });
    Testing.synth(app.node.findChild("p-apps") as TerraformStack, true);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
