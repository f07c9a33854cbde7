import { DESIGN_NODE, NodeSize, Size } from "../core/defaults";
import { isZoneAware, ZoneGroup } from "../core/zones";
import { QuotaSpec, readPlatform, ReadablePlatform } from "./platform-workloads";
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
  /**
   * The most of it one zone can hold, an upper bound: ceil(pods / zones) when spread hard, all of it
   * otherwise (a preferred spread guarantees nothing: the scheduler may put every pod in one zone).
   */
  readonly worstZone: Totals;
  /** The most of it one zone holds when every spread, preferred ones too, is honoured: ceil(pods / zones) when spread, all of it when not. */
  readonly evenZone: Totals;
  /** The zone group its component reports for it (what the zone analysis reads), if any. */
  readonly zoneGroup?: ZoneGroup;
}

/** A component's running parts and its Jobs. */
export interface ComponentFootprint {
  readonly component: string;
  readonly running: Totals;
  readonly worstZone: Totals;
  readonly evenZone: Totals;
  readonly jobs: Totals;
}

/** A pod and whether it fits a node on its own. */
export interface PodFit {
  readonly part: string;
  readonly requests: Amounts;
  readonly fits: boolean;
}

/** What a ResourceQuota admits: CPU in millicores, memory in bytes, pods. */
export type QuotaKey = "requests.cpu" | "requests.memory" | "limits.cpu" | "limits.memory" | "pods";

/** A team's ResourceQuota against its services at their autoscalers' maximum. */
export interface QuotaCheck {
  /** The team's services ("services (<team>)"). */
  readonly component: string;
  readonly quota: string;
  /** Its hard amounts the report reads (`cpu` and `memory` are read as `requests.*`). */
  readonly hard: Partial<Record<QuotaKey, number>>;
  /** What the component's running pods would take of each with every autoscaler at its maximum (left out where a pod has no such limit). */
  readonly atMaximum: Partial<Record<QuotaKey, number>>;
  /** Where the maximum is above the quota: the API server refuses the pods beyond it. */
  readonly binds: readonly QuotaKey[];
  /**
   * The most the component's running pods can request within the quota: their requests at the
   * maximum, capped per quota amount by the pods that ask the most for what they take of it.
   */
  readonly requestsWithin: Amounts;
}

/** A part whose pod count or spread differs from the zone group its component reports for it. */
export interface ZoneAnalysisDifference {
  /** `<component>/<part>` as the zone analysis names it. */
  readonly part: string;
  /** What runs (the workload, or the chart's templates); undefined when no such part is counted. */
  readonly counted?: { readonly pods: number; readonly spread: ZoneGroup["spread"] };
  readonly group: ZoneGroup;
}

/** A node the platform is checked against. */
export interface NodeFit {
  /** Where the size comes from. */
  readonly source: string;
  readonly capacity?: Amounts;
  readonly reserved?: Amounts;
  /** What one node offers the platform's pods. */
  readonly allocatable: Amounts;
  /**
   * Nodes each zone needs at least: the running requests over the zones, as if spread evenly over
   * zones of equal size (bin packing and host anti-affinity can only add).
   */
  readonly nodesPerZone: number;
  /** ... with every autoscaler at its maximum (team quotas applied). */
  readonly nodesPerZoneAtMaximum: number;
  /** Nodes the busiest zone needs, packed perfectly, with every spread honoured (`evenZone`). */
  readonly nodesForEvenZone: number;
  /** ... holding the most it can (`worstZone`). */
  readonly nodesForWorstZone: number;
  /** The platform's running pods' requests fit one node (what a single-node target is judged by). */
  readonly fitsOneNode: boolean;
  /** ... with every Job running at the same time too. */
  readonly fitsOneNodeWithJobs: boolean;
  /** The largest pods by memory and by CPU requests: a pod must fit a node on its own. */
  readonly largestPods: { readonly memory: PodFit; readonly cpu: PodFit };
}

