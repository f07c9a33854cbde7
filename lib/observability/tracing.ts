import type { IServiceBinding, ITeam, SecretKeyRef } from "../core/bindings";
import { IComponentContext, IPlatformComponent, notInstalled } from "../core/component";
import { IPlatform, Layer } from "../core/context";
import { COLLECTOR_RESOURCES, JAEGER_DEFAULTS, restrictedContainerSecurity, TRACE_SAMPLING_RATE } from "../core/defaults";
import { check, PlatformConfigError } from "../core/errors";
import { replicaGroup, ZoneGroup } from "../core/zones";
import { HelmChart, HelmValues, toChartResources } from "../core/helm-chart";
import { TopologySpread, WorkloadRole } from "../core/placement";
import { admitComponent, PLATFORM_LABEL, SecureNamespace } from "../core/secure-namespace";
import { CHARTS, IMAGES } from "../core/versions";
import { Broker } from "../broker/broker";
import { BrokerBase } from "../broker/broker-base";
import { checkOptionsSchema } from "../core/validate";
import { emitResource } from "../core/provider-resource";

/** Options of a search-engine trace store. */
export interface SearchStoreOptions {
  /** Server URLs, e.g. ["https://es.example.com:9200"]. */
  readonly urls: string[];
  /** User name for basic authentication. @default - no authentication */
  readonly username?: string;
  /** The password, from an existing Secret in the tracing namespace ("<platform>-tracing"). Required with `username`. */
  readonly password?: SecretKeyRef;
  /** Prefix of Jaeger's indices. @default "<platform>" */
  readonly indexPrefix?: string;
}

/** Where Jaeger keeps traces. */
export class TraceStorage {
  /**
   * In Jaeger's memory: one replica, traces lost on every restart. The default outside
   * PRODUCTION; in PRODUCTION only with the reason written down.
   */
  public static memory(options: { readonly productionReason?: string } = {}): TraceStorage {
    return new TraceStorage("memory", undefined, options.productionReason);
  }

  /** An existing Elasticsearch cluster, by URL, with its password by Secret reference. */
  public static elasticsearch(options: SearchStoreOptions): TraceStorage {
    return new TraceStorage("elasticsearch", options);
  }

  /** An existing OpenSearch cluster, by URL, with its password by Secret reference. */
  public static opensearch(options: SearchStoreOptions): TraceStorage {
    return new TraceStorage("opensearch", options);
  }

  private constructor(
    /** "memory", "elasticsearch" or "opensearch". */
    public readonly kind: "memory" | "elasticsearch" | "opensearch",
    /** The search store, when not in memory. */
    public readonly store?: SearchStoreOptions,
    /** Why memory is acceptable in production. */
    public readonly productionReason?: string,
  ) {}

  /** Whether traces survive a restart and Jaeger may run more than one replica. */
  public get durable(): boolean {
    return this.kind !== "memory";
  }
}

/** Options of `Tracing`. */
export interface TracingOptions {
  /** Where traces are kept. @default TraceStorage.memory() outside PRODUCTION; required in PRODUCTION */
  readonly storage?: TraceStorage;
  /** Collector replicas. @default - the profile's statelessReplicas */
  readonly collectorReplicas?: number;
  /** Fraction of traces services and sidecars sample, from 0 to 1. @default - TRACE_SAMPLING_RATE by profile size */
  readonly samplingRate?: number;
  /**
   * OTLP/HTTP endpoint of a Prometheus-compatible store (Prometheus 3's `http://<host>:9090/api/v1/otlp`,
   * Mimir, VictoriaMetrics): given, the collector scrapes the platform's metrics endpoints (pods
   * annotated `prometheus.io/scrape`: Pulsar's brokers, bookies and proxies, Dapr's control plane and
   * sidecars) in the platform's namespaces and exports them there.
   * @default - metrics are not collected
   */
  readonly metricsEndpoint?: string;
  /** Values merged over the collector chart's. @default {} */
  readonly collectorValues?: HelmValues;
  /** Values merged over the Jaeger chart's. @default {} */
  readonly jaegerValues?: HelmValues;
}

