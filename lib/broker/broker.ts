import { TerraformStack, TerraformVariable } from "cdktf";
import { IComponentContext, notInstalled } from "../core/component";
import { IPlatform, Layer } from "../core/context";
import { BROKER_DEFAULTS, JvmResources, OFFLOAD_DELETION_LAG_MS, PULSAR_INIT_RESOURCES } from "../core/defaults";
import { check, checkKnownOptions, PlatformConfigError } from "../core/errors";
import { checkOptionsSchema } from "../core/validate";
import { HelmChart, HelmValues, toChartResources } from "../core/helm-chart";
import { TopologySpread, WorkloadRole } from "../core/placement";
import { spreadOf, ZoneGroup } from "../core/zones";
import { PLATFORM_LABEL, SecureNamespace } from "../core/secure-namespace";
import { CHARTS, IMAGES } from "../core/versions";
import { exposeThroughLoadBalancer } from "../core/exposure";
import { CertManager } from "../security/cert-manager";
import { BrokerSync, KAFKA_CREDENTIAL_KEYS } from "./broker-sync";
import { OFFLOAD_DATA_DIR, OFFLOAD_PROFILE_CONFIGMAP, OFFLOAD_SECRET, OffloadRendering, OffloadStore } from "./offload";
import { Protocol } from "./protocol";
import { BrokerBase, ServiceCredentials } from "./broker-base";
import type { IServiceBinding } from "../core/bindings";
import { PULSAR_RELEASE, PULSAR_SECRETS, PULSAR_SERVICE_ACCOUNTS, pulsarPodLabels } from "./pulsar-names";
import { rackScript } from "./rack-script";
import { emitResource, variableString } from "../core/provider-resource";

/** Environment variables a service connected to a broker with a Kafka listener gets. */
export const KAFKA_ENV = {
  bootstrapServers: "KAFKA_BOOTSTRAP_SERVERS",
  securityProtocol: "KAFKA_SECURITY_PROTOCOL",
  saslMechanism: "KAFKA_SASL_MECHANISM",
  /** The service's role (KoP takes any username; the token decides). */
  saslUsername: "KAFKA_SASL_USERNAME",
  /** "token:<jwt>", from the service's credentials Secret. */
  saslPassword: "KAFKA_SASL_PASSWORD",
} as const;

/** Environment variables a service connected to a broker with an MQTT listener gets (MoP's token method). */
export const MQTT_ENV = {
  url: "MQTT_URL",
  /** The service's role (MQTT requires a username; MoP's token method ignores it). */
  username: "MQTT_USERNAME",
  /** The service's Pulsar token, from its credentials Secret. */
  password: "MQTT_PASSWORD",
} as const;

/** The Kafka listener's security protocol (Protocol.kafka's listener). */
const KAFKA_SECURITY_PROTOCOL = "SASL_PLAINTEXT";

/** Options of the broker. */
export interface BrokerOptions {
  /** Protocols besides Pulsar's own. @default [] */
  readonly protocols?: Protocol[];
  /** Where cold ledgers go. @default - no tiered storage */
  readonly offload?: OffloadStore;
  /** Bytes a topic keeps in BookKeeper before offloading (broker default). @default - BROKER_DEFAULTS by size when `offload` is set */
  readonly offloadThresholdBytes?: number;
  /** Milliseconds an offloaded ledger stays in BookKeeper. @default 14400000 (4 h) */
  readonly offloadDeletionLagMs?: number;
  /** Brokers. @default - the profile's statelessReplicas */
  readonly brokers?: number;
  /** Proxies (the entry point from outside the cluster); 0 for none. @default - statelessReplicas, none on a single node */
  readonly proxies?: number;
  /** Bookies. @default - two per zone in a multi-zone profile, else 1 */
  readonly bookies?: number;
  /** Oxia servers (the metadata store); odd. @default - the profile's quorumSize */
  readonly metadataReplicas?: number;
  /** Bookies each ledger is striped over (E). @default 3 with zone spread, else 1 */
  readonly ensembleSize?: number;
  /** Copies of each entry (Qw). @default 3 with zone spread, else 1 */
  readonly writeQuorum?: number;
  /** Copies acknowledged before a write succeeds (Qa). @default 2 with zone spread, else 1 */
  readonly ackQuorum?: number;
  /** Pulsar version (tag of apachepulsar/pulsar-all). @default - the chart's appVersion */
  readonly pulsarVersion?: string;
  /**
   * A LoadBalancer Service for the protocol listeners (MQTT, AMQP, RocketMQ), so devices outside
   * the cluster connect; internal unless `internal: false`. Kafka is refused: its advertised
   * listeners name in-cluster addresses. @default - listeners stay inside the cluster
   */
  readonly exposeListeners?: { readonly internal?: boolean };
  /** Values merged last over everything the broker sets (escape hatch). @default {} */
  readonly values?: HelmValues;
}


/** Bookies, brokers, proxies, Oxia servers and quorums as configured. */
export interface BrokerTopology {
  readonly bookies: number;
  readonly brokers: number;
  readonly proxies: number;
  readonly metadataReplicas: number;
  readonly ensembleSize: number;
  readonly writeQuorum: number;
  readonly ackQuorum: number;
}

/** What the broker knows once it is installed on a platform. */
interface Installed {
  readonly namespace: string;
  readonly chart: HelmChart;
  readonly pulsarVersion: string;
  readonly tls: boolean;
  readonly pulsarUrl: string;
  readonly adminUrl: string;
  readonly protocols: ReadonlyMap<string, Protocol>;
  readonly topology: BrokerTopology;
  readonly sync: BrokerSync;
}

