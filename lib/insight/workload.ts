import { parseQuantity } from "../core/quantity";
import type { ZoneGroup } from "../core/zones";

/**
 * One workload as the footprint report counts it, whether read from a Kubernetes-provider resource
 * or from the values a chart renders it from: its pods' containers (with the resources the API
 * server will see), how many pods, how they spread over zones, and the volumes each pod claims.
 */
export interface WorkloadSpec {
  /** The component that declares it ("broker"), "services (<team>)" or "platform". */
  readonly component: string;
  /** The part, for people ("bookies", "hello-publisher"). */
  readonly part: string;
  readonly kind: "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" | "PersistentVolumeClaim";
  /** Pods counted (for an autoscaled workload: its minimum, at least 1). */
  readonly replicas: number;
  /** Set when an autoscaler owns the count: its range. */
  readonly autoscaled?: { readonly min: number; readonly max: number };
  readonly spread: ZoneGroup["spread"];
  readonly containers: readonly ContainerSpec[];
  /** Volumes each pod claims (PersistentVolumeClaims), as quantities. */
  readonly volumes: readonly { readonly name: string; readonly size: string }[];
  /** Where the numbers come from, when it is worth saying. */
  readonly note?: string;
}

/** A container in the Kubernetes API's shape; `resources` as written (`{ requests, limits }`), possibly missing. */
export interface ContainerSpec {
  readonly name: string;
  /** `sidecar`: injected at admission (daprd), runs beside the main containers. */
  readonly role: "main" | "init" | "sidecar";
  readonly resources?: unknown;
}

/** Something a chart (or a values toggle) renders that the report cannot count. */
export interface NotCounted {
  readonly component: string;
  readonly part: string;
  readonly reason: string;
}

/** CPU in millicores and memory in bytes. */
export interface Amounts {
  readonly cpu: number;
  readonly memory: number;
}

/** Requests and limits of a container or pod; a limit left out is unbounded (undefined). */
export interface PodAmounts {
  readonly requests: Amounts;
  readonly limits: { readonly cpu?: number; readonly memory?: number };
  /** Containers with a CPU or memory request that nothing sets (counted as 0), e.g. "pulsar-init (cpu, memory)". */
  readonly unset: readonly string[];
  /** Containers the API server would refuse (a request above its limit). */
  readonly invalid: readonly string[];
}

export const millicores = (value: unknown): number | undefined => {
  const cores = parseQuantity(typeof value === "number" ? String(value) : value);
  return cores === undefined ? undefined : Math.round(cores * 1000);
};
export const bytes = (value: unknown): number | undefined => {
  const n = parseQuantity(typeof value === "number" ? String(value) : value);
  return n === undefined ? undefined : Math.round(n);
};

type Dimension = "cpu" | "memory";
const DIMENSIONS: readonly Dimension[] = ["cpu", "memory"];
const parse = (dimension: Dimension, value: unknown) => (dimension === "cpu" ? millicores(value) : bytes(value));

function container(c: ContainerSpec) {
  const r = (c.resources && typeof c.resources === "object" ? c.resources : {}) as { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  const limits = { cpu: parse("cpu", r.limits?.cpu), memory: parse("memory", r.limits?.memory) };
  // The API server copies a limit into a request left out.
  const requests = { cpu: parse("cpu", r.requests?.cpu) ?? limits.cpu, memory: parse("memory", r.requests?.memory) ?? limits.memory };
  return { requests, limits };
}

/**
 * A pod's effective requests and limits, as the scheduler computes them: per resource, the larger
 * of the sum over the containers that run together (main and sidecars) and the largest init
 * container (init containers run one at a time, before them). A limit is bounded only if every
 * container has one.
 */
export function podAmounts(containers: readonly ContainerSpec[]): PodAmounts {
  const parsed = containers.map((c) => ({ spec: c, ...container(c) }));
  const together = parsed.filter((c) => c.spec.role !== "init");
  const inits = parsed.filter((c) => c.spec.role === "init");
  const effective = (values: (number | undefined)[], initValues: (number | undefined)[]) =>
    Math.max(values.reduce<number>((a, b) => a + (b ?? 0), 0), ...initValues.map((v) => v ?? 0));
  const requests = { cpu: 0, memory: 0 };
  const limits: { cpu?: number; memory?: number } = {};
  for (const d of DIMENSIONS) {
    requests[d] = effective(together.map((c) => c.requests[d]), inits.map((c) => c.requests[d]));
    if (parsed.length > 0 && parsed.every((c) => c.limits[d] !== undefined)) limits[d] = effective(together.map((c) => c.limits[d]), inits.map((c) => c.limits[d]));
  }
  const unset = parsed
    .map((c) => ({ name: c.spec.role === "init" ? `${c.spec.name} (init)` : c.spec.name, missing: DIMENSIONS.filter((d) => c.requests[d] === undefined) }))
    .filter((c) => c.missing.length > 0)
    .map((c) => `${c.name}: ${c.missing.join(", ")}`);
  const invalid = parsed.flatMap((c) =>
    DIMENSIONS.filter((d) => c.requests[d] !== undefined && c.limits[d] !== undefined && c.requests[d]! > c.limits[d]!).map(
      (d) => `${c.spec.name}: requests.${d} ${d === "cpu" ? formatCpu(c.requests[d]!) : formatBytes(c.requests[d]!)} is above limits.${d} ${d === "cpu" ? formatCpu(c.limits[d]!) : formatBytes(c.limits[d]!)}`,
    ),
  );
  return { requests, limits, unset, invalid };
}

/** "250m", "1.5" (cores). */
export function formatCpu(m: number): string {
  return m === 0 ? "0" : m < 1000 ? `${m}m` : `${trim(m / 1000)}`;
}

/** "768Mi", "3.5Gi", "2Ti". */
export function formatBytes(n: number): string {
  const Mi = 2 ** 20;
  const Gi = 2 ** 30;
  if (n === 0) return "0";
  if (n < Gi) return `${trim(n / Mi)}Mi`;
  if (n < 1024 * Gi) return `${trim(n / Gi)}Gi`;
  return `${trim(n / (1024 * Gi))}Ti`;
}

function trim(n: number): string {
  return String(Math.round(n * 100) / 100);
}
