import { Construct } from "constructs";
import type { AutoscaleOptions, BacklogSource, IAutoscalingProvider, IServiceBinding, ScalingBehavior } from "../core/bindings";
import { IComponentContext, IPlatformComponent, notInstalled } from "../core/component";
import { IPlatform, Layer } from "../core/context";
import { CustomResource } from "../core/custom-resource";
import { admitFromOutside } from "../core/exposure";
import { AUTOSCALE_DEFAULTS, HTTP_INTERCEPTOR_MAX_REPLICAS, KEDA_RESOURCES, restrictedContainerSecurity } from "../core/defaults";
import { check, checkKnownOptions, PlatformConfigError } from "../core/errors";
import { HelmChart, HelmValues, toChartResources } from "../core/helm-chart";
import { escapeDeep } from "../core/literal";
import { TopologySpread, WorkloadRole } from "../core/placement";
import { replicaGroup, ZoneGroup } from "../core/zones";
import { admitComponent, PLATFORM_LABEL, SecureNamespace } from "../core/secure-namespace";
import { selectorLabels } from "../core/names";
import { CHARTS } from "../core/versions";
import { BrokerBase, IBroker } from "../broker/broker-base";
import { PulsarTopic } from "../broker/tenancy";
import { HttpTriggerOptions, ScaleTrigger } from "./scale-trigger";
import { checkOptionsSchema } from "../core/validate";
import { emitResource } from "../core/provider-resource";
import { Lazy } from "../core/lazy";

/** Options of `Keda`. */
export interface KedaOptions {
  /** Install the HTTP add-on (HTTP scale-to-zero through its interceptor). @default true */
  readonly http?: boolean;
  /** Values merged over the KEDA chart's. @default {} */
  readonly values?: HelmValues;
  /** Values merged over the HTTP add-on chart's. @default {} */
  readonly httpValues?: HelmValues;
}

/** Ports the Kubernetes API server calls: the external metrics API (6443) and the admission webhooks (9443). */
const API_SERVER_PORTS = [6443, 9443];
/** The HTTP add-on's interceptor proxy, which HTTP-scaled services' callers reach. */
const INTERCEPTOR_PROXY_PORT = 8080;
/** Labels of the HTTP add-on's interceptor pods (templates/interceptor/deployment.yaml at 0.15.0). */
const INTERCEPTOR_POD_LABELS = { "app.kubernetes.io/component": "interceptor", "app.kubernetes.io/name": "http-add-on" };
/** UID of the HTTP add-on's images (ko's nonroot user): the chart sets none. */
const HTTP_ADDON_UID = 65532;

/** A service the autoscaler owns, as recorded (for reports such as the diagram). */
export interface ScaledService {
  readonly service: IServiceBinding;
  /** Its triggers, in the order they were added. */
  readonly triggers: readonly ScaleTrigger[];
  /** Fewest and most replicas, as its ScaledObject says. */
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

/** What the autoscaler keeps per service. */
interface Scaled {
  readonly service: IServiceBinding;
  /** Its team's scope, `<platform>-apps/keda/<team>`: ScaledObjects, routes and the TriggerAuthentications its services share. */
  readonly scope: Construct;
  readonly scaledObject: CustomResource;
  settings?: Omit<AutoscaleOptions, "triggers">;
  readonly triggers: ScaleTrigger[];
  /** The credentials Secret each backlog or lag trigger reads with. */
  readonly backlogSecrets: Map<ScaleTrigger, string>;
  /** A subscription asked to scale to zero. */
  zeroAsked: boolean;
}

interface Installed {
  readonly context: IComponentContext;
  readonly namespace: string;
  readonly http: boolean;
  readonly chart: HelmChart;
  readonly httpAddOn?: HelmChart;
  readonly broker?: IBroker;
}

/**
 * KEDA: services' replica counts follow events (a subscription's backlog, HTTP requests, cron
 * windows, CPU, memory, a Prometheus query) and drop to zero where the trigger allows it. The
 * official chart runs the operator replicated with leader election and the admission webhooks
 * replicated in multi-zone profiles (one metrics server: only one serves the metrics API),
 * spread over zones with disruption budgets and the platform's priority class; the HTTP add-on
 * (upstream: beta in its own README, still "alpha" in its chart's) holds requests in its
 * interceptor while a service wakes, routed by `InterceptorRoute` (http.keda.sh/v1beta1).
 *
 * One ScaledObject per service, rendered at synth time from every trigger given to it (so
 * `autoscale()` and `subscribe(..., { scaleToZero: true })` add up instead of fighting); the
 * service leaves `replicas` out of its Deployment and keeps a disruption budget valid at any
 * count. Backlog triggers authenticate with the service's own broker token by
 * `TriggerAuthentication` (`secretTargetRef`).
 *
 * A platform component (key "keda"): namespace and policies in the base layer, the releases and
 * their CRDs in the system layer, ScaledObjects, TriggerAuthentications and InterceptorRoutes in
 * the apps layer.
 */
export class Keda implements IPlatformComponent, IAutoscalingProvider {
  public readonly key = "keda";
  public readonly after = ["broker"];
  private readonly options: KedaOptions;
  private readonly scaled = new Map<IServiceBinding, Scaled>();
  private state?: Installed;