/**
 * A multi-protocol Apache Pulsar: Oxia as the metadata store (no ZooKeeper), zone-aware
 * BookKeeper, brokers and proxies spread across zones, JWT authentication and authorization,
 * TLS in profiles that require it, protocol handlers, tiered storage, and tenants, namespaces,
 * topics and grants declared in code.
 *
 * A platform component (key "broker"); `MicroservicePlatform`'s `broker:` prop is a shortcut for
 * it. Its parts sit in the platform's layers: namespace, policies, Services and volumes in the
 * base layer, the Pulsar release (after cert-manager, when TLS is on) in the system layer, and
 * the admin sync Job (bookie racks, tenants, namespaces, topics, permissions, service tokens) in
 * the apps layer.
 */
export class Broker extends BrokerBase {
  /** A cert-manager given in the platform's components is the one the broker's TLS uses. */
  public readonly after = ["cert-manager"];
  private readonly options: BrokerOptions;
  private state?: Installed;

  constructor(options: BrokerOptions = {}) {
    super();
    // Checked when installed, so errors name the platform's path.
    this.options = options;
  }

  /** Kubernetes namespace. */
  public get namespace(): string {
    return this.installed.namespace;
  }
  /** The Pulsar release. */
  public get chart(): HelmChart {
    return this.installed.chart;
  }
  /** Pulsar version the brokers run. */
  public get pulsarVersion(): string {
    return this.installed.pulsarVersion;
  }
  /** Whether clients must use TLS. */
  public get tls(): boolean {
    return this.installed.tls;
  }
  /** `pulsar://` (or `pulsar+ssl://`) URL of the brokers. */
  public get pulsarUrl(): string {
    return this.installed.pulsarUrl;
  }
  /** Admin REST URL of the brokers. */
  public get adminUrl(): string {
    return this.installed.adminUrl;
  }
  /** The protocols enabled, by name. */
  public get protocols(): ReadonlyMap<string, Protocol> {
    return this.installed.protocols;
  }
  /** Bookies, brokers, proxies, Oxia servers and quorums as configured. */
  public get topology(): BrokerTopology {
    return this.installed.topology;
  }

  /** Where cold ledgers go, if anywhere (read-only: for reports such as the diagram). */
  public get offload(): OffloadStore | undefined {
    return this.options.offload;
  }

  /** Kafka bootstrap servers (`host:9092`). */
  public get kafkaBootstrap(): string {
    return `${this.protocolHost("kafka")}:9092`;
  }
  /** MQTT endpoint. */
  public get mqttEndpoint(): string {
    return `mqtt://${this.protocolHost("mqtt")}:1883`;
  }
  /** AMQP endpoint. */
  public get amqpEndpoint(): string {
    return `amqp://${this.protocolHost("amqp")}:5672`;
  }
  /** RocketMQ name server endpoint (`host:9876`). */
  public get rocketmqEndpoint(): string {
    return `${this.protocolHost("rocketmq")}:9876`;
  }

  public get suppliesCa(): boolean {
    // The chart's CA is private: the sync Job copies it next to each service's token.
    return true;
  }

  /** With a Kafka listener, the sync Job writes each token as SASL/PLAIN credentials too. */
  public get kafkaCredentialKeys(): { readonly username: string; readonly password: string } | undefined {
    return this.protocols.has("kafka") ? KAFKA_CREDENTIAL_KEYS : undefined;
  }