/** The platform's CPU, memory and volume footprint, by part, component and zone. */
export interface PlatformFootprint {
  readonly platform: string;
  readonly profile: string;
  readonly target: string;
  /** The target is one node (k3s at the edge): the platform is judged by whether it fits that node. */
  readonly singleNode: boolean;
  /** Zone names; one entry ("one node", "one zone") for single-zone targets. */
  readonly zones: readonly string[];
  readonly parts: readonly FootprintPart[];
  readonly components: readonly ComponentFootprint[];
  /** Deployments, StatefulSets, DaemonSets and volume claims: what runs all the time. */
  readonly running: Totals;
  /** The most any one zone can hold of what runs: an upper bound (only hard spreads counted as even). */
  readonly worstZone: Totals;
  /** The most the busiest zone holds when every spread, preferred ones too, is honoured. */
  readonly evenZone: Totals;
  /** Jobs (run to completion: at install, or on every apply for the sync Jobs). */
  readonly jobs: Totals;
  /** Running requests with every autoscaled part at its maximum. */
  readonly atMaximum: Amounts;
  /** ... with each team's services capped at what its ResourceQuota admits. */
  readonly atMaximumWithinQuotas: Amounts;
  /** Team ResourceQuotas against their services at the autoscalers' maximum. */
  readonly quotas: readonly QuotaCheck[];
  /** Parts whose count or spread differs from the zone group their component reports (the zone analysis reads those). */
  readonly zoneAnalysisDiffers: readonly ZoneAnalysisDifference[];
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
 * how it compares with a node where its size is known (the target's `nodeSize`, or on the
 * single-node k3s target the node the profile is made for).
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
  const groups = platform.components.flatMap((c) => (isZoneAware(c) ? c.zoneGroups() : []));
  const parts = reading.workloads.map((w) => measure(w, zoneCount, groupOf(w, groups))).sort((x, y) => order(x.component) - order(y.component));
  const running = parts.filter((p) => RUNNING.includes(p.kind));
  const jobs = parts.filter((p) => !RUNNING.includes(p.kind));
  const componentNames = [...new Set(parts.map((p) => p.component))];
  const components = componentNames.map((component) => {
    const mine = (list: FootprintPart[]) => list.filter((p) => p.component === component);
    return { component, running: sum(mine(running).map((p) => p.totals)), worstZone: sum(mine(running).map((p) => p.worstZone)), evenZone: sum(mine(running).map((p) => p.evenZone)), jobs: sum(mine(jobs).map((p) => p.totals)) };
  });
  const runningTotals = sum(running.map((p) => p.totals));
  const jobTotals = sum(jobs.map((p) => p.totals));
  const worstZone = sum(running.map((p) => p.worstZone));
  const evenZone = sum(running.map((p) => p.evenZone));
  const atMaximum = requestsAtMaximum(running);
  const quotas = reading.quotas.filter((q) => q.component.startsWith("services (") && !q.scoped).map((q) => quotaCheck(q, running.filter((p) => p.component === q.component)));
  // Each team's services at the most its quotas admit (the lowest of them), the rest at their maximum.
  const atMaximumWithinQuotas = [...new Set(quotas.map((q) => q.component))].reduce((a, component) => {
    const mine = quotas.filter((q) => q.component === component);
    const uncapped = requestsAtMaximum(running.filter((p) => p.component === component));
    const within = { cpu: Math.min(...mine.map((q) => q.requestsWithin.cpu)), memory: Math.min(...mine.map((q) => q.requestsWithin.memory)) };
    return { cpu: a.cpu - uncapped.cpu + within.cpu, memory: a.memory - uncapped.memory + within.memory };
  }, atMaximum);
  const notCounted = [...reading.notCounted, ...reading.quotas.filter((q) => q.scoped).map((q) => ({ component: q.component, part: `quota ${q.name}`, reason: "a scoped ResourceQuota is not applied to the autoscalers' maximum" }))];
  const byPart = (pick: (p: FootprintPart) => readonly string[]) => parts.filter((p) => pick(p).length > 0).map((p) => ({ part: `${p.component}/${p.part}`, containers: pick(p) }));
  return {
    platform: platform.platformName,
    profile: platform.profile.name,
    target: target.kind,
    singleNode: target.singleNode,
    zones,
    parts,
    components,
    running: runningTotals,
    worstZone,
    evenZone,
    jobs: jobTotals,
    atMaximum,
    atMaximumWithinQuotas,
    quotas,
    zoneAnalysisDiffers: zoneDifferences(groups, running),
    node: nodeFit(platform, zoneCount, running, { running: runningTotals, jobs: jobTotals, worstZone, evenZone, atMaximum: atMaximumWithinQuotas }),
    unset: byPart((p) => p.pod.unset),
    invalid: byPart((p) => p.pod.invalid),
    notCounted,
  };
}

