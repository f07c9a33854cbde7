import { IConstruct } from "constructs";
import { KubernetesConnection } from "./connection";
import { check, checkKnownOptions, PlatformConfigError } from "./errors";
import { checkOptionsSchema, OptionsSchema } from "./validate";
import { NodeSize, TOPOLOGY_ZONE_LABEL } from "./defaults";
import { checkMetadataMap, isDnsSubdomain, isMetadataKey } from "./names";
import { isQuantity } from "./quantity";

/** Object stores that tiered storage can offload to. */
export enum ObjectStorageService {
  S3 = "s3",
  GCS = "gcs",
  AZURE_BLOB = "azure-blob",
  /** Tencent Cloud COS, through its S3-compatible endpoint. */
  TENCENT_COS = "tencent-cos",
  /** Alibaba Cloud OSS. */
  ALIYUN_OSS = "aliyun-oss",
  /** MinIO or any S3-compatible server inside the cluster. */
  MINIO = "minio",
  /** A shared filesystem (edge and laptops). */
  FILESYSTEM = "filesystem",
}

/** Where a target keeps cold data by default. */
export interface ObjectStorage {
  readonly service: ObjectStorageService;
  /** @default - none (stores without regions) */
  readonly region?: string;
  /** S3-compatible endpoint, for COS, OSS and MinIO. @default - the service's own */
  readonly endpoint?: string;
}

/** How a pod gets a cloud identity without a key (IRSA, GKE/AKS workload identity, ACK RRSA). */
export interface WorkloadIdentityStyle {
  /** The ServiceAccount annotation that names the cloud identity. */
  readonly serviceAccountAnnotation: string;
  /** Labels the pods must carry. @default - none */
  readonly podLabels?: Record<string, string>;
  /** Labels the namespace must carry. @default - none */
  readonly namespaceLabels?: Record<string, string>;
}

/** The StorageClass for zonal disks the platform creates (always WaitForFirstConsumer). */
export interface ZonalStorage {
  /** CSI provisioner of the zonal disk. */
  readonly provisioner: string;
  /** StorageClass parameters. @default {} */
  readonly parameters?: Record<string, string>;
}

/** Everything a target says about itself; `Target.custom()` takes it whole. */
export interface TargetSpec {
  /** Short name of the kind of target ("eks", "k3s", ...): appears in labels and messages. */
  readonly kind: string;
  /** Cloud region or location. @default - none (edge and local) */
  readonly region?: string;
  /** Full zone names, as the nodes carry them in `zoneLabel`. @default [] (nodes carry no zone) */
  readonly zones?: string[];
  /** Node label that holds the zone. @default "topology.kubernetes.io/zone" */
  readonly zoneLabel?: string;
  /** The zonal disk behind the platform's StorageClass. */
  readonly storage: ZonalStorage;
  /** Service annotations that make a LoadBalancer internal. @default {} (none: LoadBalancers stay as the cluster makes them) */
  readonly internalLoadBalancerAnnotations?: Record<string, string>;
  /** IngressClass of the cluster's ingress controller, for services exposed through an Ingress. @default - none: such services must name one */
  readonly ingressClassName?: string;
  /** Annotations every Ingress needs on this target (e.g. the AWS Load Balancer Controller's IP targets for ClusterIP Services). @default {} */
  readonly ingressAnnotations?: Record<string, string>;
  /** Default object store for tiered storage. */
  readonly objectStorage: ObjectStorage;
  /** How workloads get cloud identities. @default - none: credentials come from a Secret */
  readonly workloadIdentity?: WorkloadIdentityStyle;
  /** How the providers reach the cluster. */
  readonly connection: KubernetesConnection;
  /** True when the target is one node (k3s edge): nothing spreads, quorums are of one. @default false */
  readonly singleNode?: boolean;
  /** What one node offers pods (its Allocatable), for the footprint report. @default - unknown */
  readonly nodeSize?: NodeSize;
}