/** Ports of the broker's pods that serve /metrics (brokers and proxies: http; bookies: http). */
const PULSAR_METRICS_PORTS = [8080, 8000];
const COLLECTOR_RELEASE = "opentelemetry-collector";
const JAEGER_RELEASE = "jaeger";
/** Receiver ports the collector offers the platform: OTLP gRPC and HTTP, Zipkin, Jaeger gRPC and Thrift HTTP. */
const RECEIVER_PORTS = { otlpGrpc: 4317, otlpHttp: 4318, zipkin: 9411, jaegerGrpc: 14250, jaegerThrift: 14268 } as const;

interface Installed {
  readonly context: IComponentContext;
  readonly namespace: string;
  readonly host: string;
  readonly jaegerHost: string;
  readonly samplingRate: number;
  readonly collector: HelmChart;
  readonly jaeger: HelmChart;
}

/**
 * Tracing for every service and sidecar: an OpenTelemetry Collector gateway (OTLP gRPC/HTTP,
 * Zipkin and Jaeger receivers; `memory_limiter` first, then the sender's pod, node and zone from
 * the Kubernetes API (`k8sattributes`), then `batch`) that exports to Jaeger v2.
 * Every service gets `OTEL_EXPORTER_OTLP_ENDPOINT` (gRPC), `OTEL_SERVICE_NAME`, the sampler and
 * its resource attributes; the sidecar runtime points its Configuration at `otlpGrpcHost`.
 *
 * A platform component (key "tracing"): namespace and receiver policy in the base layer, both
 * releases in the system layer.
 */
export class Tracing implements IPlatformComponent {
  public readonly key = "tracing";
  /** Installed after the broker, whose namespace it may scrape. */
  public readonly after = ["broker"];
  private readonly options: TracingOptions;
  /** Services given the exporter settings, in order (what a diagram draws as trace edges). */
  private readonly traced: IServiceBinding[] = [];
  private state?: Installed;

  constructor(options: TracingOptions = {}) {
    // Checked when installed, so errors name the platform's path.
    this.options = options;
  }

  /** OTLP over gRPC (`http://host:4317`): what `OTEL_EXPORTER_OTLP_ENDPOINT` is set to, with the protocol `grpc`. */
  public get otlpEndpoint(): string {
    return `http://${this.installed.host}:${RECEIVER_PORTS.otlpGrpc}`;
  }
  /** OTLP over HTTP (`http://host:4318`), for clients that only speak HTTP. */
  public get otlpHttpEndpoint(): string {
    return `http://${this.installed.host}:${RECEIVER_PORTS.otlpHttp}`;
  }
  /** OTLP over gRPC, as `host:4317` (the form Dapr's Configuration takes). */
  public get otlpGrpcHost(): string {
    return `${this.installed.host}:${RECEIVER_PORTS.otlpGrpc}`;
  }
  /** Zipkin span endpoint (`http://host:9411/api/v2/spans`). */
  public get zipkinEndpoint(): string {
    return `http://${this.installed.host}:${RECEIVER_PORTS.zipkin}/api/v2/spans`;
  }
  /** Jaeger's UI and query API, inside the cluster. */
  public get jaegerUiUrl(): string {
    return `http://${this.installed.jaegerHost}:16686`;
  }
  /** The tracing namespace. */
  public get namespace(): string {
    return this.installed.namespace;
  }
  /** Fraction of traces sampled. */
  public get samplingRate(): number {
    return this.installed.samplingRate;
  }
  /** Whether the collector scrapes the platform's metrics endpoints (a `metricsEndpoint` was given). */
  public get scrapesMetrics(): boolean {
    return !!this.options.metricsEndpoint;
  }
  /** Services that export their traces to the collector, in order (read-only). */
  public get tracedServices(): readonly IServiceBinding[] {
    return [...this.traced];
  }
  /** Where Jaeger keeps traces. */
  public get storage(): TraceStorage {
    return this.options.storage ?? TraceStorage.memory();
  }
  /** Labels of the collector's pods (for policies that admit its scrapes). */
  public get collectorPods(): Record<string, string> {
    return collectorPodLabels();
  }