/** Zone groups named otherwise than the part that runs them. */
const GROUP_PARTS: Record<string, string> = { "Nacos members": "nacos", "Consul servers": "servers" };
const partOf = (group: ZoneGroup) => GROUP_PARTS[group.part] ?? group.part;

function groupOf(w: WorkloadSpec, groups: readonly ZoneGroup[]): ZoneGroup | undefined {
  return RUNNING.includes(w.kind) && w.kind !== "PersistentVolumeClaim" ? groups.find((g) => g.component === w.component && partOf(g) === w.part) : undefined;
}

function zoneDifferences(groups: readonly ZoneGroup[], running: readonly FootprintPart[]): ZoneAnalysisDifference[] {
  return groups.flatMap((group) => {
    const p = running.find((x) => x.zoneGroup === group);
    // An autoscaled part's group may count its minimum.
    const same = p && (group.members === p.replicas || group.members === p.autoscaled?.min) && group.spread === p.spread;
    return same ? [] : [{ part: `${group.component}/${group.part}`, counted: p ? { pods: p.replicas, spread: p.spread } : undefined, group }];
  });
}

function requestsAtMaximum(running: readonly FootprintPart[]): Amounts {
  return running.reduce(
    (a, p) => {
      const pods = p.autoscaled ? p.autoscaled.max : p.replicas;
      return { cpu: a.cpu + p.pod.requests.cpu * pods, memory: a.memory + p.pod.requests.memory * pods };
    },
    { cpu: 0, memory: 0 },
  );
}

const QUOTA_KEYS: readonly QuotaKey[] = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "pods"];

/** What one pod takes of a quota amount; undefined when it has no such limit. */
function usage(p: FootprintPart, key: QuotaKey): number | undefined {
  switch (key) {
    case "requests.cpu":
      return p.pod.requests.cpu;
    case "requests.memory":
      return p.pod.requests.memory;
    case "limits.cpu":
      return p.pod.limits.cpu;
    case "limits.memory":
      return p.pod.limits.memory;
    default:
      return 1;
  }
}

function quotaCheck(q: QuotaSpec, parts: readonly FootprintPart[]): QuotaCheck {
  const hard: Partial<Record<QuotaKey, number>> = {};
  for (const [key, text] of Object.entries(q.hard)) {
    const name = (key === "cpu" || key === "memory" ? `requests.${key}` : key) as QuotaKey;
    if (!QUOTA_KEYS.includes(name)) continue;
    const value = name.endsWith("cpu") ? millicores(text) : bytes(text);
    if (value !== undefined) hard[name] = Math.min(hard[name] ?? Infinity, value);
  }
  const pods = parts.filter((p) => p.containers.length > 0).map((p) => ({ p, n: p.autoscaled ? p.autoscaled.max : p.replicas })).filter((x) => x.n > 0);
  const atMaximum: Partial<Record<QuotaKey, number>> = {};
  for (const key of QUOTA_KEYS) {
    if (pods.every((x) => usage(x.p, key) !== undefined)) atMaximum[key] = pods.reduce((n, x) => n + usage(x.p, key)! * x.n, 0);
  }
  const binds = QUOTA_KEYS.filter((key) => hard[key] !== undefined && atMaximum[key] !== undefined && atMaximum[key]! > hard[key]!);
  // Whatever pods are admitted, their requests of d are at most (the largest d per unit of a quota amount) x that amount.
  const within = (d: "cpu" | "memory") => {
    let most = pods.reduce((n, x) => n + x.p.pod.requests[d] * x.n, 0);
    for (const key of binds) {
      const ratios = pods.map((x) => (x.p.pod.requests[d] === 0 ? 0 : usage(x.p, key)! > 0 ? x.p.pod.requests[d] / usage(x.p, key)! : Infinity));
      most = Math.min(most, Math.floor(Math.max(0, ...ratios) * hard[key]!));
    }
    return most;
  };
  return { component: q.component, quota: q.name, hard, atMaximum, binds, requestsWithin: { cpu: within("cpu"), memory: within("memory") } };
}

