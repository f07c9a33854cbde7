import { App, Testing, TerraformStack } from "cdktf";
import { parse } from "yaml";
import { CertManager, DaprComponent, DaprRuntime, ExternalBroker, Layer, MicroservicePlatform, Mirror, Profile, Target, TraceStorage, Tracing } from "../lib";
import { resourcesOf, stackNames, terraformString, testApp } from "./helpers";

const eks = () => Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"] });

function synth(app: App): Record<string, any> {
  return Object.fromEntries(stackNames(app).map((n) => [n, JSON.parse(Testing.synth(app.node.findChild(n) as TerraformStack, true))]));
}
const release = (stacks: Record<string, any>, name: string) => {
  for (const stack of Object.values(stacks)) for (const r of Object.values<any>(stack.resource?.helm_release ?? {})) if (r.name === name) return { ...r, parsed: parse(terraformString(r.values[0])) };
  return undefined;
};
const manifests = (stack: any, kind: string) => resourcesOf(stack, "kubernetes_manifest").map((m) => m.manifest).filter((m) => m.kind === kind);

function production(options: { mirror?: Mirror; daprValues?: object } = {}) {
  const app = testApp();
  const dapr = new DaprRuntime({ values: options.daprValues });
  const platform = new MicroservicePlatform(app, "shop", {
    target: eks(),
    mirror: options.mirror,
    components: [dapr, new Tracing({ storage: TraceStorage.elasticsearch({ urls: ["https://es.example.com:9200"], username: "jaeger", password: { secretName: "es", key: "password" } }) })],
  });
  return { app, platform, dapr };
}

describe("Dapr control plane", () => {
  test("PRODUCTION: HA, mTLS, RuntimeDefault seccomp, resources everywhere, sidecars drop all capabilities, quorums on zonal volumes", () => {
    const { app } = production();
    const dapr = release(synth(app), "dapr")!;
    expect(dapr).toMatchObject({ chart: "dapr", version: "1.18.3", repository: "https://dapr.github.io/helm-charts/", namespace: "shop-dapr" });
    const v = dapr.parsed;
    expect(v.global).toMatchObject({
      mtls: { enabled: true },
      seccompProfile: "RuntimeDefault",
      priorityClassName: "shop-platform-critical",
      scheduler: { enabled: true },
      ha: { enabled: true, replicaCount: 3, topologyKey: "topology.kubernetes.io/zone", disruption: { maximumUnavailable: "1" } },
    });
    for (const part of ["dapr_operator", "dapr_sentry", "dapr_placement", "dapr_scheduler", "dapr_sidecar_injector"]) {
      expect([part, v[part].resources]).toEqual([part, { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } }]);
    }
    expect(v.dapr_sidecar_injector).toMatchObject({ sidecarDropALLCapabilities: true, sidecarRunAsNonRoot: true });
    expect(v.dapr_placement).toMatchObject({ cluster: { forceInMemoryLog: false }, volumeclaims: { storageClassName: "shop-zonal" } });
    expect(v.dapr_scheduler.cluster).toMatchObject({ storageClassName: "shop-zonal", inMemoryStorage: false });
  });

  test("DEV and EDGE: one placement member in memory, no scheduler (the chart would run three)", () => {
    for (const [profile, target] of [[Profile.DEV, Target.kind()], [Profile.EDGE, Target.k3s()]] as const) {
      const app = testApp();
      new MicroservicePlatform(app, "small", { target, profile, components: [new DaprRuntime()] });
      const v = release(synth(app), "dapr")!.parsed;
      expect(v.global.ha.enabled).toBe(false);
      expect(v.global.scheduler.enabled).toBe(false);
      expect(v.dapr_placement.cluster.forceInMemoryLog).toBe(true);
    }
  });

  test("a mirror reaches Dapr's registry and pull secrets", () => {
    const { app } = production({ mirror: Mirror.of({ imageRegistry: "harbor.local/proxy", imagePullSecrets: ["harbor"] }) });
    const v = release(synth(app), "dapr")!.parsed;
    expect(v.global.registry).toBe("harbor.local/proxy/dapr");
    expect(v.global.imagePullSecrets).toEqual([{ name: "harbor" }]);
  });

  test("the control plane admits the platform's sidecars on its four ports, and the API server on its webhooks", () => {
    const { app } = production();
    const policies = resourcesOf(synth(app)["shop-base"], "kubernetes_network_policy_v1").filter((p) => p.metadata.name.startsWith("dapr-"));
    const sidecars = policies.find((p) => p.metadata.name === "dapr-sidecars");
    expect(sidecars.spec.ingress[0].ports.map((p: any) => p.port)).toEqual(["50001", "6500", "50005", "50006"]);
    expect(sidecars.spec.ingress[0].from).toEqual([{ namespace_selector: { match_labels: { "platform.cdktf.io/platform": "shop" } } }]);
    expect(policies.find((p) => p.metadata.name === "dapr-webhooks").spec.ingress[0].ports.map((p: any) => p.port)).toEqual(["4000", "19443"]);
  });

  test("fails if the user's values turn HA off in PRODUCTION (placement would lose its quorum with a zone)", () => {
    expect(() => production({ daprValues: { global: { ha: { enabled: false } } } })).toThrow(
      "[shop/dapr] HA cannot be turned off in a multi-zone profile: placement would run as a single member and lose its quorum with one zone (received: \"global.ha.enabled: false\"). Remove global.ha.enabled from the runtime's values.",
    );
  });

  test("fails if tracing is asked for without the Tracing component", () => {
    expect(() => new MicroservicePlatform(testApp(), "shop", { target: Target.kind(), profile: Profile.DEV, components: [new DaprRuntime({ tracing: true })] })).toThrow(
      /\[shop\/dapr\] the runtime is asked to trace \(tracing: true\), but the platform has no Tracing component/,
    );
  });
});

