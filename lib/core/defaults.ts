/**
 * The one place for the platform's defaults. Components read their defaults from here, keyed
 * by the profile's size, so a reviewer can see every number the platform picks in one file.
 */

/** Well-known node label holding the zone (set by every cloud's node controller). */
export const TOPOLOGY_ZONE_LABEL = "topology.kubernetes.io/zone";
/** Well-known node label holding the node name. */
export const HOSTNAME_LABEL = "kubernetes.io/hostname";

/** Pod Security Standards level the platform's namespaces enforce. */
export const POD_SECURITY_LEVEL = "restricted";
/** The PSS version label value: pin to the latest so new checks apply as clusters upgrade. */
export const POD_SECURITY_VERSION = "latest";

/** A profile's size class: which column of the resource tables applies. */
export enum Size {
  /** Production: headroom for real traffic. */
  LARGE = "large",
  /** Development: enough to run everything on a small cluster. */
  SMALL = "small",
  /** Edge: the smallest footprint that still runs every component on one node. */
  TINY = "tiny",
}

/** Container resources as Kubernetes quantities. CPU limits are left off on purpose (throttling hurts latency more than it protects neighbours; requests guarantee the share). */
export interface Resources {
  /** CPU request, e.g. "250m". */
  readonly cpu: string;
  /** Memory request, e.g. "256Mi". */
  readonly memory: string;
  /** Memory limit, e.g. "512Mi". Must be >= the request. */
  readonly memoryLimit: string;
}

/** A node's compute as Kubernetes quantities, e.g. { cpu: "4", memory: "8Gi" }. */
export interface NodeSize {
  /** CPU, e.g. "4" or "3920m". */
  readonly cpu: string;
  /** Memory, e.g. "8Gi". */
  readonly memory: string;
}

/**
 * The node a size is made to fit, where the platform promises one: TINY (the EDGE profile) runs
 * every component on one 4 vCPU / 8 GiB k3s box. k3s reserves nothing for itself (its kubelet only
 * evicts below 100Mi free), so the platform leaves `reserved` outside its pods: k3s's server and
 * containerd (up to 30% of a core and ~1.6 GB with SQLite, docs.k3s.io "Resource Profiling"), its
 * kube-system add-ons (CoreDNS requests 100m/70Mi) and the eviction threshold.
 */
export const DESIGN_NODE: Partial<Record<Size, { readonly capacity: NodeSize; readonly reserved: NodeSize }>> = {
  [Size.TINY]: { capacity: { cpu: "4", memory: "8Gi" }, reserved: { cpu: "500m", memory: "2Gi" } },
};

/** Default resources of a microservice container, by size. */
export const SERVICE_RESOURCES: Record<Size, Resources> = {
  [Size.LARGE]: { cpu: "250m", memory: "256Mi", memoryLimit: "512Mi" },
  [Size.SMALL]: { cpu: "100m", memory: "128Mi", memoryLimit: "256Mi" },
  [Size.TINY]: { cpu: "50m", memory: "64Mi", memoryLimit: "128Mi" },
};

/** Default compute quota of a team namespace, by size. */
export const TEAM_QUOTA: Record<Size, { cpu: string; memory: string; pods: number }> = {
  [Size.LARGE]: { cpu: "32", memory: "64Gi", pods: 200 },
  [Size.SMALL]: { cpu: "8", memory: "16Gi", pods: 60 },
  [Size.TINY]: { cpu: "2", memory: "4Gi", pods: 30 },
};

/** Probe timings shared by every long-running container the platform defines. */
export const PROBE_TIMINGS = {
  readiness: { periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
  liveness: { periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 3, initialDelaySeconds: 10 },
} as const;

/** UID/GID workloads run as when the image does not say (non-root, outside the system range). */
export const DEFAULT_RUN_AS_USER = 10001;

/** Pod Security "restricted" for a container: no escalation, no capabilities, non-root, RuntimeDefault seccomp, read-only root. */
export function restrictedContainerSecurity() {
  return { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } };
}

/** Pod Security "restricted" for a pod that runs as `uid` (also its group and volumes' group), in the kubernetes provider's shape. */
export function restrictedPodSecurity(uid: number = DEFAULT_RUN_AS_USER) {
  return { runAsNonRoot: true, runAsUser: String(uid), runAsGroup: String(uid), fsGroup: String(uid), seccompProfile: { type: "RuntimeDefault" } };
}

/** Priority of the platform's own control planes and quorum members, above ordinary workloads. */
export const PLATFORM_PRIORITY = { name: "platform-critical", value: 1_000_000 } as const;

/** A JVM component: container resources plus the heap and direct memory that fit in them. */
export interface JvmResources extends Resources {
  /** -Xmx and -Xms. */
  readonly heap: string;
  /** -XX:MaxDirectMemorySize. */
  readonly directMemory: string;
}