  constructor(options: KedaOptions = {}) {
    // Checked when installed, so errors name the platform's path.
    this.options = options;
  }

  /** KEDA's namespace. */
  public get namespace(): string {
    return this.installed.namespace;
  }

  /** The services it scales, in the order they were first given to it (read-only). */
  public get scaledServices(): readonly ScaledService[] {
    return [...this.scaled.values()].map((e) => ({ service: e.service, triggers: [...e.triggers], ...replicaRange(e) }));
  }

  /** In-cluster URL of the HTTP add-on's interceptor: callers of HTTP-scaled services go through it, with the route's Host. */
  public get interceptorUrl(): string {
    check(this.installed.http, this.installed.context.site, "the HTTP add-on is not installed", "http: false", "Remove http: false from the Keda options.");
    return `http://keda-add-ons-http-interceptor-proxy.${this.namespace}.svc.cluster.local:${INTERCEPTOR_PROXY_PORT}`;
  }

  public install(context: IComponentContext): void {
    const { platform, site } = context;
    const o = this.options;
    checkOptionsSchema(site, "KedaOptions", o);
    const http = o.http ?? true;
    check(typeof http === "boolean", site, "http must be true or false", http, "Leave it unset to install the HTTP add-on.");
    const namespace = `${platform.platformName}-keda`;
    const base = context.scope(Layer.BASE);
    const ns = new SecureNamespace(base, "Namespace", { name: namespace, platformName: platform.platformName, system: true });
    // The API server calls the metrics API and the admission webhooks from outside any namespace (often the host network).
    emitResource(base, "ApiServerIngress", "kubernetes_network_policy_v1", {
      metadata: { name: "keda-api-server", namespace: ns.name, labels: platform.labels("keda", "keda-api-server") },
      spec: {
        podSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["keda-operator-metrics-apiserver", "keda-admission-webhooks"] }] },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: API_SERVER_PORTS.map((port) => ({ port: String(port), protocol: "TCP" })) }],
      },
    });
    if (http) {
      // Callers of HTTP-scaled services, from the platform's namespaces, reach the interceptor's proxy port only.
      emitResource(base, "InterceptorIngress", "kubernetes_network_policy_v1", {
        metadata: { name: "keda-http-interceptor", namespace: ns.name, labels: platform.labels("keda", "keda-http-interceptor") },
        spec: {
          podSelector: { matchLabels: INTERCEPTOR_POD_LABELS },
          policyTypes: ["Ingress"],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { [PLATFORM_LABEL]: platform.platformName } } }], ports: [{ port: String(INTERCEPTOR_PROXY_PORT), protocol: "TCP" }] }],
        },
      });
    }

    const system = context.scope(Layer.SYSTEM);
    const keda = new HelmChart(system, "Chart", {
      pin: CHARTS.keda,
      releaseName: "keda",
      namespace,
      mirror: platform.mirror,
      defaults: kedaValues(platform),
      imageRegistryValues: (registry) => ({ global: { image: { registry } } }),
      values: o.values,
      podParts: ["operator", "metricServer", "webhooks"].map((name) => ({ name, podSecurityContext: `podSecurityContext.${name}`, securityContext: `securityContext.${name}`, resources: `resources.${name}` })),
    });
    let httpAddOn: HelmChart | undefined;
    if (http) {
      httpAddOn = new HelmChart(system, "HttpAddOn", {
        pin: CHARTS.kedaHttpAddOn,
        releaseName: "keda-add-ons-http",
        namespace,
        mirror: platform.mirror,
        defaults: httpAddOnValues(platform),
        values: o.httpValues,
        // Each part takes its own contexts when given (templates/<part>/deployment.yaml at 0.15.0).
        podParts: ["operator", "scaler", "interceptor"].map((name) => ({ name, podSecurityContext: `podSecurityContext.${name}`, securityContext: `securityContext.${name}`, resources: `${name}.resources` })),
        // The add-on renders a ScaledObject for its interceptor: KEDA's CRDs must exist first.
        dependsOn: [keda.release],
      });
    }
    this.state = { context, namespace, http, broker: context.tryGet(BrokerBase), chart: keda, httpAddOn };
  }

  /** The operator, metrics server, webhooks and the HTTP add-on's parts, read from the charts' values as merged. */
  public zoneGroups(): ZoneGroup[] {
    const { context, chart, httpAddOn } = this.installed;
    const zoneLabel = context.platform.target.zoneLabel;
    type Part = { replicaCount?: number; replicas?: number | { min?: number }; topologySpreadConstraints?: TopologySpread[] };
    const v = chart.values as Record<string, Part | undefined> & { topologySpreadConstraints?: Record<string, TopologySpread[]> };
    const group = (part: string, members: number | undefined, spread: TopologySpread[] | undefined) => replicaGroup(this.key, part, members, spread, zoneLabel);
    const groups = [
      group("operator", v.operator?.replicaCount, v.topologySpreadConstraints?.operator),
      group("metrics server", v.metricsServer?.replicaCount, v.topologySpreadConstraints?.metricsServer),
      group("admission webhooks", v.webhooks?.replicaCount, v.topologySpreadConstraints?.webhooks),
    ];
    if (httpAddOn) {
      const h = httpAddOn.values as Record<string, Part | undefined>;
      const count = (p: Part | undefined) => (typeof p?.replicas === "object" ? p.replicas.min : p?.replicas);
      for (const [key, part] of [["interceptor", "HTTP interceptor"], ["scaler", "HTTP scaler"], ["operator", "HTTP operator"]] as const) groups.push(group(part, count(h[key]), h[key]?.topologySpreadConstraints));
    }
    return groups;
  }

  /** Scales a service on `options.triggers` (one call per service; subscriptions with `scaleToZero` add their backlog to it). */
  public autoscaleService(service: IServiceBinding, options: AutoscaleOptions): CustomResource {
    const site = this.installed.context.site;
    checkOptionsSchema(site, "AutoscaleOptions", options);
    check(Array.isArray(options.triggers) && options.triggers.length > 0 && options.triggers.every((t) => t instanceof ScaleTrigger), site, "triggers must be a non-empty list of ScaleTrigger", options.triggers, "Use e.g. triggers: [ScaleTrigger.http(), ScaleTrigger.cron({...})].");
    const entry = this.entry(service);
    if (entry.settings) {
      throw new PlatformConfigError(site, `service ${service.serviceName} already has an autoscaler: a workload is owned by one`, service.node.path, "Call autoscale() once per service, with all its triggers.");
    }
    const { triggers, ...settings } = options;
    checkSettings(site, service, settings);
    entry.settings = settings;
    for (const trigger of triggers as ScaleTrigger[]) this.addTrigger(entry, trigger);
    this.checkMinimum(entry);
    return entry.scaledObject;
  }

  /** A subscription's backlog, read with credentials the subscriber already holds (its team's Dapr sidecars'), down to zero. */
  public scaleOnBacklog(service: IServiceBinding, source: BacklogSource): void {
    const entry = this.entry(service);
    entry.zeroAsked = true;
    this.addTrigger(entry, ScaleTrigger.pulsarBacklog(source.topic as PulsarTopic, { subscription: source.subscription }), source.credentialsSecret);
    this.checkMinimum(entry);
  }

  /** Adds a trigger, and what it needs in the service's namespace (its authentication, its route), at once. */
  private addTrigger(entry: Scaled, trigger: ScaleTrigger, credentialsSecret?: string): void {
    const { site } = this.installed.context;
    const { service, scope } = entry;
    const labels = service.platform.labels("keda", service.serviceName);
    if (trigger.kind === "pulsar") {
      const broker = this.installed.broker;
      if (!broker || trigger.topic!.namespace.tenant.owner !== broker) {
        throw new PlatformConfigError(site, "a backlog trigger needs a topic declared on this platform's broker", trigger.topic!.fullName, "Declare the topic on platform.broker and pass what addTopic returned.");
      }
      let secret = credentialsSecret;
      if (secret === undefined) {
        // The service reads its own subscription: it consumes the topic, and its token may read the topic's stats.
        trigger.topic!.grantConsume(service);
        secret = broker.connect(service).secretName;
      }
      entry.backlogSecrets.set(trigger, secret);
      // One per credentials Secret of the namespace: services sharing credentials (a team's sidecars) share it.
      triggerAuthentication(scope, `Auth-${secret}`, `${secret}-keda`, service.team.namespace, labels, [
        { parameter: "bearerToken", name: secret, key: "token" },
        ...(broker.tls && broker.suppliesCa ? [{ parameter: "ca", name: secret, key: "ca.crt" }] : []),
      ]);
    }
    if (trigger.kind === "kafka") {
      const broker = this.installed.broker;
      if (!broker || trigger.topic!.namespace.tenant.owner !== broker) {
        throw new PlatformConfigError(site, "a Kafka lag trigger needs a topic declared on this platform's broker", trigger.topic!.fullName, "Declare the topic on platform.broker and pass what addTopic returned.");
      }
      const keys = broker.kafkaCredentialKeys;
      if (!keys) {
        throw new PlatformConfigError(site, "a Kafka lag trigger needs the platform's broker to speak Kafka (its listener, and the SASL credentials the platform mints for it)", trigger.topic!.fullName, "Add Protocol.kafka({ handlerImage }) to the broker's protocols, or scale on the subscription's backlog with ScaleTrigger.pulsarBacklog.");
      }
      // The group's consumers read the topic: the service's token may, and KEDA reads the lag with it.
      trigger.topic!.grantConsume(service);
      const secret = broker.connect(service).secretName;
      entry.backlogSecrets.set(trigger, secret);
      triggerAuthentication(scope, `KafkaAuth-${secret}`, kafkaAuthNameOf(secret), service.team.namespace, labels, [
        { parameter: "username", name: secret, key: keys.username },
        { parameter: "password", name: secret, key: keys.password },
      ]);
    }
    if (trigger.kind === "http") {
      check(this.installed.http, site, "an HTTP trigger needs the HTTP add-on", "http: false", "Remove http: false from the Keda options.");
      check(!entry.triggers.some((t) => t.kind === "http"), site, `service ${service.serviceName} has two HTTP triggers`, service.serviceName, "Give one HTTP trigger with all its hosts and paths.");
      // Traffic that bypasses the interceptor cannot wake a service at zero.
      scope.node.addValidation({
        validate: () =>
          service.exposure
            ? [`[${service.node.path}] service ${service.serviceName} scales on HTTP requests through KEDA's interceptor, but is exposed directly (${service.exposure}): requests that bypass the interceptor cannot wake it from zero. Expose it through the interceptor with ScaleTrigger.http({ ingress: { host } }) instead of expose(), or scale it on another trigger.`]
            : [],
      });
      // The interceptor forwards the route's requests to the service: it gets through the team's default deny, to that port only.
      admitComponent(scope, `Interceptor-${service.serviceName}`, {
        name: `${service.serviceName}-from-interceptor`,
        namespace: service.team.namespace,
        podSelector: selectorLabels({ name: service.serviceName, instance: service.platform.platformName }),
        fromNamespace: this.namespace,
        fromPods: INTERCEPTOR_POD_LABELS,
        ports: [service.port],
        labels,
      });
      const r = trigger.route!;
      const hosts = [...(r.hosts ?? [`${service.serviceName}.${service.team.namespaceName}.svc`]), ...(r.ingress && !(r.hosts ?? []).includes(r.ingress.host) ? [r.ingress.host] : [])];
      if (r.ingress) this.ingressToInterceptor(service, r.ingress, r.paths ?? ["/"]);
      new CustomResource(scope, `Route-${service.serviceName}`, {
        manifest: {
          apiVersion: "http.keda.sh/v1beta1",
          kind: "InterceptorRoute",
          metadata: { name: routeNameOf(service), namespace: service.team.namespace, labels },
          spec: {
            target: { service: service.serviceName, port: service.port },
            scalingMetric: r.concurrency !== undefined ? { concurrency: { targetValue: r.concurrency } } : { requestRate: { targetValue: r.rate, window: "1m", granularity: "1s" } },
            rules: [{ hosts, paths: (r.paths ?? ["/"]).map((value) => ({ value })) }],
          },
        },
      });
    }
    entry.triggers.push(trigger);
  }

  /**
   * An Ingress for an HTTP-scaled service's host, in KEDA's namespace (an Ingress reaches Services
   * of its own namespace only), to the interceptor's proxy, which routes by Host and wakes the
   * service; the interceptor's port is opened to outside traffic once.
   */
  private ingressToInterceptor(service: IServiceBinding, ingress: NonNullable<HttpTriggerOptions["ingress"]>, paths: string[]): void {
    const { context, namespace } = this.installed;
    const { site, platform } = context;
    const className = ingress.className ?? platform.target.ingressClassName;
    if (className === undefined) {
      throw new PlatformConfigError(site, `target ${platform.target.kind} has no default IngressClass`, "no className", 'Pass ingress.className (e.g. "nginx") to ScaleTrigger.http, or give the target ingressClassName.');
    }
    const scope = context.scope(Layer.APPS);
    const labels = platform.labels("keda", service.serviceName);
    if (!scope.node.tryFindChild("InterceptorFromOutside")) {
      admitFromOutside(scope, "InterceptorFromOutside", { name: "keda-http-interceptor", namespace, selector: INTERCEPTOR_POD_LABELS, ports: [{ name: "proxy", port: INTERCEPTOR_PROXY_PORT, targetPort: INTERCEPTOR_PROXY_PORT }], labels: platform.labels("keda", "keda-http-interceptor") });
    }
    const annotations = platform.target.ingressAnnotations;
    emitResource(scope, `Ingress-${service.team.teamName}-${service.serviceName}`, "kubernetes_ingress_v1", {
      metadata: { name: `${service.team.namespaceName}-${service.serviceName}`.slice(0, 253), namespace, labels, annotations: Object.keys(annotations).length > 0 ? escapeDeep({ ...annotations }) : undefined },
      spec: {
        ingressClassName: className,
        rule: [
          {
            host: ingress.host,
            http: { path: paths.map((path) => ({ path, pathType: "Prefix", backend: { service: { name: "keda-add-ons-http-interceptor-proxy", port: { number: INTERCEPTOR_PROXY_PORT } } } })) },
          },
        ],
        tls: ingress.tlsSecret ? [{ hosts: [ingress.host], secretName: ingress.tlsSecret }] : undefined,
      },
    });
  }

  /** CPU and memory cannot bring a service back from zero; a subscription that scales to zero needs a minimum of 0. */
  private checkMinimum(entry: Scaled): void {
    const { site } = this.installed.context;
    const min = entry.settings?.minReplicas;
    if (min === 0 && entry.triggers.every((t) => !t.canScaleToZero)) {
      throw new PlatformConfigError(site, `service ${entry.service.serviceName} scales on CPU or memory only, which cannot scale to zero: with no pod there is no usage to wake it`, "minReplicas: 0", "Use minReplicas: 1 or more, or add a trigger that can wake the service (backlog, HTTP, cron, Prometheus).");
    }
    if (entry.zeroAsked && min === undefined && entry.triggers.some((t) => !t.canScaleToZero)) {
      throw new PlatformConfigError(site, `service ${entry.service.serviceName} subscribes with scaleToZero, but a CPU or memory trigger keeps it at one replica or more`, "scaleToZero: true", "Drop scaleToZero from the subscription, or the CPU and memory triggers.");
    }
    if (entry.zeroAsked && min !== undefined && min > 0) {
      throw new PlatformConfigError(site, `service ${entry.service.serviceName} subscribes with scaleToZero, but its autoscaler keeps minReplicas: ${min}`, min, "Drop scaleToZero from the subscription, or minReplicas from autoscale().");
    }
  }

  /** The service's autoscaler state, created with its ScaledObject (rendered at synth time from every trigger added). */
  private entry(service: IServiceBinding): Scaled {
    const { site, platform } = this.installed.context;
    if (!service || typeof service !== "object" || service.platform !== platform || typeof service.markAutoscaled !== "function") {
      throw new PlatformConfigError(site, "the autoscaler only takes services of its own platform", (service as IServiceBinding)?.node?.path ?? service, "Pass a Microservice that this platform's addService() returned.");
    }
    const existing = this.scaled.get(service);
    if (existing) return existing;
    // KEDA names the HPA it makes "keda-hpa-<name>", a DNS label.
    check(service.serviceName.length <= 54, site, `service ${service.serviceName} has a name too long to autoscale: KEDA's HPA "keda-hpa-${service.serviceName}" would pass 63 characters`, service.serviceName, "Use a service name of at most 54 characters.");
    service.markAutoscaled();
    const apps = this.installed.context.scope(Layer.APPS);
    const scope = (apps.node.tryFindChild(service.team.teamName) as Construct | undefined) ?? new Construct(apps, service.team.teamName);
    const state: Omit<Scaled, "scaledObject"> = { service, scope, triggers: [], backlogSecrets: new Map(), zeroAsked: false };
    // One object: the ScaledObject's lazy values read the triggers and settings added to it later.
    const entry: Scaled = Object.assign(state, { scaledObject: this.scaledObject(state) });
    this.scaled.set(service, entry);
    return entry;
  }

  private scaledObject(entry: Omit<Scaled, "scaledObject">): CustomResource {
    const { service } = entry;
    const settings = () => entry.settings ?? {};
    const triggers = () =>
      entry.triggers.map((t, i) => {
        const name = `${t.kind}-${i}`;
        if (t.kind === "pulsar") {
          return {
            type: "pulsar",
            name,
            metadata: { adminURL: this.installed.broker!.adminUrl, topic: t.topic!.fullName, isPartitionedTopic: String(t.topic!.partitions > 0), authModes: "bearer", ...t.metadata },
            authenticationRef: { name: `${entry.backlogSecrets.get(t)!}-keda` },
          };
        }
        if (t.kind === "kafka") {
          return {
            type: "kafka",
            name,
            // The listener is SASL_PLAINTEXT (Protocol.kafka): PLAIN with the service's token.
            metadata: { bootstrapServers: this.installed.broker!.kafkaBootstrap, topic: t.topic!.fullName, sasl: "plaintext", tls: "disable", ...t.metadata },
            authenticationRef: { name: kafkaAuthNameOf(entry.backlogSecrets.get(t)!) },
          };
        }
        if (t.kind === "http") return { type: "external-push", name, metadata: { scalerAddress: `keda-add-ons-http-external-scaler.${this.namespace}:9090`, interceptorRoute: routeNameOf(service) } };
        if (t.kind === "cpu" || t.kind === "memory") return { type: t.kind, name, metricType: "Utilization", metadata: t.metadata };
        return { type: t.kind, name, metadata: t.metadata };
      });
    return new CustomResource(entry.scope, `ScaledObject-${service.serviceName}`, {
      manifest: {
        apiVersion: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        metadata: { name: service.serviceName, namespace: service.team.namespace, labels: service.platform.labels("keda", service.serviceName) },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: service.serviceName },
          minReplicaCount: Lazy.numberValue({ produce: () => replicaRange(entry).minReplicas }),
          maxReplicaCount: Lazy.numberValue({ produce: () => replicaRange(entry).maxReplicas }),
          pollingInterval: Lazy.numberValue({ produce: () => settings().pollingSeconds ?? AUTOSCALE_DEFAULTS.pollingSeconds }),
          cooldownPeriod: Lazy.numberValue({ produce: () => settings().cooldownSeconds ?? AUTOSCALE_DEFAULTS.cooldownSeconds }),
          advanced: Lazy.anyValue({ produce: () => (settings().behavior ? { horizontalPodAutoscalerConfig: { behavior: settings().behavior } } : undefined) }),
          triggers: Lazy.anyValue({ produce: triggers }),
        },
      },
    });
  }

  private get installed(): Installed {
    if (!this.state) throw notInstalled("Keda");
    return this.state;
  }
}