describe("services on the runtime", () => {
  const { app, platform, dapr } = production();
  const orders = platform.broker.addTenant("shop").addNamespace("orders");
  const placed = orders.addTopic("placed", { partitions: 3 });
  const dlq = orders.addTopic("placed-dlq");
  const publisher = platform.addService("checkout", { image: "shop/checkout:1.0.0" });
  const subscriber = platform.addService("billing", { image: "shop/billing:1.0.0", port: 9000 });
  const plain = platform.addService("static", { image: "shop/static:1.0.0" });
  dapr.publish(publisher, placed);
  const subscription = dapr.subscribe(subscriber, placed, { route: "/placed", deadLetter: dlq });
  const stacks = synth(app);
  const apps = stacks["shop-apps"];
  const deployment = (name: string) => resourcesOf(apps, "kubernetes_deployment_v1").find((d) => d.metadata.name === name);

  test("an enabled service gets the sidecar annotations: app id, port, protocol, config, resources, seccomp, GOMEMLIMIT", () => {
    expect(deployment("billing").spec.template.metadata.annotations).toMatchObject({
      "dapr.io/enabled": "true",
      "dapr.io/app-id": "billing",
      "dapr.io/app-port": "9000",
      "dapr.io/app-protocol": "http",
      "dapr.io/config": "dapr-config",
      "dapr.io/sidecar-memory-limit": "256Mi",
      "dapr.io/sidecar-seccomp-profile-type": "RuntimeDefault",
      "dapr.io/env": "GOMEMLIMIT=230MiB,SSL_CERT_DIR=/var/run/secrets/dapr-pulsar",
      "dapr.io/volume-mounts": "sidecar-secret-0:/var/run/secrets/dapr-pulsar",
    });
    // only the CA reaches the pod, as a volume daprd mounts: the team's token stays out of the app's container
    const pod = deployment("billing").spec.template.spec;
    expect(pod.volume).toContainEqual({ name: "sidecar-secret-0", secret: { secret_name: "dapr.sidecars-pulsar", items: [{ key: "ca.crt", path: "ca.crt" }] } });
    expect(pod.container[0].volume_mount.map((m: any) => m.name)).toEqual(["tmp"]);
    expect(deployment("static").spec.template.metadata.annotations).toBeUndefined();
  });

  test("a Subscription (v2alpha1) with route and dead-letter topic, scoped to the subscriber", () => {
    expect(subscription).toBeDefined();
    expect(manifests(apps, "Subscription")).toEqual([
      expect.objectContaining({
        apiVersion: "dapr.io/v2alpha1",
        spec: { pubsubname: "pulsar-shop-orders", topic: "placed", routes: { default: "/placed" }, deadLetterTopic: "placed-dlq" },
        scopes: ["billing"],
      }),
    ]);
  });

  test("one pubsub.pulsar component per Pulsar namespace, scoped to its apps, token by Secret reference, TLS verified", () => {
    const [component] = manifests(apps, "Component");
    expect(component.metadata.name).toBe("pulsar-shop-orders");
    expect(component.scopes).toEqual(["billing", "checkout"]);
    expect(component.spec).toEqual({
      type: "pubsub.pulsar",
      version: "v1",
      metadata: [
        { name: "host", value: "pulsar+ssl://pulsar-broker.shop-pulsar.svc.cluster.local:6651" },
        { name: "enableTLS", value: "true" },
        { name: "tenant", value: "shop" },
        { name: "namespace", value: "orders" },
        { name: "persistent", value: "true" },
        { name: "token", secretKeyRef: { name: "dapr.sidecars-pulsar", key: "token" } },
      ],
    });
  });

  test("the team's sidecars get the permissions: produce for the publisher's topic, consume and dead-letter produce for the subscriber's", () => {
    expect(placed.actionsOf("shop-apps.dapr.sidecars")).toEqual(["consume", "produce"]);
    expect(dlq.actionsOf("shop-apps.dapr.sidecars")).toEqual(["produce"]);
    const spec = JSON.parse(resourcesOf(apps, "kubernetes_config_map_v1").find((c) => c.metadata.name === "pulsar-sync").data["spec.json"]);
    expect(spec.credentials).toContainEqual({ role: "shop-apps.dapr.sidecars", namespace: "shop-apps", secret: "dapr.sidecars-pulsar" });
  });

  test("the team's Configuration traces to the collector at the profile's rate, and lets only the team's apps invoke each other", () => {
    const [config] = manifests(apps, "Configuration");
    expect(config.spec.tracing).toEqual({ samplingRate: "0.1", otel: { endpointAddress: "opentelemetry-collector.shop-tracing.svc.cluster.local:4317", isSecure: false, protocol: "grpc" } });
    expect(config.spec.accessControl.defaultAction).toBe("deny");
    expect(config.spec.accessControl.policies.map((p: any) => p.appId)).toEqual(["billing", "checkout"]);
    const [resiliency] = manifests(apps, "Resiliency");
    expect(Object.keys(resiliency.spec.targets.components)).toEqual(["pulsar-shop-orders"]);
  });

  test("custom resources are planned in the apps layer, after the chart that installs their CRDs", () => {
    expect(resourcesOf(stacks["shop-system"], "kubernetes_manifest")).toEqual([]);
    expect(platform.stack(Layer.APPS).dependsOn(platform.stack(Layer.SYSTEM))).toBe(true);
  });

  test("fails if a subscription's topic belongs to another platform's broker, or its dead-letter topic to another namespace", () => {
    const other = new MicroservicePlatform(testApp(), "other", { target: Target.kind(), profile: Profile.DEV });
    const foreign = other.broker.topic("events");
    expect(() => dapr.subscribe(subscriber, foreign, { route: "/events" })).toThrow(/\[shop\/broker\] persistent:\/\/public\/default\/events belongs to another broker/);
    expect(() => dapr.subscribe(subscriber, placed, { route: "/again", deadLetter: platform.broker.topic("elsewhere") })).toThrow(/deadLetter must be a topic of the same Pulsar namespace/);
    expect(() => dapr.subscribe(subscriber, placed, { route: "/again" })).toThrow(/service billing subscribes to persistent:\/\/shop\/orders\/placed twice/);
    expect(() => dapr.subscribe(subscriber, placed, { route: "no-slash" })).toThrow(`[shop/dapr] route must be a path starting with '/' (received: "no-slash"). Use e.g. "/orders".`);
  });
});

