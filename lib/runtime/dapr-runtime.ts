import { createHash } from "node:crypto";
import { Construct } from "constructs";
import { isAutoscalingProvider, isServiceRegistry } from "../core/bindings";
import type { IAutoscalingProvider, IMessagingProvider, IServiceBinding, IServiceRegistry, ITeam, SubscribeOptions } from "../core/bindings";
import { IComponentContext, IPlatformComponent, notInstalled } from "../core/component";
import { IPlatform, Layer } from "../core/context";
import { DAPR_CONTROL_PLANE_RESOURCES, DAPR_SIDECAR_RESOURCES, DAPR_STORAGE, Resources } from "../core/defaults";
import { check, checkKnownOptions, PlatformConfigError } from "../core/errors";
import { ZoneGroup } from "../core/zones";
import { ChartPodPart, HelmChart, HelmValues, toChartResources } from "../core/helm-chart";
import { suggestDnsLabel } from "../core/names";
import { parseQuantity } from "../core/quantity";
import { admitComponent, PLATFORM_LABEL, SecureNamespace } from "../core/secure-namespace";
import { CHARTS, IMAGES } from "../core/versions";
import { BrokerBase, IBroker, ServiceCredentials } from "../broker/broker-base";
import { PulsarAction, PulsarNamespace, PulsarTopic } from "../broker/tenancy";
import { Tracing } from "../observability/tracing";
import { DaprComponent, DaprMetadataItem } from "./dapr-component";
import { DaprConfiguration } from "./dapr-configuration";
import { DaprResiliency } from "./dapr-resiliency";
import { DaprSubscription } from "./dapr-subscription";
import { checkOptionsSchema } from "../core/validate";
import { emitResource } from "../core/provider-resource";
import { Lazy } from "../core/lazy";

/** Sidecar log levels. */
export type DaprLogLevel = "debug" | "info" | "warn" | "error";

/** Options of `DaprRuntime`. */
export interface DaprRuntimeOptions {
  /**
   * Run the scheduler (Jobs API, actor reminders, workflows at scale). The chart (1.18.3) always
   * runs it as 3 members, HA or not, so it is on where there are zones to spread them over.
   * @default - true in a multi-zone profile, false otherwise
   */
  readonly scheduler?: boolean;
  /** Put every service of the platform on the runtime. @default false (services opt in with `enable`) */
  readonly enableAllServices?: boolean;
  /** Sidecar log level. @default "info" */
  readonly logLevel?: DaprLogLevel;
  /** Sidecars send spans to the platform's Tracing component; `true` makes its absence an error. @default - when the platform has Tracing */
  readonly tracing?: boolean;
  /** Values merged over the chart's. @default {} */
  readonly values?: HelmValues;
}

/** Options of a service on the runtime. */
export interface DaprServiceOptions {
  /** Protocol the sidecar speaks to the app. @default "http" */
  readonly appProtocol?: "http" | "grpc" | "h2c" | "https" | "grpcs";
  /** Sidecar resources. @default - DAPR_SIDECAR_RESOURCES for the profile's size */
  readonly sidecarResources?: Resources;
  /** Sidecar log level. @default - the runtime's */
  readonly logLevel?: DaprLogLevel;
}

/** A component of a team's own (a state store, a binding) that the platform scopes to the services that use it. */
export interface DaprTeamComponentOptions {
  /** Component name (what the apps use, e.g. the state store name). */
  readonly name: string;
  /** Component type, e.g. "state.redis", "state.postgresql". */
  readonly type: string;
  /** Component version. @default "v1" */
  readonly version?: string;
  /** Metadata: addresses as values, credentials only as `secretKeyRef`s to Secrets of the team's namespace. @default [] */
  readonly metadata?: DaprMetadataItem[];
  /** The services (of that team) that use it: they are enabled, and the component is scoped to them. */
  readonly users: IServiceBinding[];
}

/** Options of `subscribe`. */
export interface DaprSubscribeOptions {
  /** Path of the app that receives the messages, e.g. "/orders". */
  readonly route: string;
  /** Topic of the same namespace that receives messages the app keeps failing on. @default - none */
  readonly deadLetter?: PulsarTopic;
  /** Scale the service on this subscription's backlog, down to zero (needs the platform's autoscaler, e.g. Keda). @default false */
  readonly scaleToZero?: boolean;
}

