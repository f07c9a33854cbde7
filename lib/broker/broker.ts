import { Construct } from "constructs";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { PersistentVolumeClaimV1 } from "@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1";
import { TerraformVariable } from "cdktf";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { IPlatform, Layer } from "../core/context";
import { BROKER_DEFAULTS, JvmResources, OFFLOAD_DELETION_LAG_MS } from "../core/defaults";
import { check, checkKnownOptions, PlatformConfigError } from "../core/errors";
import { HelmChart, HelmValues, toChartResources } from "../core/helm-chart";
import { WorkloadRole } from "../core/placement";
import { SecureNamespace } from "../core/secure-namespace";
import { CHARTS, IMAGES } from "../core/versions";
import { CertManager } from "../security/cert-manager";
import { BrokerSync } from "./broker-sync";
import { OFFLOAD_DATA_DIR, OFFLOAD_PROFILE_CONFIGMAP, OFFLOAD_SECRET, OffloadRendering, OffloadStore } from "./offload";
import { Protocol } from "./protocol";
import { PULSAR_RELEASE, pulsarPodLabels } from "./pulsar-names";
import { PulsarNamespace, PulsarTenant, PulsarTopic, TopicOptions } from "./tenancy";

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
  /** Values merged last over everything the broker sets (escape hatch). @default {} */
  readonly values?: HelmValues;
}

/** Props of `Broker`. */
export interface BrokerProps extends BrokerOptions {
  /** The platform. */
  readonly platform: IPlatform;
}

const OPTIONS = [
  "protocols", "offload", "offloadThresholdBytes", "offloadDeletionLagMs", "brokers", "proxies", "bookies",
  "metadataReplicas", "ensembleSize", "writeQuorum", "ackQuorum", "pulsarVersion", "values",
];


/**
 * A multi-protocol Apache Pulsar: Oxia as the metadata store (no ZooKeeper), zone-aware
 * BookKeeper, brokers and proxies spread across zones, JWT authentication and authorization,
 * TLS in profiles that require it, protocol handlers, tiered storage, and tenants, namespaces
 * and topics declared in code.
 *
 * Its parts sit in the platform's layers: namespace, policies, Services and volumes in the base
 * layer, cert-manager and the Pulsar release in the system layer, and the admin sync Job
 * (bookie racks, tenants, namespaces, topics) in the apps layer.
 */
export class Broker extends Construct {
  /** Kubernetes namespace. */
  public readonly namespace: string;
  /** The Pulsar release. */
  public readonly chart: HelmChart;
  /** Pulsar version the brokers run. */
  public readonly pulsarVersion: string;
  /** Whether clients must use TLS. */
  public readonly tls: boolean;
  /** `pulsar://` (or `pulsar+ssl://`) URL of the brokers. */
  public readonly pulsarUrl: string;
  /** Admin REST URL of the brokers. */
  public readonly adminUrl: string;
  /** The protocols enabled, by name. */
  public readonly protocols: ReadonlyMap<string, Protocol>;
  /** Bookies, brokers, proxies, Oxia servers and quorums as configured. */
  public readonly topology: {
    readonly bookies: number;
    readonly brokers: number;
    readonly proxies: number;
    readonly metadataReplicas: number;
    readonly ensembleSize: number;
    readonly writeQuorum: number;
    readonly ackQuorum: number;
  };
  private readonly tenants = new Map<string, PulsarTenant>();
  private readonly host: string;

