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

/** Priority of the platform's own control planes and quorum members, above ordinary workloads. */
export const PLATFORM_PRIORITY = { name: "platform-critical", value: 1_000_000 } as const;