describe("Dapr components", () => {
  test("fails if a Dapr Component carries a literal secret, without echoing it", () => {
    const app = testApp();
    const platform = new MicroservicePlatform(app, "shop", { target: Target.kind(), profile: Profile.DEV, broker: false });
    expect(
      () =>
        new DaprComponent(platform.stack(Layer.APPS), "Redis", {
          name: "state",
          namespace: "shop-apps",
          type: "state.redis",
          metadata: [{ name: "redisHost", value: "redis:6379" }, { name: "redisPassword", value: "hunter2" }],
          scopes: ["orders"],
        }),
    ).toThrow('[shop-apps/Redis] metadata "redisPassword" of component "state" is a credential given as a literal (received: "<redacted>"). Put it in a Secret of the namespace and use secretKeyRef: { secretName, key } instead of value.');
  });
});

describe("tracing", () => {
  test("every service gets the collector's OTLP endpoint, its name, the sampler and its resource attributes", () => {
    const app = testApp();
    const platform = new MicroservicePlatform(app, "dev", { target: Target.kind(), profile: Profile.DEV, broker: false, components: [new Tracing()] });
    platform.addService("api", { image: "x/y:1" });
    const [d] = resourcesOf(synth(app)["dev-apps"], "kubernetes_deployment_v1");
    const env = Object.fromEntries(d.spec.template.spec.container[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://opentelemetry-collector.dev-tracing.svc.cluster.local:4317",
      OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
      OTEL_SERVICE_NAME: "api",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "1",
      OTEL_RESOURCE_ATTRIBUTES: "service.namespace=dev-apps,deployment.environment.name=dev,platform.name=dev,platform.team=dev-apps,k8s.namespace.name=dev-apps",
    });
  });

  test("the collector: memory_limiter first in every pipeline, spans to Jaeger, replicated and spread in PRODUCTION", () => {
    const { app } = production();
    const stacks = synth(app);
    const v = release(stacks, "opentelemetry-collector")!.parsed;
    expect(v).toMatchObject({ mode: "deployment", replicaCount: 3, command: { name: "otelcol-k8s" }, podDisruptionBudget: { enabled: true, maxUnavailable: 1 } });
    expect(v.image).toEqual({ repository: "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-k8s", tag: "0.158.0" });
    for (const pipeline of Object.values<any>(v.config.service.pipelines)) expect(pipeline.processors[0]).toBe("memory_limiter");
    expect(v.config.service.pipelines.traces).toEqual({ receivers: ["otlp", "jaeger", "zipkin"], processors: ["memory_limiter", "k8sattributes", "batch"], exporters: ["otlp_grpc/jaeger"] });
    // the zone of the sender's node joins the resource attributes
    expect(v.config.processors.k8sattributes.extract.labels).toEqual([{ tag_name: "cloud.availability_zone", key: "topology.kubernetes.io/zone", from: "node" }]);
    expect(v.clusterRole.rules).toEqual([{ apiGroups: [""], resources: ["pods", "namespaces", "nodes"], verbs: ["get", "list", "watch"] }]);
    expect(v.config.exporters["otlp_grpc/jaeger"].endpoint).toBe("jaeger.shop-tracing.svc.cluster.local:4317");
    expect(v.topologySpreadConstraints[0]).toMatchObject({ topologyKey: "topology.kubernetes.io/zone", labelSelector: { matchLabels: { component: "standalone-collector" } } });
    expect(v.resources.limits.memory).toBeDefined(); // the chart sets GOMEMLIMIT from it
  });

  test("Jaeger in PRODUCTION stores in Elasticsearch with the password from a Secret, in DEV in memory with one replica", () => {
    const { app } = production();
    const jaeger = release(synth(app), "jaeger")!.parsed;
    expect(jaeger.userconfig.extensions.jaeger_storage.backends.traces.elasticsearch).toEqual({
      server_urls: ["https://es.example.com:9200"],
      indices: { index_prefix: "shop" },
      auth: { basic: { username: "jaeger", password: "${env:TRACE_STORE_PASSWORD}" } },
    });
    expect(jaeger.jaeger.extraEnv).toEqual([{ name: "TRACE_STORE_PASSWORD", valueFrom: { secretKeyRef: { name: "es", key: "password" } } }]);
    expect(jaeger.jaeger.replicas).toBe(3);
    const dev = testApp();
    new MicroservicePlatform(dev, "dev", { target: Target.kind(), profile: Profile.DEV, broker: false, components: [new Tracing()] });
    const memory = release(synth(dev), "jaeger")!.parsed;
    expect(memory.jaeger.replicas).toBe(1);
    expect(memory.userconfig.extensions.jaeger_storage.backends.traces).toEqual({ memory: { max_traces: 20000 } });
  });

  test("fails on in-memory traces in PRODUCTION unless chosen with a reason, and on a literal store password", () => {
    expect(() => new MicroservicePlatform(testApp(), "shop", { target: eks(), components: [new Tracing()] })).toThrow(
      /\[shop\/tracing\] in-memory trace storage in a production profile loses every trace on restart and cannot be replicated \(received: "no storage"\)\. Pass storage: TraceStorage\.elasticsearch/,
    );
    expect(() => new MicroservicePlatform(testApp(), "shop", { target: eks(), components: [new Tracing({ storage: TraceStorage.memory({ productionReason: "demo only, traces are disposable" }) })] })).not.toThrow();
    expect(() =>
      new MicroservicePlatform(testApp(), "shop", { target: eks(), components: [new Tracing({ storage: TraceStorage.opensearch({ urls: ["https://os:9200"], username: "jaeger", password: "hunter2" as any }) })] }),
    ).toThrow('[shop/tracing] storage.password must be a Secret reference { secretName, key }, never the secret itself (received: "<redacted>"). Use e.g. {"secretName":"orders-db","key":"password"}.');
  });

  test("with a metrics endpoint, the collector scrapes the annotated pods of the platform's namespaces (teams added later too) and exports them", () => {
    const app = testApp();
    const platform = new MicroservicePlatform(app, "shop", {
      target: eks(),
      components: [new DaprRuntime(), new Tracing({ storage: TraceStorage.memory({ productionReason: "metrics test, traces are disposable" }), metricsEndpoint: "http://prometheus.monitoring.svc:9090/api/v1/otlp" })],
    });
    platform.addTeam("late-team");
    const stacks = synth(app);
    const v = release(stacks, "opentelemetry-collector")!.parsed;
    const job = v.config.receivers.prometheus.config.scrape_configs[1];
    expect(v.config.receivers.prometheus.config.scrape_configs[0]).toMatchObject({ job_name: "opentelemetry-collector", static_configs: [{ targets: ["${env:MY_POD_IP}:8888"] }] });
    const podsJob = v.config.receivers.prometheus.config.scrape_configs[1];
    expect(podsJob.kubernetes_sd_configs).toEqual([{ role: "pod", namespaces: { names: ["late-team", "shop-dapr", "shop-pulsar", "shop-tracing"] } }]);
    expect(job.relabel_configs[0]).toEqual({ source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" });
    expect(job.relabel_configs[2].replacement).toBe("$$1:$$2");
    expect(v.config.exporters["otlp_http/metrics"]).toEqual({ endpoint: "http://prometheus.monitoring.svc:9090/api/v1/otlp" });
    expect(v.config.service.pipelines.metrics).toEqual({ receivers: ["otlp", "prometheus"], processors: ["memory_limiter", "k8sattributes", "batch"], exporters: ["otlp_http/metrics"] });
    // the broker's namespace admits the collector to its metrics ports only
    const policy = resourcesOf(stacks["shop-base"], "kubernetes_network_policy_v1").find((p) => p.metadata.name === "collector-metrics");
    expect(policy.metadata.namespace).toBe("shop-pulsar");
    expect(policy.spec.ingress[0].ports.map((p: any) => p.port)).toEqual(["8080", "8000"]);
    // Dapr's namespace admits the collector to the control plane's metrics port
    const daprScrape = resourcesOf(stacks["shop-base"], "kubernetes_network_policy_v1").find((p) => p.metadata.name === "tracing-collector-scrape");
    expect(daprScrape.spec.ingress[0].ports).toEqual([{ port: "9090", protocol: "TCP" }]);
    // the platform's own namespaces admit only themselves by default; the rest is the explicit allowances
    for (const namespace of ["shop-dapr", "shop-tracing", "shop-cert-manager"]) {
      const policy = resourcesOf(stacks["shop-base"], "kubernetes_network_policy_v1").find((p) => p.metadata.name === "default-ingress" && JSON.stringify(p.spec.ingress[0].from).includes(`"${namespace}"`));
      expect([namespace, policy?.spec.ingress[0].from]).toEqual([namespace, [{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": namespace } } }]]);
    }
    // each team's default deny admits the collector's pods, and only them, to scrape
    const scrape = resourcesOf(stacks["shop-apps"], "kubernetes_network_policy_v1").find((p) => p.metadata.name === "tracing-collector-scrape");
    expect(scrape.metadata.namespace).toBe("late-team");
    expect(scrape.spec.ingress[0].from).toEqual([
      { namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "shop-tracing" } }, pod_selector: { match_labels: { "app.kubernetes.io/name": "opentelemetry-collector", "app.kubernetes.io/instance": "opentelemetry-collector", component: "standalone-collector" } } },
    ]);
  });

  test("on a cluster with the Prometheus operator, the broker's parts get PodMonitors", () => {
    const app = testApp();
    new MicroservicePlatform(app, "shop", { target: Target.kind(), profile: Profile.DEV, prometheusOperator: true });
    const v = release(synth(app), "pulsar")!.parsed;
    for (const part of ["broker", "bookkeeper", "proxy", "autorecovery"]) expect([part, v[part].podMonitor]).toEqual([part, { enabled: true }]);
    expect(v.oxia.server.podMonitor).toEqual({ enabled: true });
  });
});

describe("services subscribe and publish without knowing the runtime", () => {
  test("service.subscribe and service.publish go through the platform's messaging component", () => {
    const app = testApp();
    const platform = new MicroservicePlatform(app, "dev", { target: Target.kind(), profile: Profile.DEV, components: [new DaprRuntime()] });
    const topic = platform.broker.topic("events");
    const consumer = platform.addService("consumer", { image: "x/consumer:1" });
    const producer = platform.addService("producer", { image: "x/producer:1" });
    consumer.subscribe(topic, { route: "/events" });
    producer.publish(topic);
    const apps = synth(app)["dev-apps"];
    expect(manifests(apps, "Subscription").map((s) => [s.spec.topic, s.spec.routes.default, s.scopes])).toEqual([["events", "/events", ["consumer"]]]);
    expect(topic.actionsOf("dev-apps.dapr.sidecars")).toEqual(["consume", "produce"]);
  });

  test("fails if there is no messaging component, naming what to add", () => {
    const platform = new MicroservicePlatform(testApp(), "dev", { target: Target.kind(), profile: Profile.DEV });
    const svc = platform.addService("consumer", { image: "x/consumer:1" });
    expect(() => svc.subscribe(platform.broker.topic("events"), { route: "/events" })).toThrow(
      '[dev-apps/Teams/dev-apps/consumer] the service cannot subscribe: the platform has no messaging component (received: ["broker"]). Add new DaprRuntime() to the platform\'s components.',
    );
  });
});

describe("names and options that must not meet", () => {
  function devPlatform(components: any[] = [new DaprRuntime()]) {
    const app = testApp();
    const platform = new MicroservicePlatform(app, "dev", { target: Target.kind(), profile: Profile.DEV, components });
    return { app, platform, dapr: platform.component(DaprRuntime) };
  }

  test("Pulsar namespaces whose names would meet get distinct pub/sub components; dotted topics and same-named topics subscribe apart", () => {
    const { app, platform, dapr } = devPlatform();
    const ab = platform.broker.addTenant("a-b").addNamespace("c");
    const a = platform.broker.addTenant("a").addNamespace("b-c");
    expect(dapr.pubsubNameOf(ab)).toBe("pulsar-a-b-c");
    expect(dapr.pubsubNameOf(a)).toMatch(/^pulsar-a-b-c-[0-9a-f]{6}$/);
    const svc = platform.addService("reader", { image: "x/reader:1" });
    svc.subscribe(ab.addTopic("orders.placed"), { route: "/one" });
    svc.subscribe(a.addTopic("orders.placed"), { route: "/two" });
    const subs = manifests(synth(app)["dev-apps"], "Subscription");
    expect(subs.map((x) => x.spec.pubsubname).sort()).toEqual([dapr.pubsubNameOf(ab), dapr.pubsubNameOf(a)].sort());
    expect(new Set(subs.map((x) => x.metadata.name)).size).toBe(2);
  });

  test("fails if a dead-letter topic is the subscribed topic, or a service is enabled twice with different options", () => {
    const { platform, dapr } = devPlatform();
    const topic = platform.broker.topic("events");
    const svc = platform.addService("reader", { image: "x/reader:1" });
    expect(() => svc.subscribe(topic, { route: "/events", deadLetter: topic })).toThrow(/the dead-letter topic must not be the subscribed topic/);
    dapr.enable(svc, { appProtocol: "grpc" });
    expect(() => dapr.enable(svc, { appProtocol: "http" })).toThrow(/service reader is already on the runtime with other options/);
    expect(() => dapr.enable(svc)).not.toThrow();
  });

  test("fails if a team's component takes the pub/sub name, repeats a name, or has metadata that is not a list", () => {
    const { platform, dapr } = devPlatform();
    const team = platform.defaultTeam;
    const svc = platform.addService("api", { image: "x/api:1" });
    expect(() => dapr.addComponent(team, { name: "pulsar", type: "state.redis", users: [svc] })).toThrow(/component name "pulsar" is the platform's pub\/sub component/);
    dapr.addComponent(team, { name: "cache", type: "state.redis", metadata: [{ name: "redisHost", value: "redis:6379" }], users: [svc] });
    expect(() => dapr.addComponent(team, { name: "cache", type: "state.redis", users: [svc] })).toThrow(/team dev-apps already has a component "cache"/);
    expect(() => dapr.addComponent(team, { name: "other", type: "state.redis", metadata: { redisHost: "x" } as any, users: [svc] })).toThrow(/metadata of component "other" must be a list/);
  });

  test("a cert-manager given in components is the one the broker uses", () => {
    const app = testApp();
    const mine = new CertManager({ namespace: "certs" });
    const platform = new MicroservicePlatform(app, "shop", { target: eks(), components: [mine] });
    expect(platform.component(CertManager)).toBe(mine);
    expect(release(synth(app), "cert-manager")!.namespace).toBe("certs");
  });

  test("fails if an external broker without admin access is used for Dapr pub/sub", () => {
    const broker = new ExternalBroker({ pulsarUrl: "pulsar://pulsar.example.com:6650", adminUrl: "http://pulsar.example.com:8080" });
    const { platform } = devPlatform([broker, new DaprRuntime()]);
    const svc = platform.addService("api", { image: "x/api:1" });
    expect(() => svc.publish(platform.broker.topic("events"))).toThrow(/cannot grant on persistent:\/\/public\/default\/events: the platform has no admin access to this external broker/);
  });

  test("services refuse health paths that are equal or not paths", () => {
    const { platform } = devPlatform();
    expect(() => platform.addService("a", { image: "x/a:1", health: { readinessPath: "/h", livenessPath: "/h" } })).toThrow(/health.readinessPath and health.livenessPath must differ/);
    expect(() => platform.addService("b", { image: "x/b:1", health: { readinessPath: "ready" } })).toThrow(/health.readinessPath must be a path starting with '\/'/);
  });

  test("resource attributes are percent-encoded", () => {
    const app = testApp();
    const platform = new MicroservicePlatform(app, "dev", { target: Target.kind(), profile: Profile.DEV.with({ name: "dev, eu=1" }), broker: false, components: [new Tracing()] });
    platform.addService("api", { image: "x/y:1" });
    const [d] = resourcesOf(synth(app)["dev-apps"], "kubernetes_deployment_v1");
    const attrs = d.spec.template.spec.container[0].env.find((e: any) => e.name === "OTEL_RESOURCE_ATTRIBUTES").value;
    expect(attrs).toContain("deployment.environment.name=dev%2C%20eu%3D1");
  });
});
