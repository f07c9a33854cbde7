import { DESIGN_NODE, NodeSize, Size } from "../core/defaults";
import { readPlatform, ReadablePlatform } from "./platform-workloads";
import { Amounts, bytes, millicores, NotCounted, podAmounts, PodAmounts, WorkloadSpec } from "./workload";

/** What `platformFootprint` reads of a platform (a `MicroservicePlatform` is one). */
export interface FootprintSubject extends ReadablePlatform {
  readonly platformName: string;
  readonly profile: { readonly name: string; readonly size: Size };
  readonly target: ReadablePlatform["target"] & { readonly kind: string; readonly zones: readonly string[]; readonly singleNode: boolean; readonly nodeSize?: NodeSize };
}

/** Limits added up; pods whose containers leave a limit out are counted apart (unbounded). */
export interface LimitTotals {
  readonly cpu: number;
  readonly memory: number;
  /** Pods with no CPU limit (the platform sets none on purpose: requests guarantee the share). */
  readonly cpuUnbounded: number;
  /** Pods with no memory limit. */
  readonly memoryUnbounded: number;
}

/** Requests, limits, volumes and pods of a set of parts. */
export interface Totals {
  readonly pods: number;
  readonly requests: Amounts;
  readonly limits: LimitTotals;
  /** Bytes of PersistentVolumeClaims. */
  readonly volumes: number;
}

/** One workload (or volume claim) with its numbers. */
export interface FootprintPart extends WorkloadSpec {
  /** Per pod, as the scheduler sees it. */
  readonly pod: PodAmounts;
  /** All its pods. */
  readonly totals: Totals;
  /** The most of it one zone can hold: ceil(pods / zones) when spread, all of it when not. */
  readonly worstZone: Totals;
}

/** A component's running parts and its Jobs. */
export interface ComponentFootprint {
  readonly component: string;
  readonly running: Totals;
  readonly worstZone: Totals;
  readonly jobs: Totals;
}

/** A node the platform is checked against. */
export interface NodeFit {
  /** Where the size comes from. */
  readonly source: string;
  readonly capacity?: Amounts;
  readonly reserved?: Amounts;
  /** What one node offers the platform's pods. */
  readonly allocatable: Amounts;
  /** Nodes each zone needs at least, by the requests of the worst zone (bin packing and host anti-affinity can only add). */
  readonly nodesPerZone: number;
  /** The platform's running pods' requests fit one node (single-node targets). */
  readonly fitsOneNode: boolean;
  /** ... with every Job running at the same time too. */
  readonly fitsOneNodeWithJobs: boolean;
  /** The largest pod, which must fit a node on its own. */
  readonly largestPod: { readonly part: string; readonly requests: Amounts; readonly fits: boolean };
}

/** The platform's CPU, memory and volume footprint, by part, component and zone. */
export interface PlatformFootprint {
  readonly platform: string;
  readonly profile: string;
  readonly target: string;
  /** Zone names; one entry ("one node", "one zone") for single-zone targets. */
  readonly zones: readonly string[];
  readonly parts: readonly FootprintPart[];
  readonly components: readonly ComponentFootprint[];
  /** Deployments, StatefulSets, DaemonSets and volume claims: what runs all the time. */
  readonly running: Totals;
  /** The most any one zone holds of what runs. */
  readonly worstZone: Totals;
  /** Jobs (run to completion: at install, or on every apply for the sync Jobs). */
  readonly jobs: Totals;
  /** Running requests with every autoscaled part at its maximum. */
  readonly atMaximum: Amounts;
  readonly node?: NodeFit;
  /** Containers with a request nothing sets (counted as 0), by part. */
  readonly unset: readonly { readonly part: string; readonly containers: readonly string[] }[];
  /** Containers the API server would refuse, by part. */
  readonly invalid: readonly { readonly part: string; readonly containers: readonly string[] }[];
  /** What is rendered but not counted, and why. */
  readonly notCounted: readonly NotCounted[];
}

const RUNNING: readonly WorkloadSpec["kind"][] = ["Deployment", "StatefulSet", "DaemonSet", "PersistentVolumeClaim"];

/**
 * Reads a platform's footprint: every pod its stacks would run (the platform's own workloads and
 * those its charts render), with sidecars and init containers, per part, component and zone, and
 * how it compares with a node where its size is known (the target's `nodeSize`, or the node the
 * profile is made for).
 */