  constructor(scope: Construct, id: string, props: BrokerProps) {
    super(scope, id);
    const { platform, ...options } = props;
    checkKnownOptions(this, options, OPTIONS);
    const profile = platform.profile;
    const target = platform.target;
    const zones = Math.max(1, target.zones.length);
    const spread = platform.placement.spreadsZones;
    const sizes = BROKER_DEFAULTS[profile.size];

    this.pulsarVersion = props.pulsarVersion ?? IMAGES.pulsar.tag;
    check(/^\d+\.\d+\.\d+$/.test(this.pulsarVersion), this, "pulsarVersion must be a release x.y.z", this.pulsarVersion, `Use e.g. "${IMAGES.pulsar.tag}".`);
    this.tls = profile.requireTransportSecurity;
    this.namespace = `${platform.platformName}-pulsar`;
    this.host = `${PULSAR_RELEASE}-broker.${this.namespace}.svc.cluster.local`;
    this.pulsarUrl = this.tls ? `pulsar+ssl://${this.host}:6651` : `pulsar://${this.host}:6650`;
    this.adminUrl = this.tls ? `https://${this.host}:8443` : `http://${this.host}:8080`;

    // Topology and quorums (POLICY 17, 18).
    const bookies = props.bookies ?? (spread ? 2 * zones : 1);
    const brokers = props.brokers ?? profile.statelessReplicas;
    const proxies = props.proxies ?? (target.singleNode ? 0 : profile.statelessReplicas);
    const metadataReplicas = props.metadataReplicas ?? profile.quorumSize;
    const ensembleSize = props.ensembleSize ?? (spread ? 3 : 1);
    const writeQuorum = props.writeQuorum ?? (spread ? 3 : 1);
    const ackQuorum = props.ackQuorum ?? (spread ? 2 : 1);
    this.topology = { bookies, brokers, proxies, metadataReplicas, ensembleSize, writeQuorum, ackQuorum };
    this.checkTopology(spread, zones);

    // Protocols: each needs its handler image, built for this Pulsar line.
    const protocols = props.protocols ?? [];
    const byName = new Map<string, Protocol>();
    for (const protocol of protocols) {
      check(protocol instanceof Protocol, this, "protocols must be Protocol values", protocol, "Use Protocol.kafka({...}), Protocol.mqtt({...}), Protocol.amqp({...}) or Protocol.rocketmq({...}).");
      protocol.check(this.node.path, this.pulsarVersion);
      check(!byName.has(protocol.name), this, `protocol ${protocol.title} is listed twice`, protocol.name, "List each protocol once.");
      byName.set(protocol.name, protocol);
    }
    this.protocols = byName;

    const offload = props.offload?.render(this.node.path, target, brokers);
    if (props.offloadThresholdBytes !== undefined) {
      check(!!props.offload, this, "offloadThresholdBytes needs an offload store", props.offloadThresholdBytes, "Pass offload: OffloadStore.s3(...) (or another store).");
      check(Number.isInteger(props.offloadThresholdBytes) && props.offloadThresholdBytes >= -1, this, "offloadThresholdBytes must be a whole number >= -1", props.offloadThresholdBytes, "Use a byte count, 0 to offload at once, -1 never.");
    }
    const deletionLag = props.offloadDeletionLagMs ?? OFFLOAD_DELETION_LAG_MS;
    check(Number.isInteger(deletionLag) && deletionLag >= 0, this, "offloadDeletionLagMs must be a whole number >= 0", deletionLag, "Use milliseconds, e.g. 14400000 (4 h).");

    // Base layer: namespace, client policy, protocol Service, offload volume.
    const base = platform.stack(Layer.BASE);
    const ns = new SecureNamespace(base, `${id}-Namespace`, {
      name: this.namespace,
      platformName: platform.platformName,
      system: true,
      // The chart sets no container securityContext (no allowPrivilegeEscalation/capabilities), so
      // "restricted" would reject its pods; warn/audit stay restricted.
      enforce: "baseline",
    });
    const clientPorts = [...(this.tls ? [6651, 8443] : [6650, 8080]), ...[...byName.values()].map((p) => p.port)];
    new NetworkPolicyV1(base, `${id}-ClientIngress`, {
      metadata: { name: "pulsar-clients", namespace: ns.name, labels: platform.labels("broker", "pulsar-clients") },
      spec: {
        podSelector: { matchExpressions: [{ key: "component", operator: "In", values: ["broker", "proxy"] }] },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { "platform.cdktf.io/platform": platform.platformName } } }],
            ports: clientPorts.map((port) => ({ port: String(port), protocol: "TCP" })),
          },
        ],
      },
    });
    if (byName.size > 0) {
      // The chart cannot add Service (or container) ports; Kubernetes routes to any port the pod
      // listens on, so this Service of our own exposes each protocol's listener.
      new ServiceV1(base, `${id}-Protocols`, {
        metadata: { name: "pulsar-protocols", namespace: ns.name, labels: platform.labels("broker", "pulsar-protocols") },
        spec: {
          type: "ClusterIP",
          selector: pulsarPodLabels("broker"),
          port: [...byName.values()].map((p) => ({ name: p.name, port: p.port, targetPort: String(p.port), protocol: "TCP" })),
        },
      });
    }
    // The chart has no PodDisruptionBudget template for Oxia; a drain must never take two of its servers.
    platform.placement.disruptionBudget(base, `${id}-MetadataDisruptionBudget`, {
      name: "pulsar-oxia-server",
      namespace: ns.name,
      selector: pulsarPodLabels("oxia-server"),
      labels: platform.labels("broker", "pulsar-oxia-server"),
      replicas: metadataReplicas,
    });
    const claim = props.offload?.createdClaim;
    if (claim) {
      new PersistentVolumeClaimV1(base, `${id}-OffloadClaim`, {
        metadata: { name: claim.name, namespace: ns.name, labels: platform.labels("broker", claim.name) },
        spec: { accessModes: ["ReadWriteOnce"], storageClassName: platform.storageClassName, resources: { requests: { storage: claim.size } } },
        // WaitForFirstConsumer: the claim binds when the broker is scheduled.
        waitUntilBound: false,
      });
    }
    if (offload?.secretFromVariables) {
      const variable = (name: string, description: string) =>
        new TerraformVariable(base, name, { type: "string", sensitive: true, nullable: false, description }).stringValue;
      new SecretV1(base, `${id}-OffloadSecret`, {
        metadata: { name: OFFLOAD_SECRET, namespace: ns.name, labels: platform.labels("broker", OFFLOAD_SECRET) },
        data: {
          id: variable("offload_credential_id", "Object store access key id (or account name) for tiered storage."),
          secret: variable("offload_credential_secret", "Object store secret key (or account key, or GCS JSON key) for tiered storage."),
        },
      });
    }
    if (offload?.volumes.some((v) => v.name === "offload-profile")) {
      new ConfigMapV1(base, `${id}-OffloadProfile`, {
        metadata: { name: OFFLOAD_PROFILE_CONFIGMAP, namespace: ns.name, labels: platform.labels("broker", OFFLOAD_PROFILE_CONFIGMAP) },
        data: { "core-site.xml": hadoopProfile(OFFLOAD_DATA_DIR) },
      });
    }

    // System layer: cert-manager (for TLS) and the Pulsar release.
    const system = platform.stack(Layer.SYSTEM);
    const certManager = this.tls ? new CertManager(this, "CertManager", { platform }) : undefined;
    this.chart = new HelmChart(system, id, {
      pin: CHARTS.pulsar,
      releaseName: PULSAR_RELEASE,
      namespace: this.namespace,
      mirror: platform.mirror,
      timeoutSeconds: 1800,
      defaults: this.values(platform, spread, offload, props.offloadThresholdBytes ?? (props.offload ? sizes.offloadThresholdBytes : undefined), deletionLag),
      imageRegistryValues: () => ({
        images: {
          oxia: { repository: platform.mirror.image(IMAGES.oxia.repository) },
          kubectl: { repository: platform.mirror.image(IMAGES.pulsarKubectl.repository) },
        },
      }),
      values: props.values,
      dependsOn: certManager ? [certManager.chart.release] : undefined,
    });

    // Apps layer: the admin sync (bookie racks, tenants, namespaces, topics).
    new BrokerSync(platform.stack(Layer.APPS), `${id}-Sync`, {
      platform,
      namespace: this.namespace,
      adminUrl: this.adminUrl,
      tls: this.tls,
      rackAware: spread,
      bookies: this.topology.bookies,
      spec: () => ({ tenants: [...this.tenants.values()].map((t) => t.toSpec()) }),
    });
  }

  /** Declares a tenant (the same name returns the same tenant). */
  public addTenant(name: string, options: { adminRoles?: string[] } = {}): PulsarTenant {
    const existing = this.tenants.get(name);
    if (existing) return existing;
    const tenant = new PulsarTenant(this, name, options.adminRoles ?? []);
    this.tenants.set(name, tenant);
    return tenant;
  }

  /** A topic in the `public/default` namespace, for the simple case. */
  public topic(name: string, options: TopicOptions = {}): PulsarTopic {
    return this.defaultNamespace.addTopic(name, options);
  }

  /** The `public/default` namespace. */
  public get defaultNamespace(): PulsarNamespace {
    return this.addTenant("public").addNamespace("default");
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

  private protocolHost(name: string): string {
    if (!this.protocols.has(name)) {
      throw new PlatformConfigError(this, `the broker does not speak ${name}`, [...this.protocols.keys()], `Add Protocol.${name}({ handlerImage: ... }) to the broker's protocols.`);
    }
    return `pulsar-protocols.${this.namespace}.svc.cluster.local`;
  }

  private checkTopology(spread: boolean, zones: number): void {
    const t = this.topology;
    const whole = (n: number, min: number) => Number.isInteger(n) && n >= min;
    for (const [key, value, min] of [["bookies", t.bookies, 1], ["brokers", t.brokers, 1], ["proxies", t.proxies, 0], ["metadataReplicas", t.metadataReplicas, 1], ["ensembleSize", t.ensembleSize, 1], ["writeQuorum", t.writeQuorum, 1], ["ackQuorum", t.ackQuorum, 1]] as const) {
      check(whole(value, min), this, `${key} must be a whole number >= ${min}`, value, `Use ${min} or more.`);
    }
    check(t.ensembleSize >= t.writeQuorum, this, `ensembleSize (E=${t.ensembleSize}) must be >= writeQuorum (Qw=${t.writeQuorum}): each entry is written to Qw of the E bookies`, t.ensembleSize, `Raise ensembleSize to ${t.writeQuorum} or lower writeQuorum.`);
    check(t.writeQuorum >= t.ackQuorum, this, `ackQuorum (Qa=${t.ackQuorum}) must be <= writeQuorum (Qw=${t.writeQuorum}): a write cannot be acknowledged by more bookies than it is sent to`, t.ackQuorum, `Lower ackQuorum to ${t.writeQuorum} or less (production: E=3, Qw=3, Qa=2).`);
    check(t.bookies >= t.ensembleSize, this, `${t.bookies} bookies cannot hold an ensemble of ${t.ensembleSize}`, t.bookies, `Run at least ${t.ensembleSize} bookies.`);
    check(t.metadataReplicas % 2 === 1, this, `metadataReplicas must be odd: Oxia keeps a majority, and ${t.metadataReplicas} servers survive no more failures than ${t.metadataReplicas - 1}`, t.metadataReplicas, `Use ${t.metadataReplicas + 1} or ${t.metadataReplicas - 1}.`);
    if (spread) {
      check(t.bookies >= 2 * zones, this, `a ${zones}-zone broker needs at least 2 bookies per zone (${2 * zones}), so that after losing a zone enough bookies remain for an ensemble`, t.bookies, `Use bookies: ${2 * zones} or more.`);
      check(t.metadataReplicas >= 3, this, "Oxia needs at least 3 servers, one per zone, to survive a zone loss", t.metadataReplicas, "Use metadataReplicas: 3 (or 5).");
      check(t.writeQuorum >= 3 && t.ackQuorum <= t.writeQuorum - 1, this, `with zone spread, a write quorum of at least 3 acknowledged by fewer than all (Qw=${t.writeQuorum}, Qa=${t.ackQuorum}) keeps writing through a zone loss`, { writeQuorum: t.writeQuorum, ackQuorum: t.ackQuorum }, "Use ensembleSize 3, writeQuorum 3, ackQuorum 2.");
      check(t.brokers >= 3, this, "brokers must be at least 3 across zones", t.brokers, "Use brokers: 3 or more.");
    }
  }

  private values(platform: IPlatform, spread: boolean, offload: OffloadRendering | undefined, offloadThreshold: number | undefined, deletionLag: number): HelmValues {
    const sizes = BROKER_DEFAULTS[platform.profile.size];
    const t = this.topology;
    const storageClassName = platform.storageClassName;
    const part = (component: string, role: WorkloadRole, replicas: number, resources?: JvmResources) => ({
      replicaCount: replicas,
      ...(resources ? { resources: toChartResources(resources) } : {}),
      topologySpreadConstraints: platform.placement.spread(pulsarPodLabels(component), role),
      priorityClassName: platform.priorityClassName,
      podMonitor: { enabled: false },
    });
    const mem = (r: JvmResources) => `-Xms${r.heap} -Xmx${r.heap} -XX:MaxDirectMemorySize=${r.directMemory}`;
    const protocols = [...this.protocols.values()];

    const brokerConfig: Record<string, string> = {
      PULSAR_MEM: mem(sizes.broker),
      managedLedgerDefaultEnsembleSize: String(t.ensembleSize),
      managedLedgerDefaultWriteQuorum: String(t.writeQuorum),
      managedLedgerDefaultAckQuorum: String(t.ackQuorum),
      ...prefixed({
        ...(spread
          ? {
              // Every write quorum spans at least two zones, and new ledgers refuse to be created otherwise (POLICY 18).
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
      namespace: this.namespace,
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
      affinity: { anti_affinity: !platform.target.singleNode },
      defaultPulsarImageRepository: platform.mirror.image(IMAGES.pulsar.repository),
      defaultPulsarImageTag: this.pulsarVersion,
      ...(platform.mirror.imagePullSecrets.length > 0 ? { images: { imagePullSecrets: [...platform.mirror.imagePullSecrets] } } : {}),
      auth: {
        authentication: { enabled: true, jwt: { enabled: true, usingSecretKey: true, generateSecrets: { enabled: true } } },
        authorization: { enabled: true },
      },
      ...(this.tls
        ? {
            tls: { enabled: true, broker: { enabled: true }, proxy: { enabled: true } },
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
          podMonitor: { enabled: false },
        },
        coordinator: { podMonitor: { enabled: false } },
      },
      bookkeeper: {
        ...part("bookie", WorkloadRole.QUORUM, t.bookies, sizes.bookie),
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
                  // Re-replication must keep the same zone spread as the brokers' writes.
                  ensemblePlacementPolicy: "org.apache.bookkeeper.client.RackawareEnsemblePlacementPolicy",
                  reppDnsResolverClass: "org.apache.pulsar.bookie.rackawareness.BookieRackAffinityMapping",
                  minNumRacksPerWriteQuorum: "2",
                  enforceMinNumRacksPerWriteQuorum: "true",
                }
              : {},
          ),
        },
      },
      broker: {
        ...part("broker", WorkloadRole.STATELESS, t.brokers, sizes.broker),
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
        ...part("proxy", WorkloadRole.STATELESS, t.proxies, sizes.proxy),
        pdb: { usePolicy: t.proxies > 1, maxUnavailable: 1 },
        configData: { PULSAR_MEM: mem(sizes.proxy) },
      },
    };
  }
}

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