/** A publication or subscription through the runtime, recorded when it is made (for reports such as the diagram). */
export interface DaprTopicLink {
  /** Whether the service publishes to the topic or subscribes to it. */
  readonly kind: "publish" | "subscribe";
  readonly service: IServiceBinding;
  readonly topic: PulsarTopic;
  /** The pub/sub component it goes through. */
  readonly pubsub: string;
  /** Subscriptions: the app's route. @default - none */
  readonly route?: string;
  /** Subscriptions: where failing messages go. @default - none */
  readonly deadLetter?: PulsarTopic;
  /** Subscriptions: the Subscription's name. @default - none */
  readonly subscription?: string;
}

/** Ports of the control plane that sidecars call: sentry, operator API, placement, scheduler. */
const CONTROL_PLANE_PORTS = { sentry: 50001, operator: 6500, placement: 50005, scheduler: 50006 } as const;
/** Port of the control plane's and sidecars' Prometheus metrics. */
const DAPR_METRICS_PORT = 9090;
/** Ports the API server calls: the sidecar injector and the operator's conversion webhook. */
const WEBHOOK_PORTS = { injector: 4000, operatorWebhook: 19443 } as const;
/** The team's Configuration, Resiliency and the identity its sidecars use on the broker. */
const CONFIG_NAME = "dapr-config";
const RESILIENCY_NAME = "dapr-resiliency";
const SIDECAR_PRINCIPAL = "dapr.sidecars";
const SIDECAR_CREDENTIALS_DIR = "/var/run/secrets/dapr-pulsar";
/** Names the runtime gives its own components. */
const RESERVED_COMPONENT_NAMES = ["pulsar", CONFIG_NAME, RESILIENCY_NAME];

/**
 * A DNS-label name from `base`; when cleaning changed it, or `taken` says it is used, a short
 * hash of `identity` keeps different things apart.
 */
function uniqueName(base: string, identity: string, taken: (name: string) => boolean): string {
  if (suggestDnsLabel(base) === base && !taken(base)) return base;
  const hash = createHash("sha256").update(identity).digest("hex").slice(0, 6);
  return `${suggestDnsLabel(base, 56)}-${hash}`;
}

/** What the runtime keeps per team. */
interface TeamState {
  readonly scope: Construct;
  readonly apps: Set<string>;
  readonly pubsubUsers: Map<string, Set<string>>;
  credentials?: ServiceCredentials;
}

interface Installed {
  readonly context: IComponentContext;
  readonly namespace: string;
  readonly chart: HelmChart;
  readonly tracing?: Tracing;
  readonly broker?: IBroker;
  readonly registry?: IServiceRegistry;
}

/**
 * Dapr: the sidecar runtime. The control plane comes from the official chart, HA in multi-zone
 * profiles (operator, sentry and injector replicated; placement and scheduler as 3-member
 * quorums spread over zones), mTLS on, RuntimeDefault seccomp, resources for every container,
 * sidecars that drop all capabilities. Each team that uses it gets a Configuration (tracing to
 * the platform's collector, metrics, access control within the team), a default Resiliency, and
 * a `pubsub.pulsar` component per Pulsar namespace it publishes or subscribes to, scoped to the
 * apps that use it, with the team's sidecar token by Secret reference.
 *
 * A platform component (key "dapr", installed after "tracing" and "broker" when present):
 * namespace and policies in the base layer, the release and its CRDs in the system layer,
 * custom resources in the apps layer. Helm never upgrades CRDs of a chart's `crds/` folder: before
 * upgrading the chart, replace them from the new tag (`kubectl replace -f` on each file of
 * charts/dapr/crds at that tag), as Dapr's upgrade guide says.
 */
export class DaprRuntime implements IPlatformComponent, IMessagingProvider {
  public readonly key = "dapr";
  public readonly after = ["tracing", "broker", "registry"];
  private readonly options: DaprRuntimeOptions;
  private readonly teams = new Map<ITeam, TeamState>();
  /**
   * Enabled services: the options they were enabled with (a second call asking for others is
   * refused) and their sidecar's environment (rendered at synth time into `dapr.io/env`).
   */
  private readonly enabled = new Map<IServiceBinding, { readonly options: string; readonly sidecarEnv: Map<string, string>; readonly mounts: Map<string, string> }>();
  /** Subscriptions by (namespace, service, topic), and the names they got. */
  private readonly subscriptions = new Map<string, string>();
  /** Pub/sub component names by Pulsar namespace, and the names taken. */
  private readonly pubsubByNamespace = new Map<string, string>();
  private readonly pubsubNames = new Set<string>();
  /** Names of components teams added themselves. */
  private readonly userComponents = new Set<string>();
  /** Publications and subscriptions, in the order they were made. */
  private readonly links: DaprTopicLink[] = [];
  private state?: Installed;