export function platformFootprint(platform: FootprintSubject): PlatformFootprint {
  const reading = readPlatform(platform);
  const target = platform.target;
  const zoneCount = target.singleNode ? 1 : Math.max(1, target.zones.length);
  const zones = zoneCount > 1 ? [...target.zones] : [target.singleNode ? "one node" : "one zone"];
  // Components in install order, then services, then anything else; parts in the order they were declared.
  const order = (component: string) => {
    const i = platform.components.findIndex((c) => c.key === component);
    return i >= 0 ? i : component.startsWith("services") ? platform.components.length : platform.components.length + 1;
  };
  const parts = reading.workloads.map((w) => measure(w, zoneCount)).sort((x, y) => order(x.component) - order(y.component));
  const running = parts.filter((p) => RUNNING.includes(p.kind));
  const jobs = parts.filter((p) => !RUNNING.includes(p.kind));
  const componentNames = [...new Set(parts.map((p) => p.component))];
  const components = componentNames.map((component) => {
    const mine = (list: FootprintPart[]) => list.filter((p) => p.component === component);
    return { component, running: sum(mine(running).map((p) => p.totals)), worstZone: sum(mine(running).map((p) => p.worstZone)), jobs: sum(mine(jobs).map((p) => p.totals)) };
  });
  const runningTotals = sum(running.map((p) => p.totals));
  const jobTotals = sum(jobs.map((p) => p.totals));
  const worstZone = sum(running.map((p) => p.worstZone));
  const atMaximum = running.reduce(
    (a, p) => {
      const pods = p.autoscaled ? p.autoscaled.max : p.replicas;
      return { cpu: a.cpu + p.pod.requests.cpu * pods, memory: a.memory + p.pod.requests.memory * pods };
    },
    { cpu: 0, memory: 0 },
  );
  const byPart = (pick: (p: FootprintPart) => readonly string[]) => parts.filter((p) => pick(p).length > 0).map((p) => ({ part: `${p.component}/${p.part}`, containers: pick(p) }));
  return {
    platform: platform.platformName,
    profile: platform.profile.name,
    target: target.kind,
    zones,
    parts,
    components,
    running: runningTotals,
    worstZone,
    jobs: jobTotals,
    atMaximum,
    node: nodeFit(platform, running, runningTotals, jobTotals, worstZone),
    unset: byPart((p) => p.pod.unset),
    invalid: byPart((p) => p.pod.invalid),
    notCounted: reading.notCounted,
  };
}

function measure(w: WorkloadSpec, zones: number): FootprintPart {
  const pod = podAmounts(w.containers);
  const perPodVolumes = w.volumes.reduce((n, v) => n + (bytes(v.size) ?? 0), 0);
  const of = (pods: number): Totals => ({
    pods: w.kind === "PersistentVolumeClaim" ? 0 : pods,
    requests: { cpu: pod.requests.cpu * pods, memory: pod.requests.memory * pods },
    limits: {
      cpu: (pod.limits.cpu ?? 0) * pods,
      memory: (pod.limits.memory ?? 0) * pods,
      cpuUnbounded: w.containers.length > 0 && pod.limits.cpu === undefined ? pods : 0,
      memoryUnbounded: w.containers.length > 0 && pod.limits.memory === undefined ? pods : 0,
    },
    volumes: perPodVolumes * pods,
  });
  // Spread members are as even as the scheduler can make them; unspread ones may all share a zone.
  const inWorstZone = zones <= 1 || w.spread === "none" ? w.replicas : Math.ceil(w.replicas / zones);
  return { ...w, pod, totals: of(w.replicas), worstZone: of(inWorstZone) };
}

function sum(list: readonly Totals[]): Totals {
  return list.reduce<Totals>(
    (a, t) => ({
      pods: a.pods + t.pods,
      requests: { cpu: a.requests.cpu + t.requests.cpu, memory: a.requests.memory + t.requests.memory },
      limits: { cpu: a.limits.cpu + t.limits.cpu, memory: a.limits.memory + t.limits.memory, cpuUnbounded: a.limits.cpuUnbounded + t.limits.cpuUnbounded, memoryUnbounded: a.limits.memoryUnbounded + t.limits.memoryUnbounded },
      volumes: a.volumes + t.volumes,
    }),
    { pods: 0, requests: { cpu: 0, memory: 0 }, limits: { cpu: 0, memory: 0, cpuUnbounded: 0, memoryUnbounded: 0 }, volumes: 0 },
  );
}

const amounts = (size: NodeSize): Amounts => ({ cpu: millicores(size.cpu)!, memory: bytes(size.memory)! });

function nodeFit(platform: FootprintSubject, running: FootprintPart[], total: Totals, jobs: Totals, worstZone: Totals): NodeFit | undefined {
  const design = DESIGN_NODE[platform.profile.size];
  let fit: Pick<NodeFit, "source" | "capacity" | "reserved" | "allocatable">;
  if (platform.target.nodeSize) {
    fit = { source: "the target's nodeSize", allocatable: amounts(platform.target.nodeSize) };
  } else if (design) {
    const capacity = amounts(design.capacity);
    const reserved = amounts(design.reserved);
    fit = { source: `the node the ${platform.profile.name} profile is made for`, capacity, reserved, allocatable: { cpu: capacity.cpu - reserved.cpu, memory: capacity.memory - reserved.memory } };
  } else {
    return undefined;
  }
  const a = fit.allocatable;
  const within = (r: Amounts) => r.cpu <= a.cpu && r.memory <= a.memory;
  const largest = running.filter((p) => p.replicas > 0 && p.containers.length > 0).reduce<FootprintPart | undefined>((m, p) => (!m || p.pod.requests.memory > m.pod.requests.memory ? p : m), undefined);
  const withJobs = { cpu: total.requests.cpu + jobs.requests.cpu, memory: total.requests.memory + jobs.requests.memory };
  return {
    ...fit,
    nodesPerZone: Math.max(1, Math.ceil(worstZone.requests.cpu / a.cpu), Math.ceil(worstZone.requests.memory / a.memory)),
    fitsOneNode: within(total.requests),
    fitsOneNodeWithJobs: within(withJobs),
    largestPod: largest ? { part: `${largest.component}/${largest.part}`, requests: largest.pod.requests, fits: within(largest.pod.requests) } : { part: "none", requests: { cpu: 0, memory: 0 }, fits: true },
  };
}