  /**
   * A service connected to a broker that speaks MQTT gets the endpoint and its token as the MQTT
   * password. One that speaks Kafka gets what a Kafka client needs to pass the listener's
   * SASL/PLAIN: the platform's own variable names, and Spring Boot's (its JAAS line takes the
   * password through Kubernetes' `$(VAR)` expansion of the variable set just before).
   */
  protected wireProtocols(service: IServiceBinding, credentials: ServiceCredentials): void {
    if (this.protocols.has("mqtt")) {
      service.addEnv(MQTT_ENV.url, this.mqttEndpoint);
      service.addEnv(MQTT_ENV.username, credentials.role);
      service.addEnv(MQTT_ENV.password, { secretName: credentials.secretName, key: "token" });
    }
    if (!this.protocols.has("kafka")) return;
    const bootstrap = this.kafkaBootstrap;
    service.addEnv(KAFKA_ENV.bootstrapServers, bootstrap);
    service.addEnv(KAFKA_ENV.securityProtocol, KAFKA_SECURITY_PROTOCOL);
    service.addEnv(KAFKA_ENV.saslMechanism, "PLAIN");
    service.addEnv(KAFKA_ENV.saslUsername, credentials.role);
    service.addEnv(KAFKA_ENV.saslPassword, { secretName: credentials.secretName, key: KAFKA_CREDENTIAL_KEYS.password });
    service.addEnv("SPRING_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    service.addEnv("SPRING_KAFKA_SECURITY_PROTOCOL", KAFKA_SECURITY_PROTOCOL);
    service.addEnv("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", "PLAIN");
    service.addEnv(
      "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
      `org.apache.kafka.common.security.plain.PlainLoginModule required username="${credentials.role}" password="$(${KAFKA_ENV.saslPassword})";`,
    );
  }

  protected credentialsIssued(credentials: ServiceCredentials): void {
    this.installed.sync.allowWriting(credentials);
  }

  protected installBroker(context: IComponentContext): void {
    const { platform, site } = context;
    const props = this.options;
    checkOptionsSchema(site, "BrokerOptions", props, "broker");
    const profile = platform.profile;
    const target = platform.target;
    const zones = Math.max(1, target.zones.length);
    const spread = platform.placement.spreadsZones;
    const sizes = BROKER_DEFAULTS[profile.size];

    const pulsarVersion = props.pulsarVersion ?? IMAGES.pulsar.tag;
    check(typeof pulsarVersion === "string" && /^\d+\.\d+\.\d+$/.test(pulsarVersion), site, "pulsarVersion must be a release x.y.z", pulsarVersion, `Use e.g. "${IMAGES.pulsar.tag}".`);
    const tls = profile.requireTransportSecurity;
    const namespace = `${platform.platformName}-pulsar`;
    const host = `${PULSAR_RELEASE}-broker.${namespace}.svc.cluster.local`;
    const pulsarUrl = tls ? `pulsar+ssl://${host}:6651` : `pulsar://${host}:6650`;
    const adminUrl = tls ? `https://${host}:8443` : `http://${host}:8080`;

    // Topology and quorums: see docs/invariants.md (zone loss keeps every quorum and every acknowledged entry).
    const bookies = props.bookies ?? (spread ? 2 * zones : 1);
    const brokers = props.brokers ?? profile.statelessReplicas;
    const proxies = props.proxies ?? (target.singleNode ? 0 : profile.statelessReplicas);
    const metadataReplicas = props.metadataReplicas ?? profile.quorumSize;
    const ensembleSize = props.ensembleSize ?? (spread ? 3 : 1);
    const writeQuorum = props.writeQuorum ?? (spread ? 3 : 1);
    const ackQuorum = props.ackQuorum ?? (spread ? 2 : 1);
    const topology: BrokerTopology = { bookies, brokers, proxies, metadataReplicas, ensembleSize, writeQuorum, ackQuorum };
    checkTopology(site, topology, spread, zones);

    // Protocols: each needs its handler image, built for this Pulsar line.
    const protocols = props.protocols ?? [];
    check(Array.isArray(protocols), site, "protocols must be a list", protocols, "Use protocols: [Protocol.mqtt({...})].");
    const byName = new Map<string, Protocol>();
    for (const protocol of protocols) {
      check(protocol instanceof Protocol, site, "protocols must be Protocol values", protocol, "Use Protocol.kafka({...}), Protocol.mqtt({...}), Protocol.amqp({...}) or Protocol.rocketmq({...}).");
      protocol.check(site, pulsarVersion);
      check(!byName.has(protocol.name), site, `protocol ${protocol.title} is listed twice`, protocol.name, "List each protocol once.");
      byName.set(protocol.name, protocol);
    }

    check(props.offload === undefined || props.offload instanceof OffloadStore, site, "offload must come from an OffloadStore factory", props.offload, 'Use e.g. OffloadStore.s3("bucket", { credentials: ... }).');
    const offload = props.offload?.render(site, target, brokers);
    if (props.offloadThresholdBytes !== undefined) {
      check(!!props.offload, site, "offloadThresholdBytes needs an offload store", props.offloadThresholdBytes, "Pass offload: OffloadStore.s3(...) (or another store).");
      check(Number.isInteger(props.offloadThresholdBytes) && props.offloadThresholdBytes >= -1, site, "offloadThresholdBytes must be a whole number >= -1", props.offloadThresholdBytes, "Use a byte count, 0 to offload at once, -1 never.");
    }
    const deletionLag = props.offloadDeletionLagMs ?? OFFLOAD_DELETION_LAG_MS;
    check(Number.isInteger(deletionLag) && deletionLag >= 0, site, "offloadDeletionLagMs must be a whole number >= 0", deletionLag, "Use milliseconds, e.g. 14400000 (4 h).");

    // Base layer: namespace, client policy, protocol Service, offload volume.
    const base = context.scope(Layer.BASE);
    const ns = new SecureNamespace(base, "Namespace", {
      name: namespace,
      platformName: platform.platformName,
      system: true,
      // The chart sets no container securityContext (no allowPrivilegeEscalation/capabilities), so
      // "restricted" would reject its pods; warn/audit stay restricted.
      enforce: "baseline",
      // Only the broker's own pods reach every port (the plaintext 6650/8080 the chart keeps open,
      // BookKeeper, Oxia); other namespaces of the platform get the client ports below.
    });
    const clientPorts = [...(tls ? [6651, 8443] : [6650, 8080]), ...[...byName.values()].map((p) => p.port)];
    emitResource(base, "ClientIngress", "kubernetes_network_policy_v1", {
      metadata: { name: "pulsar-clients", namespace: ns.name, labels: platform.labels("broker", "pulsar-clients") },
      spec: {
        podSelector: { matchExpressions: [{ key: "component", operator: "In", values: ["broker", "proxy"] }] },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { [PLATFORM_LABEL]: platform.platformName } } }],
            ports: clientPorts.map((port) => ({ port: String(port), protocol: "TCP" })),
          },
        ],
      },
    });
    if (byName.size > 0) {
      // The chart cannot add Service (or container) ports; Kubernetes routes to any port the pod
      // listens on, so this Service of our own exposes each protocol's listener.
      emitResource(base, "Protocols", "kubernetes_service_v1", {
        metadata: { name: "pulsar-protocols", namespace: ns.name, labels: platform.labels("broker", "pulsar-protocols") },
        spec: {
          type: "ClusterIP",
          selector: pulsarPodLabels("broker"),
          port: [...byName.values()].map((p) => ({ name: p.name, port: p.port, targetPort: String(p.port), protocol: "TCP" })),
        },
      });
    }
    if (props.exposeListeners !== undefined) {
      const ex = props.exposeListeners;
      check(!!ex && typeof ex === "object" && !Array.isArray(ex), site, "exposeListeners must be { internal? }", ex, "Pass e.g. exposeListeners: { internal: true }.");
      checkKnownOptions(`${site}.exposeListeners`, ex, ["internal"]);
      check(ex.internal === undefined || typeof ex.internal === "boolean", site, "exposeListeners.internal must be true or false", ex.internal, "Leave it unset for an internal load balancer.");
      check(byName.size > 0, site, "exposeListeners needs a protocol listener", "no protocols", "Add protocols: [Protocol.mqtt({...})] (or AMQP, RocketMQ).");
      if (byName.has("kafka")) {
        throw new PlatformConfigError(site, "the Kafka listener cannot be exposed through a load balancer: Kafka clients are sent the advertised listeners, which name in-cluster addresses", "kafka", "Expose MQTT, AMQP or RocketMQ only; reach Kafka from inside the cluster (broker.kafkaBootstrap).");
      }
      exposeThroughLoadBalancer(base, "ListenersLoadBalancer", {
        platform,
        site,
        name: "pulsar-listeners-lb",
        namespace: ns.name,
        selector: pulsarPodLabels("broker"),
        ports: [...byName.values()].map((p) => ({ name: p.name, port: p.port, targetPort: p.port })),
        internal: ex.internal ?? true,
        labels: platform.labels("broker", "pulsar-listeners-lb"),
      });
    }
    // The chart has no PodDisruptionBudget template for Oxia; a drain must never take two of its servers.
    platform.placement.disruptionBudget(base, "MetadataDisruptionBudget", {
      name: "pulsar-oxia-server",
      namespace: ns.name,
      selector: pulsarPodLabels("oxia-server"),
      labels: platform.labels("broker", "pulsar-oxia-server"),
      replicas: metadataReplicas,
    });
    const claim = props.offload?.createdClaim;
    if (claim) {
      emitResource(base, "OffloadClaim", "kubernetes_persistent_volume_claim_v1", {
        metadata: { name: claim.name, namespace: ns.name, labels: platform.labels("broker", claim.name) },
        spec: { accessModes: ["ReadWriteOnce"], storageClassName: platform.storageClassName, resources: { requests: { storage: claim.size } } },
        // WaitForFirstConsumer: the claim binds when the broker is scheduled.
        waitUntilBound: false,
      });
    }
    if (offload?.secretFromVariables) {
      // Variables sit at the stack's top level so their names are exactly TF_VAR_offload_credential_*.
      const stack = TerraformStack.of(base);
      const variable = (name: string, description: string) =>
        variableString(new TerraformVariable(stack, name, { type: "string", sensitive: true, nullable: false, description }));
      emitResource(base, "OffloadSecret", "kubernetes_secret_v1", {
        metadata: { name: OFFLOAD_SECRET, namespace: ns.name, labels: platform.labels("broker", OFFLOAD_SECRET) },
        data: {
          id: variable("offload_credential_id", "Object store access key id (or account name) for tiered storage."),
          secret: variable("offload_credential_secret", "Object store secret key (or account key, or GCS JSON key) for tiered storage."),
        },
      });
    }
    if (spread) {
      // Autorecovery's rack resolver, and its right to read bookie pods and their nodes' zones.
      emitResource(base, "RackScript", "kubernetes_config_map_v1", {
        metadata: { name: RACK_SCRIPT_CONFIGMAP, namespace: ns.name, labels: platform.labels("broker", RACK_SCRIPT_CONFIGMAP) },
        data: { [RACK_SCRIPT_FILE]: rackScript({ namespace, bookieSelector: pulsarPodLabels("bookie"), zoneLabel: target.zoneLabel }) },
      });
      const subject = [{ kind: "ServiceAccount", name: PULSAR_SERVICE_ACCOUNTS.autorecovery, namespace }];
      const labels = platform.labels("broker", "pulsar-rack-reader");
      emitResource(base, "RackPodReader", "kubernetes_role_v1", { metadata: { name: "pulsar-rack-reader", namespace: ns.name, labels }, rule: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }] });
      emitResource(base, "RackPodReaderBinding", "kubernetes_role_binding_v1", {
        metadata: { name: "pulsar-rack-reader", namespace: ns.name, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pulsar-rack-reader" },
        subject,
      });
      const nodeReader = `${platform.platformName}-pulsar-rack-reader-nodes`;
      emitResource(base, "RackNodeReader", "kubernetes_cluster_role_v1", { metadata: { name: nodeReader, labels }, rule: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }] });
      emitResource(base, "RackNodeReaderBinding", "kubernetes_cluster_role_binding_v1", {
        metadata: { name: nodeReader, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: nodeReader },
        subject,
      });
    }
    if (offload?.volumes.some((v) => v.name === "offload-profile")) {
      emitResource(base, "OffloadProfile", "kubernetes_config_map_v1", {
        metadata: { name: OFFLOAD_PROFILE_CONFIGMAP, namespace: ns.name, labels: platform.labels("broker", OFFLOAD_PROFILE_CONFIGMAP) },
        data: { "core-site.xml": hadoopProfile(OFFLOAD_DATA_DIR) },
      });
    }

    checkChartAutoscaling(site, props.values, topology);

    // System layer: cert-manager (shared, for TLS) and the Pulsar release.
    const certManager = tls ? context.ensure(CertManager) : undefined;
    const chart = new HelmChart(context.scope(Layer.SYSTEM), "Chart", {
      pin: CHARTS.pulsar,
      releaseName: PULSAR_RELEASE,
      namespace,
      mirror: platform.mirror,
      timeoutSeconds: 1800,
      defaults: brokerValues({
        platform, namespace, tls, pulsarVersion, topology, spread, offload, deletionLag,
        protocols: [...byName.values()],
        offloadThreshold: props.offloadThresholdBytes ?? (props.offload ? sizes.offloadThresholdBytes : undefined),
      }),
      imageRegistryValues: () => ({
        images: {
          oxia: { repository: platform.mirror.image(IMAGES.oxia.repository) },
          kubectl: { repository: platform.mirror.image(IMAGES.pulsarKubectl.repository) },
        },
      }),
      values: props.values,
      dependsOn: certManager ? [certManager.chart.release] : undefined,
      // The chart takes a pod securityContext for brokers, bookies and Oxia servers only, and no container one (README, security notes).
      podParts: [
        { name: "broker", podSecurityContext: "broker.securityContext", resources: "broker.resources" },
        { name: "bookie", podSecurityContext: "bookkeeper.securityContext", resources: "bookkeeper.resources" },
        { name: "oxia-server", podSecurityContext: "oxia.server.securityContext" },
        ...(topology.proxies > 0 ? [{ name: "proxy", resources: "proxy.resources" }] : []),
        ...(topology.bookies > 1 ? [{ name: "recovery", resources: "autorecovery.resources" }] : []),
      ],
    });

    // Apps layer: the admin sync (bookie racks, tenants, namespaces, topics, permissions, tokens).
    const sync = new BrokerSync(context.scope(Layer.APPS), "Sync", {
      platform,
      namespace,
      adminUrl,
      // The chart names the cluster after the platform (its clusterName value).
      clusterName: platform.platformName,
      adminToken: PULSAR_SECRETS.adminToken,
      signingKey: PULSAR_SECRETS.signingKey,
      ca: tls ? PULSAR_SECRETS.ca : undefined,
      racks: spread ? { namespace, bookies, bookieSelector: pulsarPodLabels("bookie"), zoneLabel: target.zoneLabel } : undefined,
      spec: () => this.tenancySpec(),
      credentials: () => this.credentials,
      kafkaCredentials: byName.has("kafka"),
    });
    this.state = { namespace, chart, pulsarVersion, tls, pulsarUrl, adminUrl, protocols: byName, topology, sync };
  }

  /**
   * Read from the chart's values as merged (so values given over the platform's count): Oxia
   * (each shard on `replicationFactor` servers, a majority must stay), the bookies (BookKeeper's
   * quorums over racks = zones), brokers and proxies, and the Oxia coordinator.
   */
  public zoneGroups(): ZoneGroup[] {
    const { platform } = this.context;
    const zoneLabel = platform.target.zoneLabel;
    type Part = { replicaCount?: number; replicas?: number; topologySpreadConstraints?: TopologySpread[]; configData?: Record<string, string> };
    const v = this.chart.values as { components?: { proxy?: boolean }; oxia?: { replicationFactor?: number; server?: Part }; bookkeeper?: Part; broker?: Part; proxy?: Part };
    const spread = (part: Part | undefined) => spreadOf(part?.topologySpreadConstraints ?? [], zoneLabel);
    const config = v.broker?.configData ?? {};
    const whole = (key: string, fallback: number) => (Number.isInteger(Number(config[key])) && config[key] !== undefined ? Number(config[key]) : fallback);
    const racks = config.PULSAR_PREFIX_bookkeeperClientRackawarePolicyEnabled === "true" ? whole("PULSAR_PREFIX_bookkeeperClientMinNumRacksPerWriteQuorum", 2) : 0;
    const t = this.topology;
    const oxiaServers = v.oxia?.server?.replicas ?? t.metadataReplicas;
    return [
      // A shard lives on replicationFactor of the servers: with as many servers, every shard is on all of them.
      { component: this.key, part: "Oxia servers", kind: "consensus", members: Math.min(v.oxia?.replicationFactor ?? oxiaServers, oxiaServers), spread: spread(v.oxia?.server), stateful: true },
      {
        component: this.key,
        part: "bookies",
        kind: "bookkeeper",
        members: v.bookkeeper?.replicaCount ?? t.bookies,
        spread: spread(v.bookkeeper),
        stateful: true,
        bookkeeper: {
          ensembleSize: whole("managedLedgerDefaultEnsembleSize", t.ensembleSize),
          writeQuorum: whole("managedLedgerDefaultWriteQuorum", t.writeQuorum),
          ackQuorum: whole("managedLedgerDefaultAckQuorum", t.ackQuorum),
          minRacksPerWriteQuorum: racks,
          enforceMinRacks: config.PULSAR_PREFIX_bookkeeperClientEnforceMinNumRacksPerWriteQuorum === "true",
        },
      },
      { component: this.key, part: "brokers", kind: "replicas", members: v.broker?.replicaCount ?? t.brokers, spread: spread(v.broker), stateful: false },
      ...(v.components?.proxy !== false ? [{ component: this.key, part: "proxies", kind: "replicas" as const, members: v.proxy?.replicaCount ?? t.proxies, spread: spread(v.proxy), stateful: false }] : []),
      // The chart runs one coordinator, without a volume: the scheduler restarts it in another zone.
      { component: this.key, part: "Oxia coordinator", kind: "replicas", members: 1, spread: "none", stateful: false },
    ];
  }

  private get installed(): Installed {
    if (!this.state) throw notInstalled("Broker");
    return this.state;
  }

  private protocolHost(name: string): string {
    if (!this.protocols.has(name)) {
      throw new PlatformConfigError(this.site, `the broker does not speak ${name}`, [...this.protocols.keys()], `Add Protocol.${name}({ handlerImage: ... }) to the broker's protocols.`);
    }
    return `pulsar-protocols.${this.namespace}.svc.cluster.local`;
  }
}