  constructor(options: DaprRuntimeOptions = {}) {
    // Checked when installed, so errors name the platform's path.
    this.options = options;
  }

  /** The control plane's namespace. */
  public get namespace(): string {
    return this.installed.namespace;
  }

  /** The services on the runtime, in the order they were enabled (read-only). */
  public get enabledServices(): readonly IServiceBinding[] {
    return [...this.enabled.keys()];
  }

  /** Publications and subscriptions made so far, in order (read-only). */
  public get topicLinks(): readonly DaprTopicLink[] {
    return [...this.links];
  }

  /** The Tracing component the sidecars send spans to, if they do. */
  public get sidecarTracing(): Tracing | undefined {
    return this.installed.tracing;
  }

  public install(context: IComponentContext): void {
    const { platform, site } = context;
    const o = this.options;
    checkOptionsSchema(site, "DaprRuntimeOptions", o);
    const ha = platform.placement.spreadsZones;
    const scheduler = o.scheduler ?? ha;
    check(typeof scheduler === "boolean", site, "scheduler must be true or false", scheduler, "Use true to run the scheduler (3 members), false for none.");
    const userHa = (o.values as { global?: { ha?: { enabled?: unknown } } } | undefined)?.global?.ha?.enabled;
    if (ha && userHa === false) {
      throw new PlatformConfigError(site, "HA cannot be turned off in a multi-zone profile: placement would run as a single member and lose its quorum with one zone", "global.ha.enabled: false", "Remove global.ha.enabled from the runtime's values.");
    }

    const namespace = `${platform.platformName}-dapr`;
    const base = context.scope(Layer.BASE);
    // The platform's namespaces reach the control plane's ports only (SidecarIngress below).
    const ns = new SecureNamespace(base, "Namespace", { name: namespace, platformName: platform.platformName, system: true });
    const labels = platform.labels("dapr", "dapr-control-plane");
    // Sidecars of the platform's namespaces reach sentry, the operator API, placement and the scheduler, nothing else.
    emitResource(base, "SidecarIngress", "kubernetes_network_policy_v1", {
      metadata: { name: "dapr-sidecars", namespace: ns.name, labels },
      spec: {
        podSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["dapr-sentry", "dapr-operator", "dapr-placement-server", "dapr-scheduler-server"] }] },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { [PLATFORM_LABEL]: platform.platformName } } }],
            ports: Object.values(CONTROL_PLANE_PORTS).map((port) => ({ port: String(port), protocol: "TCP" })),
          },
        ],
      },
    });
    // The API server calls the injector and the operator's webhook from outside any namespace (often the host network).
    emitResource(base, "WebhookIngress", "kubernetes_network_policy_v1", {
      metadata: { name: "dapr-webhooks", namespace: ns.name, labels },
      spec: {
        podSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["dapr-sidecar-injector", "dapr-operator"] }] },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: Object.values(WEBHOOK_PORTS).map((port) => ({ port: String(port), protocol: "TCP" })) }],
      },
    });

    const chart = new HelmChart(context.scope(Layer.SYSTEM), "Chart", {
      pin: CHARTS.dapr,
      releaseName: "dapr",
      namespace,
      mirror: platform.mirror,
      defaults: controlPlaneValues(platform, ha, scheduler),
      imageRegistryValues: () => ({ global: { registry: platform.mirror.image(IMAGES.dapr.repository) } }),
      values: o.values,
      podParts: DAPR_POD_PARTS,
    });

    const tracing = context.tryGet(Tracing);
    if (tracing?.scrapesMetrics) {
      // The collector scrapes the control plane's annotated metrics port.
      admitComponent(base, "CollectorScrape", { name: "tracing-collector-scrape", namespace: ns.name, fromNamespace: tracing.namespace, fromPods: tracing.collectorPods, ports: [DAPR_METRICS_PORT], labels });
    }
    if (o.tracing === true && !tracing) {
      throw new PlatformConfigError(site, "the runtime is asked to trace (tracing: true), but the platform has no Tracing component", "tracing: true", "Add new Tracing() to the platform's components (it is installed first), or drop tracing: true.");
    }
    const registry = platform.components.find((c) => c.key === "registry");
    this.state = {
      context,
      namespace,
      chart,
      tracing: o.tracing === false ? undefined : tracing,
      broker: context.tryGet(BrokerBase),
      registry: isServiceRegistry(registry) ? registry : undefined,
    };
  }

  public configureTeam(team: ITeam): void {
    this.teamState(team);
  }

  public configureService(service: IServiceBinding): void {
    if (this.options.enableAllServices) this.enable(service);
  }

  /** Puts a service on the runtime: its sidecar, app id = service name, the team's Configuration. */
  public enable(service: IServiceBinding, options: DaprServiceOptions = {}): void {
    const { site, platform } = this.installed.context;
    if (service?.platform !== platform) {
      throw new PlatformConfigError(site, "the runtime only takes services of its own platform", (service as IServiceBinding)?.node?.path ?? service, "Enable each platform's services on its own DaprRuntime.");
    }
    checkOptionsSchema(site, "DaprServiceOptions", options);
    const asked = JSON.stringify(options);
    const applied = this.enabled.get(service)?.options;
    if (applied !== undefined) {
      if (asked !== "{}" && asked !== applied) {
        throw new PlatformConfigError(site, `service ${service.serviceName} is already on the runtime with other options`, options, `Enable it once, with all its options (it has ${applied}), before publish, subscribe or addComponent.`);
      }
      return;
    }
    const protocol = options.appProtocol ?? "http";
    const logLevel = options.logLevel ?? this.options.logLevel ?? "info";
    const resources = options.sidecarResources ?? DAPR_SIDECAR_RESOURCES[platform.profile.size];
    const limit = parseQuantity(resources.memoryLimit);
    const request = parseQuantity(resources.memory);
    check(limit !== undefined && request !== undefined && request <= limit && parseQuantity(resources.cpu) !== undefined, site, "sidecarResources must be quantities with memory <= memoryLimit", resources, 'Use e.g. { cpu: "100m", memory: "128Mi", memoryLimit: "256Mi" }.');
    // The Go runtime collects before the container limit is hit.
    const sidecarEnv = new Map([["GOMEMLIMIT", `${Math.floor((limit! * 0.9) / 2 ** 20)}MiB`]]);
    const mounts = new Map<string, string>();
    this.enabled.set(service, { options: asked, sidecarEnv, mounts });
    this.teamState(service.team).apps.add(service.serviceName);
    service.addPodAnnotations({
      "dapr.io/enabled": "true",
      "dapr.io/app-id": service.serviceName,
      "dapr.io/app-port": String(service.port),
      "dapr.io/app-protocol": protocol,
      "dapr.io/config": CONFIG_NAME,
      "dapr.io/log-level": logLevel,
      "dapr.io/enable-metrics": "true",
      "dapr.io/sidecar-cpu-request": resources.cpu,
      "dapr.io/sidecar-memory-request": resources.memory,
      "dapr.io/sidecar-memory-limit": resources.memoryLimit,
      "dapr.io/sidecar-seccomp-profile-type": "RuntimeDefault",
      "dapr.io/env": Lazy.stringValue({ produce: () => [...sidecarEnv].map(([k, v]) => `${k}=${v}`).join(",") }),
    });
    // Name resolution through the platform's registry: its credentials reach daprd alone, by reference.
    const resolution = this.installed.registry?.sidecarNameResolution?.(service.team);
    if (resolution) {
      const fromSecrets = Object.entries(resolution.secretEnv ?? {});
      if (fromSecrets.length > 0) {
        service.addPodAnnotations({ "dapr.io/env-from-secret": fromSecrets.map(([name, ref]) => `${name}=${ref.secretName}:${ref.key}`).join(",") });
      }
      if (resolution.mount) this.mountIntoSidecar(service, service.addSecretVolume(resolution.mount.secretName, resolution.mount.keys), resolution.mount.path);
      // daprd listens on loopback by default; the registry's health check comes from its servers. The team's
      // default deny still admits only its own pods and the registry's servers.
      if (resolution.healthCheckedFromOutside) service.addPodAnnotations({ "dapr.io/sidecar-listen-addresses": "0.0.0.0" });
    }
  }

  /**
   * Adds a component of the team's own, by reference to a store it runs (a state store, a
   * binding): scoped to `users`, which are put on the runtime; a credential in its metadata must
   * be a Secret reference.
   */
  public addComponent(team: ITeam, options: DaprTeamComponentOptions): DaprComponent {
    const { site } = this.installed.context;
    check(!!options && typeof options === "object", site, "a component needs { name, type, metadata, users }", options, 'Pass e.g. { name: "orders-state", type: "state.redis", metadata: [...], users: [orders] }.');
    checkKnownOptions(site, options, ["name", "type", "version", "metadata", "users"]);
    check(!!team && typeof team === "object" && typeof team.namespaceName === "string" && team.platform === this.installed.context.platform, site, "addComponent takes a team of this platform", (team as ITeam)?.node?.path ?? team, "Pass a Team that platform.addTeam() returned (or platform.defaultTeam).");
    check(options.metadata === undefined || Array.isArray(options.metadata), site, `metadata of component "${options.name}" must be a list`, options.metadata, 'Use e.g. [{ name: "redisHost", value: "redis:6379" }].');
    check(typeof options.name !== "string" || (!RESERVED_COMPONENT_NAMES.includes(options.name) && !this.pubsubNames.has(options.name)), site, `component name "${options.name}" is the platform's pub/sub component`, options.name, "Choose another name.");
    check(Array.isArray(options.users) && options.users.length > 0, site, `component "${options.name}" needs the services that use it`, options.users, "Pass users: [service, ...]: a component is always scoped to its apps.");
    for (const user of options.users) {
      check(user?.team === team, site, `service ${user?.serviceName ?? user} of component "${options.name}" is not in team ${team.teamName}`, user?.node?.path ?? user, "A component lives in one team's namespace: pass that team's services.");
      this.enable(user);
    }
    const state = this.teamState(team);
    check(!state.scope.node.tryFindChild(`Component-${options.name}`), site, `team ${team.teamName} already has a component "${options.name}"`, options.name, "Give each component of a team its own name.");
    this.userComponents.add(options.name);
    return new DaprComponent(state.scope, `Component-${options.name}`, {
      name: options.name,
      namespace: team.namespace,
      type: options.type,
      version: options.version,
      metadata: options.metadata,
      scopes: options.users.map((u) => u.serviceName),
      labels: team.platform.labels("dapr", String(options.name)),
    });
  }

  /** The pub/sub component name for a Pulsar namespace: "pulsar" for public/default, else "pulsar-<tenant>-<namespace>". */
  public pubsubNameOf(namespace: PulsarNamespace): string {
    const existing = this.pubsubByNamespace.get(namespace.fullName);
    if (existing) return existing;
    const base = namespace.fullName === "public/default" ? "pulsar" : `pulsar-${namespace.tenant.name}-${namespace.name}`;
    // "a-b/c" and "a/b-c", or names that had to be cleaned, would meet: those get a hash of the namespace.
    const name = uniqueName(base, namespace.fullName, (n) => this.pubsubNames.has(n) || this.userComponents.has(n) || n === CONFIG_NAME || n === RESILIENCY_NAME);
    this.pubsubByNamespace.set(namespace.fullName, name);
    this.pubsubNames.add(name);
    return name;
  }

  /**
   * Lets a service publish to a topic through its sidecar: the service is enabled, its team's
   * sidecars get the produce permission, and the pub/sub component of the topic's namespace
   * admits its app id. It publishes to `POST /v1.0/publish/<pubsubNameOf(ns)>/<topic.name>`.
   */
  public publish(service: IServiceBinding, topic: PulsarTopic): void {
    const pubsub = this.usePubsub(service, topic, [PulsarAction.PRODUCE]);
    this.links.push({ kind: "publish", service, topic, pubsub });
  }

  /**
   * Subscribes a service to a topic through its sidecar: a Subscription (v2alpha1) delivering to
   * `route`, the consume permission (and produce on the dead-letter topic) for its team's
   * sidecars, and the pub/sub component scoped to its app id. The Pulsar subscription is named
   * after the app id.
   */
  public subscribe(service: IServiceBinding, topic: PulsarTopic, options: DaprSubscribeOptions): DaprSubscription {
    const { site } = this.installed.context;
    checkOptionsSchema(site, "DaprSubscribeOptions", options);
    check(options.scaleToZero === undefined || typeof options.scaleToZero === "boolean", site, "scaleToZero must be true or false", options.scaleToZero, "Use scaleToZero: true to scale on the backlog.");
    const autoscaler = options.scaleToZero ? (service.platform.components.find((c) => isAutoscalingProvider(c)) as IAutoscalingProvider | undefined) : undefined;
    if (options.scaleToZero && !autoscaler) {
      throw new PlatformConfigError(site, `service ${service.serviceName} subscribes with scaleToZero, but the platform has no autoscaler`, "scaleToZero: true", "Add new Keda() to the platform's components, or drop scaleToZero.");
    }
    if (options.deadLetter !== undefined) {
      check(options.deadLetter instanceof PulsarTopic && options.deadLetter.namespace === topic.namespace, site, "deadLetter must be a topic of the same Pulsar namespace", options.deadLetter?.fullName ?? options.deadLetter, `Declare it with ${topic.namespace.fullName}: namespace.addTopic("${topic.name}-dlq").`);
      check(options.deadLetter !== topic, site, "the dead-letter topic must not be the subscribed topic: failing messages would come back forever", topic.fullName, `Declare another, e.g. namespace.addTopic("${topic.name}-dlq").`);
    }
    const pubsub = this.usePubsub(service, topic, [PulsarAction.CONSUME]);
    if (options.deadLetter !== undefined) this.usePubsub(service, options.deadLetter, [PulsarAction.PRODUCE]);
    const team = this.teamState(service.team);
    const key = `${service.team.namespaceName}/${service.serviceName}/${topic.fullName}`;
    if (this.subscriptions.has(key)) {
      throw new PlatformConfigError(site, `service ${service.serviceName} subscribes to ${topic.fullName} twice`, topic.fullName, "Subscribe once per topic; use one route.");
    }
    const taken = new Set([...this.subscriptions].filter(([k]) => k.startsWith(`${service.team.namespaceName}/`)).map(([, n]) => n));
    const name = uniqueName(`${service.serviceName}-${topic.name}`, key, (n) => taken.has(n));
    this.subscriptions.set(key, name);
    // Dapr subscribes under the app id (pubsub.pulsar's consumerID defaults to it), with the team's sidecar token.
    autoscaler?.scaleOnBacklog(service, { topic, subscription: service.serviceName, credentialsSecret: team.credentials!.secretName });
    const subscription = new DaprSubscription(team.scope, `Subscription-${name}`, {
      name,
      namespace: service.team.namespace,
      pubsubName: pubsub,
      topic: topic.name,
      route: options.route,
      deadLetterTopic: options.deadLetter?.name,
      scopes: [service.serviceName],
      labels: service.platform.labels("dapr", name),
    });
    this.links.push({ kind: "subscribe", service, topic, pubsub, route: options.route, deadLetter: options.deadLetter, subscription: name });
    return subscription;
  }

  /** `service.subscribe(topic, options)` lands here. */
  public subscribeService(service: IServiceBinding, topic: object, options: SubscribeOptions): DaprSubscription {
    return this.subscribe(service, topic as PulsarTopic, options as DaprSubscribeOptions);
  }

  /** `service.publish(topic)` lands here. */
  public publishFromService(service: IServiceBinding, topic: object): void {
    this.publish(service, topic as PulsarTopic);
  }

  private usePubsub(service: IServiceBinding, topic: PulsarTopic, actions: PulsarAction[]): string {
    const { site } = this.installed.context;
    const broker = this.installed.broker;
    if (!broker) {
      throw new PlatformConfigError(site, "pub/sub through Dapr needs the platform's broker", "broker: false", "Keep the platform's broker, or add an ExternalBroker to its components.");
    }
    check(topic instanceof PulsarTopic, site, "pub/sub takes a topic declared on the broker", topic, 'Declare it with broker.addTenant(...).addNamespace(...).addTopic("name").');
    this.enable(service);
    const team = this.teamState(service.team);
    team.credentials ??= this.sidecarCredentials(broker, service.team);
    broker.grantTo(topic, team.credentials, actions);
    // The pub/sub component's token is resolved by the operator; with a private CA, daprd trusts it
    // through SSL_CERT_DIR pointing at the mounted credentials (ca.crt).
    if (broker.tls) {
      // Only the CA, and only in daprd: the team's token never reaches the app's container.
      this.mountIntoSidecar(service, service.addSecretVolume(team.credentials.secretName, ["ca.crt"]), SIDECAR_CREDENTIALS_DIR);
      this.enabled.get(service)!.sidecarEnv.set("SSL_CERT_DIR", SIDECAR_CREDENTIALS_DIR);
    }
    const pubsub = this.pubsubNameOf(topic.namespace);
    let users = team.pubsubUsers.get(pubsub);
    if (!users) {
      team.pubsubUsers.set(pubsub, (users = new Set()));
      const apps = users;
      new DaprComponent(team.scope, `PubSub-${pubsub}`, {
        name: pubsub,
        namespace: service.team.namespace,
        type: "pubsub.pulsar",
        metadata: [
          { name: "host", value: broker.pulsarUrl },
          // Verifies the broker's certificate (the URL scheme alone decides whether TLS is used).
          { name: "enableTLS", value: String(broker.tls) },
          { name: "tenant", value: topic.namespace.tenant.name },
          { name: "namespace", value: topic.namespace.name },
          { name: "persistent", value: "true" },
          { name: "token", secretKeyRef: { secretName: team.credentials.secretName, key: "token" } },
        ],
        scopes: () => [...apps],
        labels: service.platform.labels("dapr", pubsub),
      });
    }
    users.add(service.serviceName);
    return pubsub;
  }

  /** Mounts a pod volume into daprd (`dapr.io/volume-mounts` lists every mount of the service). */
  private mountIntoSidecar(service: IServiceBinding, volume: string, path: string): void {
    const mounts = this.enabled.get(service)!.mounts;
    if (mounts.get(volume) === path) return;
    if (mounts.size === 0) {
      service.addPodAnnotations({ "dapr.io/volume-mounts": Lazy.stringValue({ produce: () => [...mounts].map(([v, p]) => `${v}:${p}`).join(",") }) });
    }
    mounts.set(volume, path);
  }

  private sidecarCredentials(broker: IBroker, team: ITeam): ServiceCredentials {
    return broker.credentialsFor(team, SIDECAR_PRINCIPAL);
  }

  /** The team's objects: created with the first use, in the apps layer under this component. */
  private teamState(team: ITeam): TeamState {
    const existing = this.teams.get(team);
    if (existing) return existing;
    const { context, tracing, registry } = this.installed;
    const scope = new Construct(context.scope(Layer.APPS), team.teamName);
    const state: TeamState = { scope, apps: new Set(), pubsubUsers: new Map() };
    this.teams.set(team, state);
    const labels = team.platform.labels("dapr", CONFIG_NAME);
    new DaprConfiguration(scope, "Configuration", {
      name: CONFIG_NAME,
      namespace: team.namespace,
      tracing: tracing ? { samplingRate: tracing.samplingRate, otlpEndpoint: tracing.otlpGrpcHost } : undefined,
      // Service invocation: the team's own apps may call each other; other callers are denied.
      allowedCallers: () => [...state.apps],
      nameResolution: registry?.sidecarNameResolution?.(team),
      labels,
    });
    new DaprResiliency(scope, "Resiliency", {
      name: RESILIENCY_NAME,
      namespace: team.namespace,
      components: () => [...state.pubsubUsers.keys()],
      scopes: () => [...state.apps],
      labels: team.platform.labels("dapr", RESILIENCY_NAME),
    });
    return state;
  }

  /**
   * Read from the chart's values as merged: placement and the scheduler (3-member Raft and etcd
   * with HA, kept apart by the chart's one anti-affinity policy on the zone label), and the
   * operator, sentry and injector replicas.
   */
  public zoneGroups(): ZoneGroup[] {
    const { chart } = this.installed;
    const values = chart.values as {
      global?: { ha?: { enabled?: boolean; replicaCount?: number; podAntiAffinityPolicy?: string }; scheduler?: { enabled?: boolean } };
      dapr_placement?: { ha?: boolean; cluster?: { forceInMemoryLog?: boolean } };
      dapr_scheduler?: { cluster?: { inMemoryStorage?: boolean } };
    };
    const global = values.global ?? {};
    const ha = global.ha?.enabled === true;
    // The chart applies one policy to every part: required keeps one per zone; preferred only asks.
    const policy: ZoneGroup["spread"] = global.ha?.podAntiAffinityPolicy === "requiredDuringSchedulingIgnoredDuringExecution" ? "hard" : "preferred";
    const spread: ZoneGroup["spread"] = ha ? policy : "none";
    const replicas = ha ? (global.ha?.replicaCount ?? 3) : 1;
    // Placement runs 3 members with HA (global or its own), 1 otherwise, keeping its log on a volume unless told not to.
    const placementHa = ha || values.dapr_placement?.ha === true;
    const placement: ZoneGroup = {
      component: this.key,
      part: "placement",
      kind: "consensus",
      members: placementHa ? 3 : 1,
      spread: placementHa ? policy : "none",
      stateful: placementHa && values.dapr_placement?.cluster?.forceInMemoryLog !== true,
    };
    // The scheduler's template (1.18.3) always runs 3 etcd members with the anti-affinity policy,
    // HA or not; in-memory storage only drops their volumes.
    const scheduler: ZoneGroup = { component: this.key, part: "scheduler", kind: "consensus", members: 3, spread: policy, stateful: values.dapr_scheduler?.cluster?.inMemoryStorage !== true };
    return [
      placement,
      ...(global.scheduler?.enabled !== false ? [scheduler] : []),
      ...["operator", "sentry", "sidecar injector"].map((part) => ({ component: this.key, part, kind: "replicas" as const, members: replicas, spread, stateful: false })),
    ];
  }

  private get installed(): Installed {
    if (!this.state) throw notInstalled("DaprRuntime");
    return this.state;
  }
}

