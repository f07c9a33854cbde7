import { App, Testing, TerraformStack } from "cdktf";
import { parse } from "yaml";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication";
import { DaprRuntime, Keda, MicroservicePlatform, Mirror, PlatformConfigError, Profile, Protocol, PulsarTopic, ScaleTrigger, Target } from "../lib";
import { failure, resourcesOf, stackNames, terraformString, testApp } from "./helpers";

const eks = () => Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"] });

function synth(app: App): Record<string, any> {
  return Object.fromEntries(stackNames(app).map((n) => [n, JSON.parse(Testing.synth(app.node.findChild(n) as TerraformStack, true))]));
}
const manifests = (stack: any, kind: string) => resourcesOf(stack, "kubernetes_manifest").map((m) => m.manifest).filter((m) => m.kind === kind);
const release = (stacks: Record<string, any>, name: string) => {
  for (const stack of Object.values(stacks)) for (const r of Object.values<any>(stack.resource?.helm_release ?? {})) if (r.name === name) return { ...r, values: parse(terraformString(r.values[0])) };
  return undefined;
};


function platform(options: { profile?: Profile; mirror?: Mirror; keda?: Keda } = {}) {
  const app = testApp();
  const keda = options.keda ?? new Keda();
  const p = new MicroservicePlatform(app, "shop", { target: options.profile === Profile.PRODUCTION || !options.profile ? eks() : Target.kind(), profile: options.profile ?? Profile.PRODUCTION, mirror: options.mirror, components: [keda, new DaprRuntime()] });
  return { app, platform: p, keda };
}