  public install(context: IComponentContext): void {
    const { platform, site } = context;
    const o = this.options;
    checkOptionsSchema(site, "TracingOptions", o);
    const size = platform.profile.size;
    const production = platform.profile.requireTransportSecurity || platform.profile.zoneSpread;
    const storage = o.storage ?? TraceStorage.memory();
    check(storage instanceof TraceStorage, site, "storage must come from a TraceStorage factory", storage, "Use TraceStorage.elasticsearch({...}), TraceStorage.opensearch({...}) or TraceStorage.memory().");
    if (production && !storage.durable) {
      check(
        typeof storage.productionReason === "string" && storage.productionReason.trim().length >= 10,
        site,
        "in-memory trace storage in a production profile loses every trace on restart and cannot be replicated",
        o.storage ? "TraceStorage.memory()" : "no storage",
        'Pass storage: TraceStorage.elasticsearch({ urls, username, password }) (or opensearch), or choose memory deliberately: TraceStorage.memory({ productionReason: "<why losing traces is acceptable>" }).',
      );
    }
    if (storage.store) checkSearchStore(site, storage.store);
    const replicas = o.collectorReplicas ?? platform.profile.statelessReplicas;
    check(Number.isInteger(replicas) && replicas >= 1, site, "collectorReplicas must be a whole number >= 1", replicas, "Use 1 or more (one per zone in production).");
    const samplingRate = o.samplingRate ?? TRACE_SAMPLING_RATE[size];
    check(typeof samplingRate === "number" && samplingRate >= 0 && samplingRate <= 1, site, "samplingRate must be a number from 0 to 1", samplingRate, "Use e.g. 0.1 to trace one request in ten.");

    if (o.metricsEndpoint !== undefined) {
      check(typeof o.metricsEndpoint === "string" && /^https?:\/\/\S+$/.test(o.metricsEndpoint), site, "metricsEndpoint must be an http(s) URL", o.metricsEndpoint, 'Use e.g. "http://prometheus.monitoring.svc:9090/api/v1/otlp".');
    }
    const namespace = `${platform.platformName}-tracing`;
    const host = `${COLLECTOR_RELEASE}.${namespace}.svc.cluster.local`;
    const jaegerHost = `${JAEGER_RELEASE}.${namespace}.svc.cluster.local`;

    const base = context.scope(Layer.BASE);
    // Only the receivers are for the platform's namespaces (ReceiverIngress below); the rest stays inside.
    const ns = new SecureNamespace(base, "Namespace", { name: namespace, platformName: platform.platformName, system: true });
    // Services and sidecars of every namespace of the platform send spans to the collector's receivers, nothing else.
    emitResource(base, "ReceiverIngress", "kubernetes_network_policy_v1", {
      metadata: { name: "collector-receivers", namespace: ns.name, labels: platform.labels("tracing", "collector-receivers") },
      spec: {
        podSelector: { matchLabels: collectorPodLabels() },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { [PLATFORM_LABEL]: platform.platformName } } }],
            ports: Object.values(RECEIVER_PORTS).map((port) => ({ port: String(port), protocol: "TCP" })),
          },
        ],
      },
    });

    const broker = context.tryGet(BrokerBase);
    const brokerNamespace = broker instanceof Broker ? broker.namespace : undefined;
    if (o.metricsEndpoint && brokerNamespace) {
      // The broker's namespace admits other namespaces to its client ports only: let the collector scrape.
      emitResource(base, "PulsarMetricsIngress", "kubernetes_network_policy_v1", {
        metadata: { name: "collector-metrics", namespace: brokerNamespace, labels: platform.labels("tracing", "collector-metrics") },
        spec: {
          podSelector: { matchLabels: { app: "pulsar" } },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } }, podSelector: { matchLabels: collectorPodLabels() } }],
              ports: PULSAR_METRICS_PORTS.map((port) => ({ port: String(port), protocol: "TCP" })),
            },
          ],
        },
      });
    }

    const system = context.scope(Layer.SYSTEM);
    const collector = new HelmChart(system, "Collector", {
      pin: CHARTS.openTelemetryCollector,
      releaseName: COLLECTOR_RELEASE,
      namespace,
      mirror: platform.mirror,
      defaults: collectorValues(platform, replicas, jaegerHost, o.metricsEndpoint),
      values: o.collectorValues,
      podParts: [{ name: "collector", podSecurityContext: "podSecurityContext", securityContext: "securityContext", resources: "resources" }],
    });
    if (o.metricsEndpoint) {
      // Rendered at synth time: teams added after the platform count.
      collector.addValues(() => ({
        config: {
          receivers: {
            prometheus: {
              config: {
                // The list replaces the chart's, so the collector's own metrics job is kept here.
                scrape_configs: [
                  { job_name: "opentelemetry-collector", scrape_interval: "10s", static_configs: [{ targets: ["${env:MY_POD_IP}:8888"] }] },
                  annotatedPodsScrape(metricsNamespaces(platform, brokerNamespace)),
                ],
              },
            },
          },
        },
      }));
    }
    const jaeger = new HelmChart(system, "Jaeger", {
      pin: CHARTS.jaeger,
      releaseName: JAEGER_RELEASE,
      namespace,
      mirror: platform.mirror,
      defaults: jaegerValues(platform, storage),
      imageRegistryValues: (registry) => ({ jaeger: { image: { registry } } }),
      values: o.jaegerValues,
      podParts: [{ name: "jaeger", podSecurityContext: "jaeger.podSecurityContext", securityContext: "jaeger.securityContext", resources: "jaeger.resources" }],
    });
    this.state = { context, namespace, host, jaegerHost, samplingRate, collector, jaeger };
  }

  /** The collector's and Jaeger's replicas and spread, read from their charts' values as merged. */
  public zoneGroups(): ZoneGroup[] {
    const { context, collector, jaeger } = this.installed;
    const zoneLabel = context.platform.target.zoneLabel;
    const c = collector.values as { replicaCount?: number; topologySpreadConstraints?: TopologySpread[] };
    const j = ((jaeger.values as { jaeger?: unknown }).jaeger ?? {}) as { replicas?: number; topologySpreadConstraints?: TopologySpread[] };
    return [
      replicaGroup(this.key, "collector", c.replicaCount, c.topologySpreadConstraints, zoneLabel),
      replicaGroup(this.key, "Jaeger", j.replicas, j.topologySpreadConstraints, zoneLabel),
    ];
  }

  /** With metrics collected, the collector scrapes the team's annotated pods: it alone gets through the team's default deny (on any port: pods choose their metrics port). */
  public configureTeam(team: ITeam): void {
    if (!this.options.metricsEndpoint) return;
    const { context, namespace } = this.installed;
    admitComponent(context.scope(Layer.APPS), `Scrape-${team.teamName}`, {
      name: "tracing-collector-scrape",
      namespace: team.namespace,
      fromNamespace: namespace,
      fromPods: collectorPodLabels(),
      labels: team.platform.labels("tracing", "tracing-collector-scrape"),
    });
  }

  /** Every service exports its traces to the collector, with its name and where it runs. */
  public configureService(service: IServiceBinding): void {
    const platform = service.platform;
    service.addEnv("OTEL_EXPORTER_OTLP_ENDPOINT", this.otlpEndpoint);
    // gRPC: every OTLP SDK speaks it, and some (Go's otlptracegrpc) only it.
    service.addEnv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
    service.addEnv("OTEL_SERVICE_NAME", service.serviceName);
    service.addEnv("OTEL_TRACES_SAMPLER", "parentbased_traceidratio");
    service.addEnv("OTEL_TRACES_SAMPLER_ARG", String(this.samplingRate));
    // W3C Baggage format: values are percent-encoded, so a ',' or '=' in a profile name cannot break the list.
    const attributes: [string, string][] = [
      ["service.namespace", service.team.namespaceName],
      ["deployment.environment.name", platform.profile.name],
      ["platform.name", platform.platformName],
      ["platform.team", service.team.teamName],
      ["k8s.namespace.name", service.team.namespaceName],
    ];
    service.addEnv("OTEL_RESOURCE_ATTRIBUTES", attributes.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join(","));
    this.traced.push(service);
  }

  private get installed(): Installed {
    if (!this.state) throw notInstalled("Tracing");
    return this.state;
  }
}