function controlPlaneValues(platform: IPlatform, ha: boolean, scheduler: boolean): HelmValues {
  const size = platform.profile.size;
  const resources = toChartResources(DAPR_CONTROL_PLANE_RESOURCES[size]);
  const storage = DAPR_STORAGE[size];
  return {
    global: {
      tag: IMAGES.dapr.tag,
      imagePullSecrets: platform.mirror.pullSecretRefs(),
      priorityClassName: platform.priorityClassName,
      seccompProfile: "RuntimeDefault",
      mtls: { enabled: true },
      scheduler: { enabled: scheduler },
      ha: {
        enabled: ha,
        // Operator, sentry and injector: 3 replicas; placement and scheduler are fixed at 3 by the chart.
        replicaCount: 3,
        topologyKey: platform.target.zoneLabel,
        // Preferred, not required: a rolling update of a 3-replica Deployment over 3 zones needs room for a fourth pod.
        podAntiAffinityPolicy: "preferredDuringSchedulingIgnoredDuringExecution",
        disruption: { maximumUnavailable: "1" },
      },
    },
    dapr_operator: { resources },
    dapr_sentry: { resources },
    dapr_sidecar_injector: { resources, sidecarDropALLCapabilities: true, sidecarRunAsNonRoot: true },
    dapr_placement: {
      resources,
      // HA keeps the Raft log on a zonal volume; a single member keeps it in memory.
      cluster: { forceInMemoryLog: !ha },
      volumeclaims: { storageClassName: platform.storageClassName, storageSize: storage.placement },
    },
    ...(scheduler
      ? { dapr_scheduler: { resources, cluster: { storageClassName: platform.storageClassName, storageSize: storage.scheduler, inMemoryStorage: !ha } } }
      : { dapr_scheduler: { resources } }),
  };
}