/** Default sizes of the broker's parts (Pulsar), by size. Heap + direct memory stay ~25% under the limit for metaspace and threads. */
export const BROKER_DEFAULTS: Record<
  Size,
  {
    broker: JvmResources;
    proxy: JvmResources;
    bookie: JvmResources & { journal: string; ledgers: string };
    autorecovery: JvmResources;
    oxia: { cpuLimit: string; memoryLimit: string; storage: string };
    offloadThresholdBytes: number;
  }
> = {
  [Size.LARGE]: {
    broker: { cpu: "1", memory: "4Gi", memoryLimit: "4Gi", heap: "1536m", directMemory: "1536m" },
    proxy: { cpu: "500m", memory: "1Gi", memoryLimit: "1Gi", heap: "384m", directMemory: "384m" },
    bookie: { cpu: "1", memory: "4Gi", memoryLimit: "4Gi", heap: "1g", directMemory: "2g", journal: "20Gi", ledgers: "100Gi" },
    autorecovery: { cpu: "100m", memory: "512Mi", memoryLimit: "512Mi", heap: "256m", directMemory: "128m" },
    oxia: { cpuLimit: "1", memoryLimit: "2Gi", storage: "20Gi" },
    offloadThresholdBytes: 10 * 1024 ** 3,
  },
  [Size.SMALL]: {
    broker: { cpu: "250m", memory: "1Gi", memoryLimit: "1Gi", heap: "384m", directMemory: "384m" },
    proxy: { cpu: "100m", memory: "512Mi", memoryLimit: "512Mi", heap: "192m", directMemory: "192m" },
    bookie: { cpu: "250m", memory: "1Gi", memoryLimit: "1Gi", heap: "256m", directMemory: "512m", journal: "5Gi", ledgers: "10Gi" },
    autorecovery: { cpu: "50m", memory: "256Mi", memoryLimit: "256Mi", heap: "128m", directMemory: "64m" },
    oxia: { cpuLimit: "500m", memoryLimit: "512Mi", storage: "2Gi" },
    offloadThresholdBytes: 1024 ** 3,
  },
  [Size.TINY]: {
    broker: { cpu: "200m", memory: "768Mi", memoryLimit: "768Mi", heap: "256m", directMemory: "256m" },
    proxy: { cpu: "50m", memory: "256Mi", memoryLimit: "256Mi", heap: "96m", directMemory: "96m" },
    bookie: { cpu: "100m", memory: "768Mi", memoryLimit: "768Mi", heap: "192m", directMemory: "320m", journal: "2Gi", ledgers: "5Gi" },
    autorecovery: { cpu: "50m", memory: "256Mi", memoryLimit: "256Mi", heap: "128m", directMemory: "64m" },
    oxia: { cpuLimit: "250m", memoryLimit: "256Mi", storage: "1Gi" },
    offloadThresholdBytes: 512 * 1024 ** 2,
  },
};

/**
 * Resources of the Pulsar chart's own init containers (wait-for-Oxia, wait-for-bookies, the
 * cluster-id check, which starts a JVM). One size: they run before the main containers, so a pod's
 * request is the larger of the two, not their sum.
 */
export const PULSAR_INIT_RESOURCES: Resources = { cpu: "100m", memory: "256Mi", memoryLimit: "512Mi" };

/** Time a ledger stays in BookKeeper after it was offloaded (Pulsar's default, 4 h). */
export const OFFLOAD_DELETION_LAG_MS = 4 * 60 * 60 * 1000;

/** Default resources of cert-manager's parts, by size. */
export const CERT_MANAGER_RESOURCES: Record<Size, Resources> = {
  [Size.LARGE]: { cpu: "50m", memory: "128Mi", memoryLimit: "256Mi" },
  [Size.SMALL]: { cpu: "20m", memory: "64Mi", memoryLimit: "128Mi" },
  [Size.TINY]: { cpu: "10m", memory: "48Mi", memoryLimit: "96Mi" },
};

/** Default resources of each Dapr control-plane service (operator, sentry, placement, scheduler, injector), by size. */
export const DAPR_CONTROL_PLANE_RESOURCES: Record<Size, Resources> = {
  [Size.LARGE]: { cpu: "100m", memory: "128Mi", memoryLimit: "512Mi" },
  [Size.SMALL]: { cpu: "50m", memory: "64Mi", memoryLimit: "256Mi" },
  [Size.TINY]: { cpu: "20m", memory: "48Mi", memoryLimit: "128Mi" },
};

/** Default resources of the daprd sidecar, by size; GOMEMLIMIT is set to 90% of the limit. */
export const DAPR_SIDECAR_RESOURCES: Record<Size, Resources> = {
  [Size.LARGE]: { cpu: "100m", memory: "128Mi", memoryLimit: "256Mi" },
  [Size.SMALL]: { cpu: "50m", memory: "64Mi", memoryLimit: "128Mi" },
  [Size.TINY]: { cpu: "20m", memory: "48Mi", memoryLimit: "96Mi" },
};