describe("KEDA (PRODUCTION)", () => {
  const { app, platform: p } = platform({ mirror: Mirror.of({ chartRepository: "oci://harbor.local/charts", imageRegistry: "harbor.local/proxy", imagePullSecrets: ["harbor"] }) });
  const orders = p.broker.addTenant("shop").addNamespace("orders").addTopic("placed", { partitions: 3 });
  const api = p.addService("api", { image: "shop/api:1.0.0" });
  api.autoscale({ triggers: [ScaleTrigger.http({ hosts: ["api.shop.example.com"], pathPrefixes: ["/v1"] }), ScaleTrigger.cron({ timezone: "Europe/Berlin", start: "0 8 * * 1-5", end: "0 18 * * 1-5", desiredReplicas: 3 })] });
  const worker = p.addService("worker", { image: "shop/worker:1.0.0" });
  worker.subscribe(orders, { route: "/placed", scaleToZero: true });
  const auditor = p.addService("auditor", { image: "shop/auditor:1.0.0" });
  auditor.subscribe(orders, { route: "/placed", scaleToZero: true });
  const reports = p.addService("reports", { image: "shop/reports:1.0.0" });
  reports.autoscale({ triggers: [ScaleTrigger.cpu({ utilization: 70 }), ScaleTrigger.pulsarBacklog(orders, { subscription: "reports", threshold: 50 })], minReplicas: 1, maxReplicas: 20, behavior: { scaleDown: { stabilizationWindowSeconds: 300 } } });
  const stacks = synth(app);
  const appsStack = stacks["shop-apps"];
  const scaled = Object.fromEntries(manifests(appsStack, "ScaledObject").map((m) => [m.metadata.name, m]));

  test("the chart: the operator and webhooks replicated with disruption budgets, one metrics server, spread over zones, restricted, mirrored", () => {
    const keda = release(stacks, "keda")!;
    expect(keda).toMatchObject({ chart: "keda", version: "2.20.2", namespace: "shop-keda", repository: "oci://harbor.local/charts" });
    const v = keda.values;
    expect(v).toMatchObject({
      operator: { replicaCount: 2 },
      metricsServer: { replicaCount: 1 },
      webhooks: { replicaCount: 2 },
      podDisruptionBudget: { operator: { maxUnavailable: 1 }, webhooks: { maxUnavailable: 1 } },
      priorityClassName: "shop-platform-critical",
      imagePullSecrets: [{ name: "harbor" }],
      global: { image: { registry: "harbor.local/proxy" } },
    });
    expect(v.topologySpreadConstraints.operator[0]).toMatchObject({ topologyKey: "topology.kubernetes.io/zone", labelSelector: { matchLabels: { app: "keda-operator" } } });
    for (const part of ["operator", "metricServer", "webhooks"]) {
      expect(v.securityContext[part]).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
      expect(v.podSecurityContext[part]).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      expect(v.resources[part].limits.memory).toBeDefined();
    }
  });

  test("the HTTP add-on after KEDA, its images mirrored and its parts run as a non-root UID", () => {
    const http = release(stacks, "keda-add-ons-http")!;
    expect(http).toMatchObject({ chart: "keda-add-ons-http", version: "0.15.0" });
    expect(http.depends_on).toEqual([expect.stringMatching(/^helm_release\.keda_Chart_/)]);
    expect(http.values.images).toEqual({
      tag: "0.15.0",
      operator: "harbor.local/proxy/kedacore/http-add-on-operator",
      interceptor: "harbor.local/proxy/kedacore/http-add-on-interceptor",
      scaler: "harbor.local/proxy/kedacore/http-add-on-scaler",
    });
    expect(http.values.interceptor.replicas).toEqual({ min: 3, max: 50 });
    for (const part of ["operator", "scaler", "interceptor"]) expect(http.values.podSecurityContext[part]).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } });
  });

  test("every ScaledObject and TriggerAuthentication is valid against KEDA's schema (@kubernetes-models/keda)", () => {
    expect(Object.keys(scaled).sort()).toEqual(["api", "auditor", "reports", "worker"]);
    for (const m of Object.values(scaled)) expect(() => new ScaledObject(m).validate()).not.toThrow();
    for (const m of manifests(appsStack, "TriggerAuthentication")) expect(() => new TriggerAuthentication(m).validate()).not.toThrow();
  });

  test("autoscaled services leave replicas out of their Deployment and keep a disruption budget of one", () => {
    for (const d of resourcesOf(appsStack, "kubernetes_deployment_v1")) expect([d.metadata.name, d.spec.replicas]).toEqual([d.metadata.name, undefined]);
    const budgets = resourcesOf(appsStack, "kubernetes_pod_disruption_budget_v1").map((b) => [b.metadata.name, b.spec.max_unavailable]);
    expect(budgets.sort()).toEqual([["api", "1"], ["auditor", "1"], ["reports", "1"], ["worker", "1"]]);
  });

  test("HTTP: an InterceptorRoute to the service, and the add-on's push trigger; with cron, it scales from zero", () => {
    const route = manifests(appsStack, "InterceptorRoute")[0];
    expect(route).toMatchObject({
      apiVersion: "http.keda.sh/v1beta1",
      metadata: { name: "api-http", namespace: "shop-apps" },
      spec: { target: { service: "api", port: 8080 }, scalingMetric: { concurrency: { targetValue: 100 } }, rules: [{ hosts: ["api.shop.example.com"], paths: [{ value: "/v1" }] }] },
    });
    expect(scaled.api.spec).toMatchObject({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
      minReplicaCount: 0,
      maxReplicaCount: 10,
      triggers: [
        { type: "external-push", metadata: { scalerAddress: "keda-add-ons-http-external-scaler.shop-keda:9090", interceptorRoute: "api-http" } },
        { type: "cron", metadata: { timezone: "Europe/Berlin", start: "0 8 * * 1-5", end: "0 18 * * 1-5", desiredReplicas: "3" } },
      ],
    });
  });

  test("a Dapr subscription with scaleToZero: the backlog of the app id's subscription, read with the team's sidecar token, one TriggerAuthentication for the team", () => {
    expect(scaled.worker.spec).toMatchObject({
      minReplicaCount: 0,
      triggers: [
        {
          type: "pulsar",
          metadata: {
            adminURL: "https://pulsar-broker.shop-pulsar.svc.cluster.local:8443",
            topic: "persistent://shop/orders/placed",
            subscription: "worker",
            isPartitionedTopic: "true",
            authModes: "bearer",
            msgBacklogThreshold: "10",
          },
          authenticationRef: { name: "dapr.sidecars-pulsar-keda" },
        },
      ],
    });
    expect(scaled.auditor.spec.triggers[0].metadata.subscription).toBe("auditor");
    const auths = manifests(appsStack, "TriggerAuthentication").filter((a) => a.metadata.name === "dapr.sidecars-pulsar-keda");
    expect(auths).toHaveLength(1);
    expect(auths[0].spec.secretTargetRef).toEqual([
      { parameter: "bearerToken", name: "dapr.sidecars-pulsar", key: "token" },
      { parameter: "ca", name: "dapr.sidecars-pulsar", key: "ca.crt" },
    ]);
  });

  test("a backlog trigger of the service's own: it is granted consume, and reads with its own token; CPU keeps a minimum of one", () => {
    expect(orders.actionsOf("shop-apps.reports")).toEqual(["consume"]);
    expect(scaled.reports.spec).toMatchObject({
      minReplicaCount: 1,
      maxReplicaCount: 20,
      advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 300 } } } },
      triggers: [{ type: "cpu", metricType: "Utilization", metadata: { value: "70" } }, { type: "pulsar", authenticationRef: { name: "reports-pulsar-keda" }, metadata: { msgBacklogThreshold: "50" } }],
    });
  });

  test("through the team's default deny, the interceptor reaches an HTTP-scaled service's port, and nothing else of KEDA does", () => {
    const policies = resourcesOf(appsStack, "kubernetes_network_policy_v1");
    expect(policies.map((x) => x.metadata.name)).toEqual(["api-from-interceptor"]);
    expect(policies[0].spec).toEqual({
      pod_selector: { match_labels: { "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "shop" } },
      policy_types: ["Ingress"],
      ingress: [
        {
          from: [{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "shop-keda" } }, pod_selector: { match_labels: { "app.kubernetes.io/component": "interceptor", "app.kubernetes.io/name": "http-add-on" } } }],
          ports: [{ port: "8080", protocol: "TCP" }],
        },
      ],
    });
  });

  test("the API server reaches the metrics API and the webhooks; the platform's namespaces reach the interceptor's proxy port only", () => {
    const policies = resourcesOf(stacks["shop-base"], "kubernetes_network_policy_v1");
    expect(policies.find((p) => p.metadata.name === "keda-api-server").spec.ingress[0].ports.map((p: any) => p.port)).toEqual(["6443", "9443"]);
    const interceptor = policies.find((p) => p.metadata.name === "keda-http-interceptor");
    expect(interceptor.spec.ingress[0]).toEqual({ from: [{ namespace_selector: { match_labels: { "platform.cdktf.io/platform": "shop" } } }], ports: [{ port: "8080", protocol: "TCP" }] });
  });
});