/** The replica range of a ScaledObject: down to zero only when every trigger can wake the service. */
function replicaRange(entry: Pick<Scaled, "settings" | "triggers">): { minReplicas: number; maxReplicas: number } {
  const settings = entry.settings ?? {};
  return { minReplicas: settings.minReplicas ?? (entry.triggers.every((t) => t.canScaleToZero) ? 0 : 1), maxReplicas: settings.maxReplicas ?? AUTOSCALE_DEFAULTS.maxReplicas };
}

/** A TriggerAuthentication reading `refs` from Secrets, made once per id in `scope`. */
function triggerAuthentication(scope: Construct, id: string, name: string, namespace: string, labels: Record<string, string>, refs: { parameter: string; name: string; key: string }[]): void {
  if (scope.node.tryFindChild(id)) return;
  new CustomResource(scope, id, {
    manifest: { apiVersion: "keda.sh/v1alpha1", kind: "TriggerAuthentication", metadata: { name, namespace, labels }, spec: { secretTargetRef: refs } },
  });
}

function kafkaAuthNameOf(credentialsSecret: string): string {
  return `${credentialsSecret}-keda-kafka`;
}

function routeNameOf(service: IServiceBinding): string {
  return `${service.serviceName}-http`;
}

function checkSettings(site: string, service: IServiceBinding, s: Omit<AutoscaleOptions, "triggers">): void {
  const whole = (key: keyof typeof s, min: number, max: number) => {
    const value = s[key];
    if (value === undefined) return;
    check(typeof value === "number" && Number.isInteger(value) && value >= min && value <= max, site, `${key} must be a whole number from ${min} to ${max}`, value, `Use e.g. ${Math.max(min, 1)}.`);
  };
  whole("minReplicas", 0, 1000);
  whole("maxReplicas", 1, 1000);
  whole("cooldownSeconds", 0, 86_400);
  whole("pollingSeconds", 1, 3600);
  const min = s.minReplicas ?? 0;
  const max = s.maxReplicas ?? AUTOSCALE_DEFAULTS.maxReplicas;
  check(min <= max, site, `minReplicas (${min}) must not exceed maxReplicas (${max}) for service ${service.serviceName}`, s, "Raise maxReplicas or lower minReplicas.");
  if (s.behavior !== undefined) {
    const b = s.behavior as ScalingBehavior;
    check(!!b && typeof b === "object" && !Array.isArray(b), site, "behavior must be { scaleUp?, scaleDown? }", b, "Use e.g. { scaleDown: { stabilizationWindowSeconds: 300 } }.");
    checkKnownOptions(site, b, ["scaleUp", "scaleDown"]);
  }
}