/**
 * The chart's own HPA for brokers or proxies is the one autoscaler of those Deployments (the
 * platform's autoscaler only scales services). It may grow them, never below the topology's count:
 * the zone spread and the disruption budgets are planned for at least that many.
 */
function checkChartAutoscaling(site: string, values: unknown, t: BrokerTopology): void {
  if (!values || typeof values !== "object") return;
  for (const [part, replicas] of [["broker", t.brokers], ["proxy", t.proxies]] as const) {
    const hpa = ((values as Record<string, any>)[part] ?? {}).autoscaling;
    if (!hpa || typeof hpa !== "object" || hpa.enabled !== true) continue;
    const min = hpa.minReplicas;
    if (!(typeof min === "number" && Number.isInteger(min) && min >= replicas)) {
      throw new PlatformConfigError(
        site,
        `the chart's ${part} autoscaler must keep at least the topology's ${replicas} ${part === "broker" ? "brokers" : "proxies"} (minReplicas), which the zone spread and disruption budget are planned for`,
        min === undefined ? `${part}.autoscaling without minReplicas` : min,
        `Set values.${part}.autoscaling.minReplicas to ${replicas} or more, or lower ${part === "broker" ? "brokers" : "proxies"} in the broker options.`,
      );
    }
  }
}

/** Quorum arithmetic of the broker's parts; see docs/invariants.md. */
function checkTopology(site: string, t: BrokerTopology, spread: boolean, zones: number): void {
  const whole = (n: number, min: number) => Number.isInteger(n) && n >= min;
  for (const [key, value, min] of [["bookies", t.bookies, 1], ["brokers", t.brokers, 1], ["proxies", t.proxies, 0], ["metadataReplicas", t.metadataReplicas, 1], ["ensembleSize", t.ensembleSize, 1], ["writeQuorum", t.writeQuorum, 1], ["ackQuorum", t.ackQuorum, 1]] as const) {
    check(whole(value, min), site, `${key} must be a whole number >= ${min}`, value, `Use ${min} or more.`);
  }
  check(t.ensembleSize >= t.writeQuorum, site, `ensembleSize (E=${t.ensembleSize}) must be >= writeQuorum (Qw=${t.writeQuorum}): each entry is written to Qw of the E bookies`, t.ensembleSize, `Raise ensembleSize to ${t.writeQuorum} or lower writeQuorum.`);
  check(t.writeQuorum >= t.ackQuorum, site, `ackQuorum (Qa=${t.ackQuorum}) must be <= writeQuorum (Qw=${t.writeQuorum}): a write cannot be acknowledged by more bookies than it is sent to`, t.ackQuorum, `Lower ackQuorum to ${t.writeQuorum} or less (production: E=3, Qw=3, Qa=2).`);
  check(t.bookies >= t.ensembleSize, site, `${t.bookies} bookies cannot hold an ensemble of ${t.ensembleSize}`, t.bookies, `Run at least ${t.ensembleSize} bookies.`);
  check(t.metadataReplicas % 2 === 1, site, `metadataReplicas must be odd: Oxia keeps a majority, and ${t.metadataReplicas} servers survive no more failures than ${t.metadataReplicas - 1}`, t.metadataReplicas, `Use ${t.metadataReplicas + 1} or ${t.metadataReplicas - 1}.`);
  if (spread) {
    check(t.bookies >= 2 * zones, site, `a ${zones}-zone broker needs at least 2 bookies per zone (${2 * zones}), so that after losing a zone enough bookies remain for an ensemble`, t.bookies, `Use bookies: ${2 * zones} or more.`);
    check(t.metadataReplicas >= 3, site, "Oxia needs at least 3 servers, one per zone, to survive a zone loss", t.metadataReplicas, "Use metadataReplicas: 3 (or 5).");
    check(t.writeQuorum >= 3 && t.ackQuorum <= t.writeQuorum - 1, site, `with zone spread, a write quorum of at least 3 acknowledged by fewer than all (Qw=${t.writeQuorum}, Qa=${t.ackQuorum}) keeps writing through a zone loss`, { writeQuorum: t.writeQuorum, ackQuorum: t.ackQuorum }, "Use ensembleSize 3, writeQuorum 3, ackQuorum 2.");
    check(t.brokers >= 3, site, "brokers must be at least 3 across zones", t.brokers, "Use brokers: 3 or more.");
  }
}