/** Labels the collector chart puts on its gateway pods. */
function collectorPodLabels(): Record<string, string> {
  return { "app.kubernetes.io/name": "opentelemetry-collector", "app.kubernetes.io/instance": COLLECTOR_RELEASE, component: "standalone-collector" };
}

/** The namespaces whose annotated pods the collector scrapes: the platform's own and its teams'. */
function metricsNamespaces(platform: IPlatform, brokerNamespace?: string): string[] {
  const system = [brokerNamespace, `${platform.platformName}-dapr`, `${platform.platformName}-tracing`].filter((n): n is string => !!n);
  return [...new Set([...system, ...platform.teams.map((t) => t.namespaceName)])].sort();
}

/** Prometheus' usual annotation-driven pod discovery (`prometheus.io/scrape`, `/port`, `/path`). */
function annotatedPodsScrape(namespaces: string[]): Record<string, unknown> {
  return {
    job_name: "platform-pods",
    kubernetes_sd_configs: [{ role: "pod", namespaces: { names: namespaces } }],
    relabel_configs: [
      { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" },
      { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"], action: "replace", target_label: "__metrics_path__", regex: "(.+)" },
      // "$$" is a literal "$" in the collector's configuration (it expands environment variables).
      { source_labels: ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"], action: "replace", regex: "([^:]+)(?::\\d+)?;(\\d+)", replacement: "$$1:$$2", target_label: "__address__" },
      { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
      { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
    ],
  };
}

function collectorValues(platform: IPlatform, replicas: number, jaegerHost: string, metricsEndpoint?: string): HelmValues {
  // memory_limiter first; then the sender's pod, node and zone (k8sattributes, by connection IP); then batch.
  const pipeline = (receivers: string[], exporters: string[]) => ({ receivers, processors: ["memory_limiter", "k8sattributes", "batch"], exporters });
  return {
    mode: "deployment",
    image: { repository: platform.mirror.image(IMAGES.otelCollector.repository), tag: IMAGES.otelCollector.tag },
    command: { name: "otelcol-k8s" },
    replicaCount: replicas,
    // A memory limit makes the chart set GOMEMLIMIT (80% of it), which memory_limiter relies on.
    resources: toChartResources(COLLECTOR_RESOURCES[platform.profile.size]),
    priorityClassName: platform.priorityClassName,
    topologySpreadConstraints: platform.placement.spread(collectorPodLabels(), WorkloadRole.STATELESS),
    podDisruptionBudget: { enabled: replicas >= 2, maxUnavailable: 1 },
    imagePullSecrets: platform.mirror.pullSecretRefs(),
    podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    securityContext: restrictedContainerSecurity(),
    // Discovering pods to scrape needs to list them.
    // k8sattributes reads pods, their namespaces and nodes (the zone label); pod discovery for metrics reads pods.
    clusterRole: { create: true, rules: [{ apiGroups: [""], resources: ["pods", "namespaces", "nodes"], verbs: ["get", "list", "watch"] }] },
    config: {
      processors: {
        k8sattributes: {
          auth_type: "serviceAccount",
          // Only what needs no more than pods, namespaces and nodes (no Deployment or ReplicaSet watches).
          extract: {
            metadata: ["k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid", "k8s.node.name"],
            labels: [{ tag_name: "cloud.availability_zone", key: platform.target.zoneLabel, from: "node" }],
          },
          pod_association: [{ sources: [{ from: "connection" }] }],
        },
      },
      exporters: {
        // OTLP gRPC to Jaeger inside the cluster ("otlp_grpc" is the exporter's name since collector 0.15x; "otlp" is its deprecated alias).
        "otlp_grpc/jaeger": { endpoint: `${jaegerHost}:4317`, tls: { insecure: true } },
        ...(metricsEndpoint ? { "otlp_http/metrics": { endpoint: metricsEndpoint } } : {}),
      },
      service: {
        // Pipelines are replaced whole (Helm does not merge lists): memory_limiter stays first.
        pipelines: {
          traces: pipeline(["otlp", "jaeger", "zipkin"], ["otlp_grpc/jaeger"]),
          metrics: pipeline(["otlp", "prometheus"], [metricsEndpoint ? "otlp_http/metrics" : "debug"]),
          logs: pipeline(["otlp"], ["debug"]),
        },
      },
    },
  };
}

function jaegerValues(platform: IPlatform, storage: TraceStorage): HelmValues {
  const defaults = JAEGER_DEFAULTS[platform.profile.size];
  const backend =
    storage.kind === "memory"
      ? { memory: { max_traces: defaults.maxTraces } }
      : {
          [storage.kind]: {
            server_urls: storage.store!.urls,
            indices: { index_prefix: storage.store!.indexPrefix ?? platform.platformName },
            ...(storage.store!.username
              ? { auth: { basic: { username: storage.store!.username, password: "${env:TRACE_STORE_PASSWORD}" } } }
              : {}),
          },
        };
  // In memory, traces live in one process: one replica. A search store lets replicas share them.
  const replicas = storage.durable ? platform.profile.statelessReplicas : 1;
  return {
    jaeger: {
      replicas,
      resources: toChartResources(defaults),
      image: {
        repository: "jaegertracing/jaeger",
        tag: IMAGES.jaeger.tag,
        ...(platform.mirror.imagePullSecrets.length > 0 ? { pullSecrets: [...platform.mirror.imagePullSecrets] } : {}),
      },
      podSecurityContext: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      securityContext: restrictedContainerSecurity(),
      ...(replicas > 1
        ? { topologySpreadConstraints: platform.placement.spread({ "app.kubernetes.io/name": "jaeger", "app.kubernetes.io/instance": JAEGER_RELEASE }, WorkloadRole.STATELESS) }
        : {}),
      ...(storage.store?.password
        ? { extraEnv: [{ name: "TRACE_STORE_PASSWORD", valueFrom: { secretKeyRef: { name: storage.store.password.secretName, key: storage.store.password.key } } }] }
        : {}),
    },
    // Jaeger v2's own configuration (the chart passes it whole): OTLP in, one storage backend, query and UI.
    userconfig: {
      service: {
        extensions: ["jaeger_storage", "jaeger_query", "healthcheckv2"],
        pipelines: { traces: { receivers: ["otlp"], processors: ["batch"], exporters: ["jaeger_storage_exporter"] } },
      },
      extensions: {
        healthcheckv2: { use_v2: true, http: { endpoint: "0.0.0.0:13133" } },
        jaeger_query: { storage: { traces: "traces" } },
        jaeger_storage: { backends: { traces: backend } },
      },
      receivers: { otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } } } },
      processors: { batch: {} },
      exporters: { jaeger_storage_exporter: { trace_storage: "traces" } },
    },
  };
}

function checkSearchStore(site: string, store: SearchStoreOptions): void {
  checkOptionsSchema(site, "SearchStoreOptions", store, "storage");
  check(Array.isArray(store.urls) && store.urls.length > 0 && store.urls.every((u) => typeof u === "string" && /^https?:\/\/\S+$/.test(u)), site, "storage urls must be a non-empty list of http(s) URLs", store.urls, 'Use e.g. ["https://es.example.com:9200"].');
  if (store.username !== undefined || store.password !== undefined) {
    check(typeof store.username === "string" && store.username.length > 0, site, "a store password needs a username", store.username, 'Add username: "jaeger".');
    const ref = store.password;
    if (!ref || typeof ref !== "object" || typeof ref.secretName !== "string" || !ref.secretName || typeof ref.key !== "string" || !ref.key) {
      throw new PlatformConfigError(site, "the store password must be a Secret reference, never a literal", typeof ref === "string" ? "<redacted>" : ref, 'Use password: { secretName: "<secret in the tracing namespace>", key: "password" }.');
    }
  }
}