function kedaValues(platform: IPlatform): HelmValues {
  const ha = platform.placement.spreadsZones;
  const resources = toChartResources(KEDA_RESOURCES[platform.profile.size]);
  const spread = (app: string) => platform.placement.spread({ app }, WorkloadRole.STATELESS);
  const pod = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
  return {
    imagePullSecrets: platform.mirror.pullSecretRefs() ?? [],
    priorityClassName: platform.priorityClassName,
    // The operator elects a leader (always on in the chart); a second replica takes over at once.
    operator: { replicaCount: ha ? 2 : 1 },
    // Only one metrics server serves the external metrics API; a replacement is scheduled if it goes.
    metricsServer: { replicaCount: 1 },
    webhooks: { replicaCount: ha ? 2 : 1 },
    ...(ha ? { podDisruptionBudget: { operator: { maxUnavailable: 1 }, webhooks: { maxUnavailable: 1 } } } : {}),
    topologySpreadConstraints: { operator: spread("keda-operator"), metricsServer: spread("keda-operator-metrics-apiserver"), webhooks: spread("keda-admission-webhooks") },
    resources: { operator: resources, metricServer: resources, webhooks: resources },
    podSecurityContext: { operator: pod, metricServer: pod, webhooks: pod },
    securityContext: { operator: restrictedContainerSecurity(), metricServer: restrictedContainerSecurity(), webhooks: restrictedContainerSecurity() },
  };
}