/** What the Pulsar chart's values are rendered from. */
interface ValuesInput {
  readonly platform: IPlatform;
  readonly namespace: string;
  readonly tls: boolean;
  readonly pulsarVersion: string;
  readonly topology: BrokerTopology;
  readonly spread: boolean;
  readonly protocols: Protocol[];
  readonly offload?: OffloadRendering;
  readonly offloadThreshold?: number;
  readonly deletionLag: number;
}

/** The Pulsar chart's values for this platform. */
function brokerValues(input: ValuesInput): HelmValues {
  const { platform, spread, offload, offloadThreshold, deletionLag, protocols } = input;
  const sizes = BROKER_DEFAULTS[platform.profile.size];
  const t = input.topology;
  const storageClassName = platform.storageClassName;
  const part = (component: string, role: WorkloadRole, replicas: number, resources?: JvmResources) => ({
    replicaCount: replicas,
    ...(resources ? { resources: toChartResources(resources) } : {}),
    topologySpreadConstraints: platform.placement.spread(pulsarPodLabels(component), role),
    priorityClassName: platform.priorityClassName,
    podMonitor: { enabled: platform.prometheusOperator },
  });
  const mem = (r: JvmResources) => `-Xms${r.heap} -Xmx${r.heap} -XX:MaxDirectMemorySize=${r.directMemory}`;

  const brokerConfig: Record<string, string> = {
    PULSAR_MEM: mem(sizes.broker),
    managedLedgerDefaultEnsembleSize: String(t.ensembleSize),
    managedLedgerDefaultWriteQuorum: String(t.writeQuorum),
    managedLedgerDefaultAckQuorum: String(t.ackQuorum),
    ...prefixed({
      ...(spread
        ? {
            // Every write quorum spans at least two zones, and new ledgers refuse to be created otherwise (docs/invariants.md).
            bookkeeperClientRackawarePolicyEnabled: "true",
            bookkeeperClientMinNumRacksPerWriteQuorum: "2",
            bookkeeperClientEnforceMinNumRacksPerWriteQuorum: "true",
          }
        : {}),
      ...(protocols.length > 0 ? { messagingProtocols: protocols.map((p) => p.name).join(","), protocolHandlerDirectory: PROTOCOLS_DIR } : {}),
      ...Object.assign({}, ...protocols.map((p) => p.config)),
      ...(offload ? offload.config : {}),
      ...(offload ? { managedLedgerOffloadDeletionLagMs: String(deletionLag) } : {}),
      ...(offload && offloadThreshold !== undefined ? { managedLedgerOffloadThresholdInBytes: String(offloadThreshold) } : {}),
    }),
  };

  const brokerVolumes = [
    ...(protocols.length > 0 ? [{ name: "protocol-handlers", emptyDir: {} }] : []),
    ...(offload?.volumes ?? []).map((v) => ({ name: v.name, ...v.volume })),
  ];
  const brokerMounts = [
    ...(protocols.length > 0 ? [{ name: "protocol-handlers", mountPath: PROTOCOLS_DIR }] : []),
    ...(offload?.volumes ?? []).map((v) => ({ name: v.name, mountPath: v.mountPath, ...(v.readOnly ? { readOnly: true } : {}) })),
  ];
  const brokerEnvs = (offload?.secretEnv ?? []).map((e) => ({ name: e.name, valueFrom: { secretKeyRef: { name: e.secretName, key: e.key } } }));
  const identity = offload?.identity && platform.target.workloadIdentity ? { [platform.target.workloadIdentity.serviceAccountAnnotation]: offload.identity } : undefined;

  const hard = spread ? { anti_affinity: true, type: "requiredDuringSchedulingIgnoredDuringExecution" } : { anti_affinity: false };
  return {
    namespace: input.namespace,
    namespaceCreate: false,
    clusterName: platform.platformName,
    components: {
      zookeeper: false,
      oxia: true,
      bookkeeper: true,
      autorecovery: t.bookies > 1,
      broker: true,
      proxy: t.proxies > 0,
      toolset: false,
      functions: false,
      function_worker: false,
      pulsar_manager: false,
      dekaf: false,
    },
    "victoria-metrics-k8s-stack": { enabled: false },
    // Every init container of the chart takes these; the JWT secret Job takes none (README, security notes).
    initContainer: { resources: toChartResources(PULSAR_INIT_RESOURCES) },
    affinity: { anti_affinity: !platform.target.singleNode },
    defaultPulsarImageRepository: platform.mirror.image(IMAGES.pulsar.repository),
    defaultPulsarImageTag: input.pulsarVersion,
    ...(platform.mirror.imagePullSecrets.length > 0 ? { images: { imagePullSecrets: [...platform.mirror.imagePullSecrets] } } : {}),
    auth: {
      authentication: { enabled: true, jwt: { enabled: true, usingSecretKey: true, generateSecrets: { enabled: true } } },
      authorization: { enabled: true },
    },
    ...(input.tls
      ? {
          // Bookies serve TLS too, and brokers reach them with their certificate (templates/_bookkeeper.tpl,
          // broker-configmap.yaml at 4.7.0); the chart has no TLS for Oxia or for autorecovery's client.
          tls: { enabled: true, broker: { enabled: true }, proxy: { enabled: true }, bookie: { enabled: true } },
          certs: { internal_issuer: { enabled: true, type: "selfsigning" } },
        }
      : {}),
    oxia: {
      replicationFactor: t.metadataReplicas,
      server: {
        replicas: t.metadataReplicas,
        cpuLimit: sizes.oxia.cpuLimit,
        memoryLimit: sizes.oxia.memoryLimit,
        storageSize: sizes.oxia.storage,
        storageClassName,
        priorityClassName: platform.priorityClassName,
        topologySpreadConstraints: platform.placement.spread(pulsarPodLabels("oxia-server"), WorkloadRole.QUORUM),
        affinity: { ...hard, anti_affinity_topology_key: "kubernetes.io/hostname" },
        podMonitor: { enabled: platform.prometheusOperator },
        // The Oxia image's user is not known to be non-root: only the seccomp profile is added.
        securityContext: { ...CHART_POD_SECURITY, seccompProfile: { type: "RuntimeDefault" } },
      },
      coordinator: { podMonitor: { enabled: platform.prometheusOperator } },
    },
    bookkeeper: {
      ...part("bookie", WorkloadRole.QUORUM, t.bookies, sizes.bookie),
      securityContext: PULSAR_POD_SECURITY,
      affinity: { ...hard, anti_affinity_topology_key: "kubernetes.io/hostname" },
      pdb: { usePolicy: t.bookies > 1, maxUnavailable: 1 },
      configData: { PULSAR_MEM: mem(sizes.bookie) },
      volumes: {
        journal: { size: sizes.bookie.journal, storageClassName },
        ledgers: { size: sizes.bookie.ledgers, storageClassName },
      },
    },
    autorecovery: {
      ...part("recovery", WorkloadRole.STATELESS, 1, sizes.autorecovery),
      configData: {
        BOOKIE_MEM: mem(sizes.autorecovery),
        ...prefixed(
          spread
            ? {
                // Re-replication spreads copies over zones like the brokers' writes. Autorecovery
                // cannot read the racks the brokers' store holds (it opens the BookKeeper metadata
                // namespace), so it resolves each bookie's zone itself, from the same node labels
                // (rack-script.ts). Not enforced: a copy in the wrong zone beats no copy.
                ensemblePlacementPolicy: "org.apache.bookkeeper.client.RackawareEnsemblePlacementPolicy",
                reppDnsResolverClass: "org.apache.bookkeeper.net.ScriptBasedMapping",
                networkTopologyScriptFileName: `${RACK_SCRIPT_DIR}/${RACK_SCRIPT_FILE}`,
                minNumRacksPerWriteQuorum: "2",
                enforceMinNumRacksPerWriteQuorum: "false",
              }
            : {},
        ),
      },
      ...(spread
        ? {
            extraVolumes: [{ name: "rack-script", configMap: { name: RACK_SCRIPT_CONFIGMAP, defaultMode: 0o555 } }],
            extraVolumeMounts: [{ name: "rack-script", mountPath: RACK_SCRIPT_DIR, readOnly: true }],
          }
        : {}),
    },
    broker: {
      ...part("broker", WorkloadRole.EVEN, t.brokers, sizes.broker),
      securityContext: PULSAR_POD_SECURITY,
      pdb: { usePolicy: t.brokers > 1, maxUnavailable: 1 },
      configData: brokerConfig,
      ...(protocols.length > 0
        ? {
            initContainers: protocols.map((p) => ({
              name: `handler-${p.name}`,
              image: platform.mirror.image(p.handlerImage!),
              command: ["sh", "-c", `cp ${p.narDirectory}/*.nar ${PROTOCOLS_DIR}/`],
              volumeMounts: [{ name: "protocol-handlers", mountPath: PROTOCOLS_DIR }],
              resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
              securityContext: { runAsNonRoot: true, runAsUser: 10000, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            })),
          }
        : {}),
      ...(brokerVolumes.length > 0 ? { extraVolumes: brokerVolumes, extraVolumeMounts: brokerMounts } : {}),
      ...(brokerEnvs.length > 0 ? { extraEnvs: brokerEnvs } : {}),
      ...(identity ? { service_account: { annotations: identity } } : {}),
    },
    proxy: {
      ...part("proxy", WorkloadRole.EVEN, t.proxies, sizes.proxy),
      pdb: { usePolicy: t.proxies > 1, maxUnavailable: 1 },
      configData: { PULSAR_MEM: mem(sizes.proxy) },
    },
  };
}

/** The chart's pod security context (volumes writable by the image's group, root). */
const CHART_POD_SECURITY = { fsGroup: 0, fsGroupChangePolicy: "OnRootMismatch" };
/**
 * Pod security of the parts whose chart templates take one (broker, bookies): the Pulsar image
 * runs as UID 10000, so non-root is checked by the kubelet; the chart has no container-level
 * securityContext for any part (README, security notes).
 */
const PULSAR_POD_SECURITY = { ...CHART_POD_SECURITY, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };

/** Autorecovery's rack resolver: ConfigMap, mount directory and file name. */
const RACK_SCRIPT_CONFIGMAP = "pulsar-rack-script";
const RACK_SCRIPT_DIR = "/pulsar/rack";
const RACK_SCRIPT_FILE = "zone-of.py";

/** Where protocol handler NARs are copied in the broker (its `protocolHandlerDirectory`). */
const PROTOCOLS_DIR = "/pulsar/protocols";

/**
 * Keys the chart's ConfigMaps do not carry by default must be prefixed: the image's
 * apply-config-from-env.py only rewrites keys already present in the .conf file, and adds
 * `PULSAR_PREFIX_<key>` ones.
 */
function prefixed(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [`PULSAR_PREFIX_${k}`, v]));
}

/** Hadoop profile of the filesystem offloader: local files under `dir`. */
function hadoopProfile(dir: string): string {
  return [
    '<?xml version="1.0"?>',
    "<configuration>",
    "  <property><name>fs.defaultFS</name><value>file:///</value></property>",
    `  <property><name>hadoop.tmp.dir</name><value>${dir}</value></property>`,
    "</configuration>",
    "",
  ].join("\n");
}