/**
 * What the chart's control-plane templates render as each container's securityContext at 1.18.3
 * (templates/dapr_*_{deployment,statefulset}.yaml): fixed fields, runAsNonRoot from the subchart
 * (`securityContext.runAsNonRoot` for the scheduler; true by default), `debug.enabled` trading the
 * read-only root and dropped capabilities for SYS_PTRACE, seccomp from `global.seccompProfile`.
 */
const DAPR_POD_PARTS: ChartPodPart[] = (
  [
    ["operator", "dapr_operator"],
    ["sentry", "dapr_sentry"],
    ["sidecar-injector", "dapr_sidecar_injector"],
    ["placement", "dapr_placement"],
    ["scheduler", "dapr_scheduler"],
  ] as const
).map(([name, key]) => ({
  name,
  render: (values: HelmValues) => {
    const sub = (values[key] ?? {}) as { runAsNonRoot?: boolean; securityContext?: { runAsNonRoot?: boolean }; debug?: { enabled?: boolean }; resources?: unknown };
    const seccomp = (values.global as { seccompProfile?: string } | undefined)?.seccompProfile;
    const debug = sub.debug?.enabled === true;
    return {
      securityContext: {
        runAsNonRoot: (key === "dapr_scheduler" ? sub.securityContext?.runAsNonRoot : sub.runAsNonRoot) ?? true,
        allowPrivilegeEscalation: false,
        ...(debug ? { capabilities: { add: ["SYS_PTRACE"] } } : { readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } }),
        ...(seccomp ? { seccompProfile: { type: seccomp } } : {}),
      },
      resources: sub.resources,
    };
  },
}));