function httpAddOnValues(platform: IPlatform): HelmValues {
  const ha = platform.placement.spreadsZones;
  const resources = toChartResources(KEDA_RESOURCES[platform.profile.size]);
  const spread = (component: string) => platform.placement.spread({ "app.kubernetes.io/component": component, "app.kubernetes.io/name": "http-add-on" }, WorkloadRole.STATELESS);
  const pullSecrets = platform.mirror.pullSecretRefs() ?? [];
  const image = (name: string) => platform.mirror.image(`ghcr.io/kedacore/${name}`);
  const pod = { runAsNonRoot: true, runAsUser: HTTP_ADDON_UID, runAsGroup: HTTP_ADDON_UID, fsGroup: HTTP_ADDON_UID, seccompProfile: { type: "RuntimeDefault" } };
  const part = (component: string) => ({ resources, topologySpreadConstraints: spread(component), imagePullSecrets: pullSecrets, priorityClassName: platform.priorityClassName });
  return {
    images: { tag: CHARTS.kedaHttpAddOn.appVersion, operator: image("http-add-on-operator"), interceptor: image("http-add-on-interceptor"), scaler: image("http-add-on-scaler") },
    operator: { replicas: 1, ...part("operator") },
    scaler: { replicas: ha ? 3 : 1, ...part("scaler") },
    interceptor: { replicas: { min: ha ? 3 : 1, max: HTTP_INTERCEPTOR_MAX_REPLICAS[platform.profile.size] }, ...part("interceptor") },
    // The chart's defaults set neither runAsNonRoot nor seccomp: each part gets the restricted contexts.
    podSecurityContext: { operator: pod, scaler: pod, interceptor: pod },
    securityContext: { operator: restrictedContainerSecurity(), scaler: restrictedContainerSecurity(), interceptor: restrictedContainerSecurity() },
  };
}