/** Options every cloud factory takes. */
export interface CloudTargetOptions {
  /** Region (location on AKS). */
  readonly region: string;
  /** Zones: a suffix ("a", "1") or a full zone name ("eu-west-1a"). */
  readonly zones: string[];
  /** Cluster name: the default kubeconfig context and the exec credential's cluster. @default "platform" */
  readonly clusterName?: string;
  /** How to reach the cluster. @default KubernetesConnection.kubeconfig() with the cloud CLI's usual context name */
  readonly connection?: KubernetesConnection;
  /** IngressClass for exposed services. @default - the cloud's own controller: "alb" (EKS, ACK), "gce-internal" (GKE), "webapprouting.kubernetes.azure.com" (AKS), "qcloud" (TKE) */
  readonly ingressClassName?: string;
  /** What one node offers pods (`kubectl describe node`: Allocatable), e.g. { cpu: "3920m", memory: "14Gi" }: the footprint report sizes zones against it. @default - unknown */
  readonly nodeSize?: NodeSize;
}

/** Options of `Target.gke()`. */
export interface GkeTargetOptions extends CloudTargetOptions {
  /** GCP project id, part of gcloud's context name. @default "my-project" */
  readonly project?: string;
}

/** Options of `Target.tke()`. */
export interface TkeTargetOptions extends CloudTargetOptions {
  /** VPC subnet id for internal CLBs (`service.kubernetes.io/qcloud-loadbalancer-internal-subnetid`). @default - internal load balancers not configured */
  readonly internalSubnetId?: string;
}

/** Options of `Target.k3s()` and `Target.kind()`. */
export interface LocalTargetOptions {
  /** Zones, when the nodes are labelled with `topology.kubernetes.io/zone`. @default [] */
  readonly zones?: string[];
  /** How to reach the cluster. @default kubeconfig, context "default" (k3s) or "kind-<clusterName>" (kind) */
  readonly connection?: KubernetesConnection;
  /** Cluster name (kind). @default "platform" */
  readonly clusterName?: string;
  /** Object store for cold data. @default filesystem */
  readonly objectStorage?: ObjectStorage;
  /** IngressClass for exposed services. @default "traefik" on k3s (bundled); none on kind */
  readonly ingressClassName?: string;
  /** What one node offers pods (Allocatable), for the footprint report. @default - unknown (an EDGE profile is checked against the node it is made for) */
  readonly nodeSize?: NodeSize;
}

/** The fields of a `Target.custom` spec. */
const CUSTOM_OPTIONS = [
  "kind", "region", "zones", "zoneLabel", "storage", "internalLoadBalancerAnnotations", "ingressClassName", "ingressAnnotations",
  "objectStorage", "workloadIdentity", "connection", "singleNode", "nodeSize",
];

/** The options schema of each factory (Target.custom is checked field by field). */
const TARGET_SCHEMAS: Record<string, OptionsSchema | undefined> = {
  "Target.eks": "CloudTargetOptions",
  "Target.aks": "CloudTargetOptions",
  "Target.ack": "CloudTargetOptions",
  "Target.gke": "GkeTargetOptions",
  "Target.tke": "TkeTargetOptions",
  "Target.kind": "LocalTargetOptions",
  "Target.k3s": "LocalTargetOptions",
};


/**
 * A place the platform runs: a managed cloud (EKS, GKE, AKS, TKE, ACK), an edge node (k3s),
 * a laptop (kind) or anything else via `Target.custom()`. A target knows its zones and zone
 * label, its zonal storage, its internal LoadBalancer annotations, its object store, its
 * workload-identity style and how the providers connect.
 *
 * Factories keep what they are given; `validate()` (called by the platform) checks it, so errors
 * name the platform's construct path.
 */
