import { Type } from "@sinclair/typebox";
import { bool, dnsSubdomain, helmValues, instance, list, optional, options, quantity, str, stringMap, text, whole } from "./kit";

/** `BrokerOptions`. */
export const BrokerOptions = options({
  protocols: optional(list(instance("a Protocol", "Protocol.mqtt({ handlerImage })"), ["Protocol.mqtt({ handlerImage })"], 4)),
  offload: optional(instance("an OffloadStore", "OffloadStore.s3(\"bucket\", { credentials })")),
  offloadThresholdBytes: optional(Type.Integer({ minimum: -1, maximum: Number.MAX_SAFE_INTEGER, examples: [1073741824] })),
  offloadDeletionLagMs: optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, examples: [14400000] })),
  brokers: optional(whole(1, 100, 3)),
  proxies: optional(whole(0, 100, 3)),
  bookies: optional(whole(1, 100, 6)),
  metadataReplicas: optional(whole(1, 9, 3)),
  ensembleSize: optional(whole(1, 100, 3)),
  writeQuorum: optional(whole(1, 100, 3)),
  ackQuorum: optional(whole(1, 100, 2)),
  pulsarVersion: optional(text("^[0-9]+\\.[0-9]+\\.[0-9]+$", "4.0.12", 32)),
  exposeListeners: optional(options({ internal: optional(bool()) })),
  values: optional(helmValues()),
});

/** `MicroservicePlatformProps`. */
export const PlatformProps = options({
  target: instance("a Target", "Target.eks({ region: \"eu-west-1\", zones: [\"a\", \"b\", \"c\"] })"),
  profile: optional(instance("a Profile", "Profile.PRODUCTION")),
  mirror: optional(instance("a Mirror", "Mirror.of({ imageRegistry: \"harbor.example.com/proxy\" })")),
  broker: optional(Type.Union([Type.Literal(false), BrokerOptions], { description: "the broker's options, or false for none", examples: [{ bookies: 6 }] })),
  components: optional(list(instance("a component", "new Keda()"), ["new Keda()"], 100)),
  prometheusOperator: optional(bool()),
  policy: optional(
    options({
      suppressions: optional(
        list(options({ rule: text("^MSP-[A-Z-]+$", "MSP-POD-TOKEN", 64, "a policy rule id such as \"MSP-POD-TOKEN\""), reason: str("the sync Job calls the API", 1024), where: optional(str("Sync", 1024)) }), [{ rule: "MSP-POD-TOKEN", reason: "the sync Job calls the Kubernetes API" }], 200),
      ),
    }),
  ),
});

const zones = list(text("^[A-Za-z0-9._-]+$", "a", 63, "a zone name or suffix (letters, digits, '.', '_' and '-')"), ["a", "b", "c"], 10);
/** What one node offers pods (its Allocatable), for the footprint report. */
const nodeSize = options({ cpu: quantity("3920m"), memory: quantity("14Gi") });

/** Options of the cloud targets (`Target.eks`, `.gke`, `.aks`, `.tke`, `.ack`). */
export const CloudTargetOptions = options({
  region: text("^[a-z0-9-]+$", "eu-west-1", 63),
  zones,
  clusterName: optional(dnsSubdomain("platform")),
  connection: optional(instance("a KubernetesConnection", "KubernetesConnection.kubeconfig({ context: \"prod\" })")),
  ingressClassName: optional(dnsSubdomain("nginx")),
  nodeSize: optional(nodeSize),
});
export const GkeTargetOptions = options({ ...CloudTargetOptions.properties, project: optional(text("^[a-z][-a-z0-9]{4,28}[a-z0-9]$", "my-project", 30, "a Google Cloud project id (6 to 30 lowercase letters, digits and '-', starting with a letter)")) });
export const TkeTargetOptions = options({ ...CloudTargetOptions.properties, internalSubnetId: optional(text("^[A-Za-z0-9-]+$", "subnet-abc123", 64)) });

/** Options of `Target.kind` and `Target.k3s`. */
export const LocalTargetOptions = options({
  zones: optional(zones),
  connection: optional(instance("a KubernetesConnection", "KubernetesConnection.kubeconfig()")),
  clusterName: optional(dnsSubdomain("platform")),
  objectStorage: optional(
    options({
      service: Type.Union(["s3", "gcs", "azure-blob", "tencent-cos", "aliyun-oss", "minio", "filesystem"].map((s) => Type.Literal(s)), { examples: ["minio"] }),
      region: optional(text("^[a-z0-9-]+$", "eu-west-1", 63)),
      endpoint: optional(str("http://minio.storage:9000", 2048)),
    }),
  ),
  ingressClassName: optional(dnsSubdomain("traefik")),
  nodeSize: optional(nodeSize),
});

/** `Mirror.of` options. */
export const MirrorOptions = options({
  chartRepository: optional(str("oci://harbor.example.com/charts", 2048)),
  imageRegistry: optional(str("harbor.example.com/proxy", 2048)),
  imagePullSecrets: optional(list(dnsSubdomain("regcred"), ["regcred"], 20)),
});

/** `Profile.with` overrides. */
export const ProfileOverrides = options({
  name: optional(str("production-eu", 63)),
  minZones: optional(whole(1, 10, 3)),
  statelessReplicas: optional(whole(1, 100, 3)),
  quorumSize: optional(whole(1, 9, 3)),
  size: optional(Type.Union([Type.Literal("large"), Type.Literal("small"), Type.Literal("tiny")], { examples: ["large"] })),
  zoneSpread: optional(bool()),
  requireTransportSecurity: optional(bool()),
  retainVolumes: optional(bool()),
});

export const ANNOTATIONS_EXAMPLE = stringMap({ "example.com/owner": "shop" });

/** `KubernetesConnection.kubeconfig(...)`. */
export const KubeconfigOptions = options({ path: optional(str("~/.kube/config", 4096)), context: optional(str("prod", 1024)) });

/** `KubernetesConnection.cluster(...)`: values may be references to another stack's outputs. */
export const ClusterEndpointOptions = options({
  host: str("https://k8s.example.com:6443", 4096),
  clusterCaCertificate: str("-----BEGIN CERTIFICATE-----...", 65536),
  exec: options({ apiVersion: str("client.authentication.k8s.io/v1beta1", 256), command: str("aws", 1024), args: list(Type.String({ maxLength: 4096 }), ["eks", "get-token"], 100), env: optional(stringMap({ AWS_PROFILE: "prod" })) }),
});

/** `Protocol.kafka/mqtt/amqp/rocketmq(...)`. */
export const ProtocolHandlerOptions = options({
  handlerImage: str("registry.example.com/pulsar/mqtt-handler:4.0.10.1", 1024),
  handlerVersion: optional(text("^v?[0-9]+(\\.[0-9]+)+$", "4.0.10.1", 64, "a handler release such as \"4.0.10.1\"")),
  narDirectory: optional(text("^/\\S*$", "/protocols", 1024, "an absolute path")),
});