/** Volume of each Dapr scheduler member (embedded etcd) and placement member (Raft log), by size. */
export const DAPR_STORAGE: Record<Size, { scheduler: string; placement: string }> = {
  [Size.LARGE]: { scheduler: "16Gi", placement: "1Gi" },
  [Size.SMALL]: { scheduler: "2Gi", placement: "1Gi" },
  [Size.TINY]: { scheduler: "1Gi", placement: "1Gi" },
};

/** Default resources of an OpenTelemetry Collector gateway replica, by size (GOMEMLIMIT is 80% of the limit). */
export const COLLECTOR_RESOURCES: Record<Size, Resources> = {
  [Size.LARGE]: { cpu: "200m", memory: "256Mi", memoryLimit: "512Mi" },
  [Size.SMALL]: { cpu: "50m", memory: "128Mi", memoryLimit: "256Mi" },
  [Size.TINY]: { cpu: "20m", memory: "64Mi", memoryLimit: "128Mi" },
};

/** Default resources of Jaeger (all-in-one), by size; in-memory storage keeps `maxTraces` traces. */
export const JAEGER_DEFAULTS: Record<Size, Resources & { maxTraces: number }> = {
  [Size.LARGE]: { cpu: "200m", memory: "512Mi", memoryLimit: "1Gi", maxTraces: 100_000 },
  [Size.SMALL]: { cpu: "50m", memory: "128Mi", memoryLimit: "512Mi", maxTraces: 20_000 },
  [Size.TINY]: { cpu: "20m", memory: "64Mi", memoryLimit: "256Mi", maxTraces: 5_000 },
};

/** Fraction of requests traced, by size: everything where traffic is small, a tenth in production. */
export const TRACE_SAMPLING_RATE: Record<Size, number> = {
  [Size.LARGE]: 0.1,
  [Size.SMALL]: 1,
  [Size.TINY]: 1,
};

/**
 * Default sizes of a Nacos member (JVM: heap + young generation), its data volume and the cap of
 * its logs volume (rolling logs, GC logs and a heap dump on OOM, which the start script always
 * writes there), by size. Heap stays ~40% under the limit for metaspace (the image caps it at 320m in cluster mode), direct buffers and JRaft. */
export const NACOS_DEFAULTS: Record<Size, JvmResources & { youngGeneration: string; storage: string; logs: string }> = {
  [Size.LARGE]: { cpu: "500m", memory: "2Gi", memoryLimit: "2Gi", heap: "1g", directMemory: "256m", youngGeneration: "384m", storage: "10Gi", logs: "8Gi" },
  [Size.SMALL]: { cpu: "200m", memory: "1Gi", memoryLimit: "1Gi", heap: "512m", directMemory: "128m", youngGeneration: "192m", storage: "2Gi", logs: "4Gi" },
  [Size.TINY]: { cpu: "100m", memory: "768Mi", memoryLimit: "768Mi", heap: "320m", directMemory: "64m", youngGeneration: "128m", storage: "1Gi", logs: "2Gi" },
};

/** Default resources of a Consul server, and its data volume, by size. */
export const CONSUL_DEFAULTS: Record<Size, Resources & { storage: string }> = {
  [Size.LARGE]: { cpu: "250m", memory: "512Mi", memoryLimit: "1Gi", storage: "10Gi" },
  [Size.SMALL]: { cpu: "100m", memory: "128Mi", memoryLimit: "256Mi", storage: "1Gi" },
  [Size.TINY]: { cpu: "50m", memory: "96Mi", memoryLimit: "192Mi", storage: "1Gi" },
};

/** Default resources of each KEDA part (operator, metrics server, admission webhooks) and each HTTP add-on part (operator, scaler, interceptor), by size. */
export const KEDA_RESOURCES: Record<Size, Resources> = {
  [Size.LARGE]: { cpu: "100m", memory: "128Mi", memoryLimit: "512Mi" },
  [Size.SMALL]: { cpu: "50m", memory: "64Mi", memoryLimit: "256Mi" },
  [Size.TINY]: { cpu: "20m", memory: "48Mi", memoryLimit: "128Mi" },
};

/** Most replicas of the HTTP add-on's interceptor (scaled by its own ScaledObject), by size: on one edge node a few proxies carry all its traffic, and 50 would ask for more memory than the node has. */
export const HTTP_INTERCEPTOR_MAX_REPLICAS: Record<Size, number> = {
  [Size.LARGE]: 50,
  [Size.SMALL]: 50,
  [Size.TINY]: 3,
};

/** Defaults of a service's autoscaler (KEDA's own defaults, except the maximum). */
export const AUTOSCALE_DEFAULTS = { maxReplicas: 10, cooldownSeconds: 300, pollingSeconds: 30 } as const;