export class Target {
  /** Amazon EKS. Zones "a" expand to "<region>a". Context default: the cluster name (`aws eks update-kubeconfig --alias`). */
  public static eks(options: CloudTargetOptions): Target {
    factoryOptionsGiven("Target.eks", options);
    const clusterName = options.clusterName ?? "platform";
    return new Target("Target.eks", options, {
      kind: "eks",
      // The controller's default "instance" targets need NodePort Services; services are ClusterIP.
      ingressAnnotations: { "alb.ingress.kubernetes.io/target-type": "ip" },
      ingressClassName: options.ingressClassName ?? "alb",
      region: options.region,
      zones: expandZones(options.zones, (z) => `${options.region}${z}`, /^[a-z]$/),
      storage: { provisioner: "ebs.csi.aws.com", parameters: { type: "gp3", encrypted: "true" } },
      internalLoadBalancerAnnotations: {
        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
      },
      objectStorage: { service: ObjectStorageService.S3, region: options.region },
      workloadIdentity: { serviceAccountAnnotation: "eks.amazonaws.com/role-arn" },
      connection: connectionOf(options.connection).withDefaultContext(clusterName),
      nodeSize: options.nodeSize,
    });
  }

  /** Google GKE. Zones "b" expand to "<region>-b". Context default: gcloud's `gke_<project>_<region>_<cluster>`. */
  public static gke(options: GkeTargetOptions): Target {
    factoryOptionsGiven("Target.gke", options);
    const clusterName = options.clusterName ?? "platform";
    return new Target("Target.gke", options, {
      kind: "gke",
      ingressClassName: options.ingressClassName ?? "gce-internal",
      region: options.region,
      zones: expandZones(options.zones, (z) => `${options.region}-${z}`, /^[a-z]$/),
      storage: { provisioner: "pd.csi.storage.gke.io", parameters: { type: "pd-balanced" } },
      internalLoadBalancerAnnotations: { "networking.gke.io/load-balancer-type": "Internal" },
      objectStorage: { service: ObjectStorageService.GCS, region: options.region },
      workloadIdentity: { serviceAccountAnnotation: "iam.gke.io/gcp-service-account" },
      connection: connectionOf(options.connection).withDefaultContext(
        `gke_${options.project ?? "my-project"}_${options.region}_${clusterName}`,
      ),
      nodeSize: options.nodeSize,
    });
  }