describe("KEDA on a broker that speaks Kafka", () => {
  const app = testApp();
  const p = new MicroservicePlatform(app, "shop", {
    target: eks(),
    broker: { protocols: [Protocol.kafka({ handlerImage: "registry.example.com/pulsar/kop:4.0.12.1" })] },
    components: [new Keda()],
  });
  const events = p.broker.addTenant("shop").addNamespace("events").addTopic("clicks", { partitions: 6 });
  const counter = p.addService("counter", { image: "shop/counter:1.0.0" });
  counter.autoscale({ triggers: [ScaleTrigger.kafkaLag(events, { consumerGroup: "counter", lagThreshold: 100, offsetResetPolicy: "earliest" })], maxReplicas: 6 });
  const stacks = synth(app);
  const appsStack = stacks["shop-apps"];
  const scaled = manifests(appsStack, "ScaledObject")[0];
  const deployment = resourcesOf(appsStack, "kubernetes_deployment_v1").find((d) => d.metadata.name === "counter")!;
  const env = Object.fromEntries(deployment.spec.template.spec.container[0].env.map((e: any) => [e.name, e.value ?? e.value_from.secret_key_ref]));

  test("the Kafka listener demands SASL/PLAIN (KoP skips authentication and authorization without a mechanism), offsets in one metadata tenant", () => {
    const config = release(stacks, "pulsar")!.values.broker.configData;
    expect(config).toMatchObject({
      PULSAR_PREFIX_kafkaListeners: "SASL_PLAINTEXT://0.0.0.0:9092",
      PULSAR_PREFIX_saslAllowedMechanisms: "PLAIN",
      PULSAR_PREFIX_kafkaEnableMultiTenantMetadata: "false",
    });
  });

  test("the lag of the group on the topic, read through the listener with the service's own credentials; it scales to zero", () => {
    expect(events.actionsOf("shop-apps.counter")).toEqual(["consume"]);
    expect(scaled.spec).toMatchObject({
      minReplicaCount: 0,
      maxReplicaCount: 6,
      triggers: [
        {
          type: "kafka",
          metadata: {
            bootstrapServers: "pulsar-protocols.shop-pulsar.svc.cluster.local:9092",
            topic: "persistent://shop/events/clicks",
            consumerGroup: "counter",
            lagThreshold: "100",
            activationLagThreshold: "0",
            offsetResetPolicy: "earliest",
            sasl: "plaintext",
            tls: "disable",
          },
          authenticationRef: { name: "counter-pulsar-keda-kafka" },
        },
      ],
    });
    const auth = manifests(appsStack, "TriggerAuthentication").find((a) => a.metadata.name === "counter-pulsar-keda-kafka")!;
    expect(auth.spec.secretTargetRef).toEqual([
      { parameter: "username", name: "counter-pulsar", key: "kafka-username" },
      { parameter: "password", name: "counter-pulsar", key: "kafka-password" },
    ]);
    expect(() => new ScaledObject(scaled).validate()).not.toThrow();
    expect(() => new TriggerAuthentication(auth).validate()).not.toThrow();
  });

  test("the sync Job writes each token as SASL/PLAIN credentials too", () => {
    const spec = JSON.parse(resourcesOf(appsStack, "kubernetes_config_map_v1").find((c) => c.metadata.name === "pulsar-sync")!.data["spec.json"]);
    expect(spec.kafkaKeys).toEqual({ username: "kafka-username", password: "kafka-password" });
    expect(spec.credentials).toContainEqual({ role: "shop-apps.counter", namespace: "shop-apps", secret: "counter-pulsar" });
  });

  test("a connected service gets what a Kafka client needs to pass the listener: bootstrap, SASL settings, the password by reference, Spring's JAAS line after it", () => {
    expect(env).toMatchObject({
      KAFKA_BOOTSTRAP_SERVERS: "pulsar-protocols.shop-pulsar.svc.cluster.local:9092",
      KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT",
      KAFKA_SASL_MECHANISM: "PLAIN",
      KAFKA_SASL_USERNAME: "shop-apps.counter",
      KAFKA_SASL_PASSWORD: { name: "counter-pulsar", key: "kafka-password" },
      SPRING_KAFKA_BOOTSTRAP_SERVERS: "pulsar-protocols.shop-pulsar.svc.cluster.local:9092",
      SPRING_KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT",
      SPRING_KAFKA_PROPERTIES_SASL_MECHANISM: "PLAIN",
      SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG: 'org.apache.kafka.common.security.plain.PlainLoginModule required username="shop-apps.counter" password="$(KAFKA_SASL_PASSWORD)";',
    });
    // Kubernetes expands $(VAR) only for variables defined earlier in the list.
    const names = deployment.spec.template.spec.container[0].env.map((e: any) => e.name);
    expect(names.indexOf("KAFKA_SASL_PASSWORD")).toBeLessThan(names.indexOf("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG"));
    expect(JSON.stringify(stacks)).not.toMatch(/token:ey/);
  });

  test("fails on a broker without a Kafka listener, and with bad options, named", () => {
    const { platform: plain } = platform();
    const topic = plain.broker.topic("t");
    const s = plain.addService("s", { image: "shop/s:1.0.0" });
    expect(failure(() => s.autoscale({ triggers: [ScaleTrigger.kafkaLag(topic, { consumerGroup: "s" })] }))).toBe(
      '[shop/keda] a Kafka lag trigger needs the platform\'s broker to speak Kafka (its listener, and the SASL credentials the platform mints for it) (received: "persistent://public/default/t"). Add Protocol.kafka({ handlerImage }) to the broker\'s protocols, or scale on the subscription\'s backlog with ScaleTrigger.pulsarBacklog.',
    );
    expect(failure(() => ScaleTrigger.kafkaLag(topic, { consumerGroup: "my group" }))).toContain("consumerGroup must be a Kafka group id");
    expect(failure(() => ScaleTrigger.kafkaLag(topic, { consumerGroup: "g", offsetResetPolicy: "none" as never }))).toContain('offsetResetPolicy must be "latest" or "earliest"');
    expect(failure(() => ScaleTrigger.kafkaLag(topic, { consumerGroup: "g", lagThreshold: 0 }))).toContain("lagThreshold must be at least 1 (received: 0)");
    expect(failure(() => ScaleTrigger.kafkaLag(topic, { consumerGroup: "g", group: "x" } as never))).toContain("group");
    expect(failure(() => ScaleTrigger.kafkaLag(new PulsarTopic(topic.namespace, "ghost", 0), { consumerGroup: "g" }))).toContain("the topic must be one declared on the broker");
  });
});