function measure(w: WorkloadSpec, zones: number, zoneGroup: ZoneGroup | undefined): FootprintPart {
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
  // A hard spread keeps members even; a preferred one only asks, so the bound puts them all in one zone.
  const evenly = Math.ceil(w.replicas / zones);
  const worst = zones <= 1 || w.spread !== "hard" ? w.replicas : evenly;
  const even = zones <= 1 || w.spread === "none" ? w.replicas : evenly;
  return { ...w, pod, totals: of(w.replicas), worstZone: of(worst), evenZone: of(even), ...(zoneGroup ? { zoneGroup } : {}) };
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

function nodeFit(platform: FootprintSubject, zones: number, running: FootprintPart[], t: { running: Totals; jobs: Totals; worstZone: Totals; evenZone: Totals; atMaximum: Amounts }): NodeFit | undefined {
  const target = platform.target;
  // The node a profile is made for is the edge's k3s node: another target's nodes are its own.
  const design = target.kind === "k3s" && target.singleNode ? DESIGN_NODE[platform.profile.size] : undefined;
  let fit: Pick<NodeFit, "source" | "capacity" | "reserved" | "allocatable">;
  if (target.nodeSize) {
    fit = { source: "the target's nodeSize", allocatable: amounts(target.nodeSize) };
  } else if (design) {
    const capacity = amounts(design.capacity);
    const reserved = amounts(design.reserved);
    fit = { source: `the node the ${platform.profile.name} profile is made for`, capacity, reserved, allocatable: { cpu: capacity.cpu - reserved.cpu, memory: capacity.memory - reserved.memory } };
  } else {
    return undefined;
  }
  const a = fit.allocatable;
  const within = (r: Amounts) => r.cpu <= a.cpu && r.memory <= a.memory;
  const nodes = (r: Amounts, over = 1) => Math.max(1, Math.ceil(r.cpu / over / a.cpu), Math.ceil(r.memory / over / a.memory));
  const pods = running.filter((p) => p.replicas > 0 && p.containers.length > 0);
  const largest = (d: "cpu" | "memory"): PodFit => {
    const p = pods.reduce<FootprintPart | undefined>((m, x) => (!m || x.pod.requests[d] > m.pod.requests[d] ? x : m), undefined);
    return p ? { part: `${p.component}/${p.part}`, requests: p.pod.requests, fits: within(p.pod.requests) } : { part: "none", requests: { cpu: 0, memory: 0 }, fits: true };
  };
  const withJobs = { cpu: t.running.requests.cpu + t.jobs.requests.cpu, memory: t.running.requests.memory + t.jobs.requests.memory };
  return {
    ...fit,
    nodesPerZone: nodes(t.running.requests, zones),
    nodesPerZoneAtMaximum: nodes(t.atMaximum, zones),
    nodesForEvenZone: nodes(t.evenZone.requests),
    nodesForWorstZone: nodes(t.worstZone.requests),
    fitsOneNode: within(t.running.requests),
    fitsOneNodeWithJobs: within(withJobs),
    largestPods: { memory: largest("memory"), cpu: largest("cpu") },
  };
}