  /** Azure AKS. `region` is the location; zones "1" expand to "<location>-1". Context default: the cluster name. */
  public static aks(options: CloudTargetOptions): Target {
    factoryOptionsGiven("Target.aks", options);
    const clusterName = options.clusterName ?? "platform";
    return new Target("Target.aks", options, {
      kind: "aks",
      ingressClassName: options.ingressClassName ?? "webapprouting.kubernetes.azure.com",
      region: options.region,
      zones: expandZones(options.zones, (z) => `${options.region}-${z}`, /^[0-9]$/),
      storage: { provisioner: "disk.csi.azure.com", parameters: { skuName: "Premium_LRS" } },
      internalLoadBalancerAnnotations: { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" },
      objectStorage: { service: ObjectStorageService.AZURE_BLOB, region: options.region },
      workloadIdentity: {
        serviceAccountAnnotation: "azure.workload.identity/client-id",
        podLabels: { "azure.workload.identity/use": "true" },
      },
      connection: connectionOf(options.connection).withDefaultContext(clusterName),
      nodeSize: options.nodeSize,
    });
  }

  /**
   * Tencent Cloud TKE. Zones "3" expand to "<region>-3" (e.g. "ap-guangzhou-3"). Cold data goes
   * to COS through its S3-compatible endpoint; TKE has no workload identity the platform uses,
   * so object-store credentials come from a Secret.
   */
  public static tke(options: TkeTargetOptions): Target {
    factoryOptionsGiven("Target.tke", options);
    const clusterName = options.clusterName ?? "platform";
    return new Target("Target.tke", options, {
      kind: "tke",
      ingressClassName: options.ingressClassName ?? "qcloud",
      region: options.region,
      zones: expandZones(options.zones, (z) => `${options.region}-${z}`, /^[0-9]+$/),
      storage: { provisioner: "com.tencent.cloud.csi.cbs", parameters: { diskType: "CLOUD_PREMIUM" } },
      internalLoadBalancerAnnotations: options.internalSubnetId
        ? { "service.kubernetes.io/qcloud-loadbalancer-internal-subnetid": options.internalSubnetId }
        : {},
      objectStorage: {
        service: ObjectStorageService.TENCENT_COS,
        region: options.region,
        endpoint: `https://cos.${options.region}.myqcloud.com`,
      },
      connection: connectionOf(options.connection).withDefaultContext(clusterName),
      nodeSize: options.nodeSize,
    });
  }

  /** Alibaba Cloud ACK. Zones "h" expand to "<region>-h" (e.g. "cn-hangzhou-h"); RRSA for workload identity. */
  public static ack(options: CloudTargetOptions): Target {
    factoryOptionsGiven("Target.ack", options);
    const clusterName = options.clusterName ?? "platform";
    return new Target("Target.ack", options, {
      kind: "ack",
      ingressClassName: options.ingressClassName ?? "alb",
      region: options.region,
      zones: expandZones(options.zones, (z) => `${options.region}-${z}`, /^[a-z]$/),
      storage: { provisioner: "diskplugin.csi.alibabacloud.com", parameters: { type: "cloud_essd" } },
      internalLoadBalancerAnnotations: { "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": "intranet" },
      objectStorage: {
        service: ObjectStorageService.ALIYUN_OSS,
        region: options.region,
        endpoint: `https://oss-${options.region}-internal.aliyuncs.com`,
      },
      workloadIdentity: {
        serviceAccountAnnotation: "pod-identity.alibabacloud.com/role-name",
        namespaceLabels: { "pod-identity.alibabacloud.com/injection": "on" },
      },
      connection: connectionOf(options.connection).withDefaultContext(clusterName),
      nodeSize: options.nodeSize,
    });
  }

  /** k3s on an edge node: local-path volumes, ServiceLB, a filesystem for cold data. Context default: "default". */
  public static k3s(options: LocalTargetOptions = {}): Target {
    factoryOptionsGiven("Target.k3s", options);
    return new Target("Target.k3s", options, {
      kind: "k3s",
      ingressClassName: options.ingressClassName ?? "traefik",
      zones: options.zones ?? [],
      storage: { provisioner: "rancher.io/local-path" },
      objectStorage: options.objectStorage ?? { service: ObjectStorageService.FILESYSTEM },
      connection: connectionOf(options.connection).withDefaultContext("default"),
      singleNode: (options.zones ?? []).length <= 1,
      nodeSize: options.nodeSize,
    });
  }

  /** kind (or minikube with a custom context) on a laptop. Context default: "kind-<clusterName>". */
  public static kind(options: LocalTargetOptions = {}): Target {
    factoryOptionsGiven("Target.kind", options);
    return new Target("Target.kind", options, {
      kind: "kind",
      ingressClassName: options.ingressClassName,
      zones: options.zones ?? [],
      storage: { provisioner: "rancher.io/local-path" },
      objectStorage: options.objectStorage ?? { service: ObjectStorageService.FILESYSTEM },
      connection: connectionOf(options.connection).withDefaultContext(`kind-${options.clusterName ?? "platform"}`),
      nodeSize: options.nodeSize,
    });
  }

  /** Any other cluster (on-premises, OpenShift, another cloud): say everything a target knows. */
  public static custom(spec: TargetSpec): Target {
    check(!!spec && typeof spec === "object" && !Array.isArray(spec), "Target.custom", "a custom target needs its spec", spec, 'Pass e.g. { kind: "onprem", zones: ["z1", "z2", "z3"], storage: { provisioner: "csi.example.com" }, objectStorage: { service: ObjectStorageService.MINIO }, connection: KubernetesConnection.kubeconfig() }.');
    return new Target("Target.custom", spec, spec);
  }

  /** Kind of target: "eks", "gke", "aks", "tke", "ack", "k3s", "kind" or a custom name. */
  public readonly kind: string;
  /** Region or location. */
  public readonly region?: string;
  /** Full zone names, in the order given. */
  public readonly zones: readonly string[];
  /** Node label holding the zone. */
  public readonly zoneLabel: string;
  /** Zonal disk behind the platform's StorageClass. */
  public readonly storage: ZonalStorage;
  /** Annotations for internal LoadBalancer Services. */
  public readonly internalLoadBalancerAnnotations: Readonly<Record<string, string>>;
  /** IngressClass for exposed services, if the target has a default. */
  public readonly ingressClassName?: string;
  /** Annotations every Ingress gets on this target. */
  public readonly ingressAnnotations: Readonly<Record<string, string>>;
  /** Default object store for cold data. */
  public readonly objectStorage: ObjectStorage;
  /** Workload identity style, if the target has one. */
  public readonly workloadIdentity?: WorkloadIdentityStyle;
  /** How the providers connect. */
  public readonly connection: KubernetesConnection;
  /** One node: nothing spreads. */
  public readonly singleNode: boolean;
  /** What one node offers pods (Allocatable), if given. */
  public readonly nodeSize?: NodeSize;

  private constructor(
    private readonly factory: string,
    private readonly given: object,
    spec: TargetSpec,
  ) {
    this.kind = spec.kind;
    this.region = spec.region;
    this.zones = spec.zones ?? [];
    this.zoneLabel = spec.zoneLabel ?? TOPOLOGY_ZONE_LABEL;
    this.storage = spec.storage;
    this.internalLoadBalancerAnnotations = spec.internalLoadBalancerAnnotations ?? {};
    this.ingressClassName = spec.ingressClassName;
    this.ingressAnnotations = spec.ingressAnnotations ?? {};
    this.objectStorage = spec.objectStorage;
    this.workloadIdentity = spec.workloadIdentity;
    this.connection = spec.connection;
    this.singleNode = spec.singleNode ?? false;
    this.nodeSize = spec.nodeSize;
  }

  /**
   * Checks the target for a platform that needs `minZones` zones. Errors name `scope`'s path
   * and the factory (e.g. "[shop] Target.eks: ...").
   */
  public validate(scope: IConstruct, minZones: number): void {
    const site = `${scope.node.path}/${this.factory}`;
    // The factories checked their options against the schemas; a custom spec is checked here.
    if (this.factory === "Target.custom") checkKnownOptions(site, this.given, CUSTOM_OPTIONS);
    if (this.factory !== "Target.k3s" && this.factory !== "Target.kind" && this.factory !== "Target.custom") {
      check(typeof this.region === "string" && /^[a-z0-9-]+$/.test(this.region), site, "region must be a cloud region name", this.region, 'Pass e.g. region: "eu-west-1".');
    }
    const cloud = this.factory !== "Target.k3s" && this.factory !== "Target.kind" && this.factory !== "Target.custom";
    const seen = new Set<string>();
    for (const zone of this.zones) {
      check(typeof zone === "string" && /^[A-Za-z0-9._-]+$/.test(zone), site, "zone names may hold only letters, digits, '.', '_' and '-'", zone, 'Pass a zone suffix ("a") or a full zone name ("eu-west-1a").');
      if (cloud && typeof zone === "string" && typeof this.region === "string") {
        check(zone.startsWith(this.region), site, `zone "${zone}" is not in region ${this.region}`, zone, `List zones of ${this.region} (a suffix such as "a" is expanded to its full name).`);
      }
      if (seen.has(zone)) {
        throw new PlatformConfigError(site, `zone "${zone}" is listed twice`, this.zones, "List each zone once: replicas spread over distinct zones only.");
      }
      seen.add(zone);
    }
    if (minZones > 1) {
      check(
        this.zones.length >= minZones,
        site,
        `this profile needs at least ${minZones} zones so that losing one keeps every quorum, but ${this.zones.length} ${this.zones.length === 1 ? "was" : "were"} given`,
        this.zones,
        `List ${minZones} zones (e.g. zones: ["a", "b", "c"]), or use Profile.DEV for a single-zone cluster.`,
      );
      check(!this.singleNode, site, "a single-node target cannot hold a multi-zone profile", this.kind, "Use Profile.EDGE or Profile.DEV on a single node.");
    }
    if (this.ingressClassName !== undefined) check(isDnsSubdomain(this.ingressClassName), site, "ingressClassName must be an IngressClass name", this.ingressClassName, 'Use e.g. "nginx".');
    check(!!this.storage && typeof this.storage === "object" && isMetadataKey(this.storage.provisioner), site, "storage.provisioner is required: a CSI provisioner name", this.storage, 'Name the CSI provisioner of a zonal disk, e.g. { provisioner: "ebs.csi.aws.com" }.');
    check(typeof this.kind === "string" && /^[a-z0-9][a-z0-9-]{0,30}$/.test(this.kind), site, "kind must be a short lowercase name", this.kind, 'Use e.g. kind: "onprem".');
    check(this.connection instanceof KubernetesConnection, site, "connection must be a KubernetesConnection", this.connection, "Pass e.g. connection: KubernetesConnection.kubeconfig({ context: \"prod\" }).");
    check(!!this.objectStorage && typeof this.objectStorage === "object" && typeof this.objectStorage.service === "string", site, "objectStorage must say its service", this.objectStorage, "Pass e.g. objectStorage: { service: ObjectStorageService.MINIO, endpoint: \"http://minio.storage:9000\" }.");
    const parameters = this.storage.parameters;
    check(parameters === undefined || (!!parameters && typeof parameters === "object" && !Array.isArray(parameters) && Object.entries(parameters).every(([k, v]) => /^[A-Za-z0-9._/-]{1,253}$/.test(k) && typeof v === "string")), site, "storage.parameters must be a map of parameter names to strings", parameters, 'Use e.g. parameters: { type: "gp3" }.');
    const node = this.nodeSize;
    check(node === undefined || (!!node && typeof node === "object" && isQuantity(node.cpu) && isQuantity(node.memory)), site, "nodeSize must be { cpu, memory } as Kubernetes quantities", node, 'Pass what `kubectl describe node` shows as Allocatable, e.g. nodeSize: { cpu: "3920m", memory: "14Gi" }.');
    checkMetadataMap(site, "internalLoadBalancerAnnotations", this.internalLoadBalancerAnnotations);
    checkMetadataMap(site, "ingressAnnotations", this.ingressAnnotations);
  }
}

/** A cloud factory's options must be an object, with zones as a list (JSON- or YAML-loaded input). */
/**
 * A factory's options are checked against its schema before anything is built from them (JSON-
 * or YAML-loaded input): errors name the factory.
 */
function factoryOptionsGiven(factory: string, options: unknown): void {
  checkOptionsSchema(factory, TARGET_SCHEMAS[factory]!, options);
}

/** Expands zone suffixes ("a") into full names ("eu-west-1a"); full names pass through. */
function expandZones(zones: string[] | undefined, full: (suffix: string) => string, suffixPattern: RegExp): string[] {
  if (!Array.isArray(zones)) return [];
  return zones.map((z) => (typeof z === "string" && suffixPattern.test(z) ? full(z) : z));
}

/** The connection given (left for validate() to report when it is not a KubernetesConnection), or the kubeconfig default. */
function connectionOf(given: unknown): KubernetesConnection {
  if (given === undefined) return KubernetesConnection.kubeconfig();
  if (given instanceof KubernetesConnection) return given;
  throw new PlatformConfigError("Target", "connection must be a KubernetesConnection", given, 'Pass e.g. connection: KubernetesConnection.kubeconfig({ context: "prod" }).');
}