describe("KEDA in DEV", () => {
  test("single replicas, no disruption budgets", () => {
    const { app } = platform({ profile: Profile.DEV });
    const stacks = synth(app);
    const v = release(stacks, "keda")!.values;
    expect([v.operator.replicaCount, v.webhooks.replicaCount, v.podDisruptionBudget]).toEqual([1, 1, undefined]);
    expect(release(stacks, "keda-add-ons-http")!.values.interceptor.replicas).toEqual({ min: 1, max: 50 });
  });
});

describe("autoscaling fails", () => {
  test("with a CPU trigger and a minimum of 0", () => {
    const { platform: p } = platform();
    const s = p.addService("s", { image: "shop/s:1.0.0" });
    expect(failure(() => s.autoscale({ triggers: [ScaleTrigger.cpu({ utilization: 70 })], minReplicas: 0 }))).toBe(
      '[shop/keda] service s scales on CPU or memory only, which cannot scale to zero: with no pod there is no usage to wake it (received: "minReplicas: 0"). Use minReplicas: 1 or more, or add a trigger that can wake the service (backlog, HTTP, cron, Prometheus).',
    );
  });

  test("with a backlog trigger on a topic that was never declared", () => {
    const { platform: p } = platform();
    const ns = p.broker.addTenant("shop").addNamespace("orders");
    const handMade = new PulsarTopic(ns, "ghost", 0);
    expect(failure(() => ScaleTrigger.pulsarBacklog(handMade, { subscription: "s" }))).toBe(
      '[ScaleTrigger.pulsarBacklog] the topic must be one declared on the broker (received: "persistent://shop/orders/ghost"). Declare it with broker.addTenant(...).addNamespace(...).addTopic("name") and pass what addTopic returned.',
    );
    expect(failure(() => ScaleTrigger.pulsarBacklog("persistent://shop/orders/placed" as never, { subscription: "s" }))).toContain("the topic must be one declared on the broker");
    const other = new MicroservicePlatform(testApp(), "other", { target: Target.kind(), profile: Profile.DEV });
    const foreign = other.broker.topic("elsewhere");
    const s = p.addService("s", { image: "shop/s:1.0.0" });
    expect(failure(() => s.autoscale({ triggers: [ScaleTrigger.pulsarBacklog(foreign, { subscription: "s" })] }))).toContain("a backlog trigger needs a topic declared on this platform's broker");
  });

  test("with replicas set on an autoscaled service", () => {
    const { platform: p } = platform();
    const s = p.addService("s", { image: "shop/s:1.0.0", replicas: 3 });
    expect(failure(() => s.autoscale({ triggers: [ScaleTrigger.http()] }))).toBe(
      "[shop-apps/Teams/shop-apps/s] replicas is set on a service that an autoscaler owns (received: 3). Remove replicas: the autoscaler's minimum and maximum decide the count.",
    );
  });

  test("with a second autoscaler on the same workload", () => {
    const { platform: p } = platform();
    const s = p.addService("s", { image: "shop/s:1.0.0" });
    s.autoscale({ triggers: [ScaleTrigger.http()] });
    expect(failure(() => s.autoscale({ triggers: [ScaleTrigger.cpu({ utilization: 50 })], minReplicas: 1 }))).toBe(
      '[shop/keda] service s already has an autoscaler: a workload is owned by one (received: "shop-apps/Teams/shop-apps/s"). Call autoscale() once per service, with all its triggers.',
    );
  });

  test("with a quota quantity that is not a Kubernetes quantity", () => {
    const { platform: p } = platform();
    expect(failure(() => p.addTeam("t", { quota: { cpu: "lots", memory: "32Gi", pods: 10 } }))).toBe(
      '[shop-base/Teams/t] quota.cpu must be a Kubernetes quantity (a string such as "16" or "500m" for CPU, "32Gi" for memory) (received: "lots"). Use e.g. "16".',
    );
    expect(failure(() => p.addTeam("u", { quota: { cpu: "4", memory: 32 as never, pods: 10 } }))).toBe('[shop-base/Teams/u] quota.memory must be a Kubernetes quantity (a string such as "16" or "500m" for CPU, "32Gi" for memory) (received: 32). Use e.g. "32Gi".');
  });

  test("with scaleToZero and no autoscaler, or with a minimum above zero", () => {
    const app = testApp();
    const bare = new MicroservicePlatform(app, "bare", { target: Target.kind(), profile: Profile.DEV, components: [new DaprRuntime()] });
    const s = bare.addService("s", { image: "shop/s:1.0.0" });
    expect(failure(() => s.subscribe(bare.broker.topic("t"), { route: "/t", scaleToZero: true }))).toContain("subscribes with scaleToZero, but the platform has no autoscaler");
    const { platform: p } = platform();
    const w = p.addService("w", { image: "shop/w:1.0.0" });
    w.subscribe(p.broker.topic("t"), { route: "/t", scaleToZero: true });
    expect(failure(() => w.autoscale({ triggers: [ScaleTrigger.cron({ timezone: "UTC", start: "0 8 * * *", end: "0 9 * * *", desiredReplicas: 2 })], minReplicas: 1 }))).toContain(
      "subscribes with scaleToZero, but its autoscaler keeps minReplicas: 1",
    );
  });

  test("with a CPU trigger beside a subscription that scales to zero, or a name too long for KEDA's HPA", () => {
    const { platform: p } = platform();
    const w = p.addService("w", { image: "shop/w:1.0.0" });
    w.autoscale({ triggers: [ScaleTrigger.cpu({ utilization: 70 })] });
    expect(failure(() => w.subscribe(p.broker.topic("t"), { route: "/t", scaleToZero: true }))).toContain("a CPU or memory trigger keeps it at one replica or more");
    const long = p.addService("a".repeat(55), { image: "shop/l:1.0.0" });
    expect(failure(() => long.autoscale({ triggers: [ScaleTrigger.http()] }))).toContain('would pass 63 characters');
  });

  test("with bad trigger options, named", () => {
    expect(failure(() => ScaleTrigger.cron({ timezone: "Europe/Berlin", start: "every morning", end: "0 18 * * *", desiredReplicas: 2 }))).toContain("start must be a five-field cron expression");
    expect(failure(() => ScaleTrigger.cpu({ utilization: "70" as never }))).toBe('[ScaleTrigger.cpu] utilization must be a whole number (received: "70"). Use e.g. 70.');
    expect(failure(() => ScaleTrigger.http({ hosts: "api.example.com" as never }))).toContain("hosts must be a list (received: \"api.example.com\")");
    expect(failure(() => ScaleTrigger.prometheus({ serverAddress: "prometheus:9090", query: "up", threshold: 1 }))).toContain("serverAddress must be an http(s) URL");
    const { platform: p } = platform({ keda: new Keda({ http: false }) });
    const s = p.addService("s", { image: "shop/s:1.0.0" });
    expect(failure(() => s.autoscale({ triggers: [ScaleTrigger.http()] }))).toContain("an HTTP trigger needs the HTTP add-on");
    expect(failure(() => s.autoscale({ triggers: [], maxReplicas: 3 }))).toContain("triggers must be a non-empty list of ScaleTrigger");
  });

  test("a service cannot autoscale without an autoscaling component", () => {
    const bare = new MicroservicePlatform(testApp(), "bare", { target: Target.kind(), profile: Profile.DEV });
    expect(failure(() => bare.addService("s", { image: "shop/s:1.0.0" }).autoscale({ triggers: [ScaleTrigger.http()] }))).toContain("the platform has no autoscaling component");
  });
});
