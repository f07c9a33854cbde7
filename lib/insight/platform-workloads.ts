import { IConstruct } from "constructs";
import { TerraformResource, TerraformStack } from "cdktf";
import { HelmChart, HelmValues, mergeValues } from "../core/helm-chart";
import { resolveFast } from "../core/resolve";
import type { TopologySpread } from "../core/placement";
import { spreadOf, ZoneGroup } from "../core/zones";
import { chartWorkloads, parseValuesText } from "./chart-workloads";
import { daprSidecar } from "./sidecars";
import type { ContainerSpec, NotCounted, WorkloadSpec } from "./workload";

type Json = Record<string, unknown>;

/** What a platform's stacks would run, read from the resources as Terraform receives them. */
export interface PlatformReading {
  readonly workloads: WorkloadSpec[];
  readonly notCounted: NotCounted[];
  /** ResourceQuotas, by the component whose construct declares them (a team's: "services (<team>)"). */
  readonly quotas: QuotaSpec[];
}

/** A ResourceQuota as written: its `hard` amounts, unparsed. */
export interface QuotaSpec {
  readonly component: string;
  readonly name: string;
  readonly hard: Record<string, string>;
  /** Whether it has scopes or a scope selector (it then applies to some pods only). */
  readonly scoped: boolean;
}

/** What the reader needs of a platform: its stacks, its components' keys and its zone label. */
export interface ReadablePlatform {
  readonly stacks: readonly TerraformStack[];
  readonly components: readonly { readonly key: string }[];
  readonly target: { readonly zoneLabel: string };
}

const POD_WORKLOADS: Record<string, WorkloadSpec["kind"]> = {
  kubernetes_deployment_v1: "Deployment",
  kubernetes_stateful_set_v1: "StatefulSet",
  kubernetes_daemon_set_v1: "DaemonSet",
  kubernetes_job_v1: "Job",
  kubernetes_cron_job_v1: "CronJob",
};
const READ = new Set([...Object.keys(POD_WORKLOADS), "kubernetes_persistent_volume_claim_v1", "kubernetes_resource_quota_v1", "kubernetes_manifest", "helm_release"]);

/** A provider block: nested blocks are objects or one-element lists in the provider's JSON. */
const one = (value: unknown): Json | undefined => {
  const v = Array.isArray(value) ? value[0] : value;
  return v && typeof v === "object" ? (v as Json) : undefined;
};
/** A count as written, or `fallback` when unset or known only at deploy time (a variable). */
const count = (value: unknown, fallback: number): number => (value !== undefined && value !== null && Number.isFinite(Number(value)) ? Number(value) : fallback);
const many = (value: unknown): Json[] => (Array.isArray(value) ? value : value ? [value] : []).filter((v): v is Json => !!v && typeof v === "object");

/**
 * Every workload, volume claim and chart of the platform's stacks, as the resources resolve (the
 * policy pack's way: the snake_case attributes Terraform gets, not the classes that made them), so
 * what a user adds to those stacks counts too. Charts are read through their readers.
 */
export function readPlatform(platform: ReadablePlatform): PlatformReading {
  const keys = new Set(platform.components.map((c) => c.key));
  const resources: { node: TerraformResource; type: string; attributes: Json; component: string; chart?: HelmChart }[] = [];
  for (const stack of platform.stacks) {
    for (const node of stack.node.findAll()) {
      if (!(node instanceof TerraformResource) || !READ.has(node.terraformResourceType)) continue;
      // A HelmChart's values are read from it: resolving them would render (and cache) them before
      // later addValues() and teams count.
      const chart = node.node.scope instanceof HelmChart ? node.node.scope : undefined;
      resources.push({ node, type: node.terraformResourceType, attributes: resolved(stack, node, chart ? ["values"] : []), component: componentOf(node, keys), chart });
    }
  }
  // ScaledObjects own their target's replica count: `<namespace>/<name>` -> range.
  const scaledObjects = new Map<string, { min: number; max: number }>();
  for (const r of resources.filter((r) => r.type === "kubernetes_manifest")) {
    const m = r.attributes.manifest as Json | undefined;
    if (m?.kind !== "ScaledObject") continue;
    const spec = (m.spec ?? {}) as Json;
    const target = (spec.scaleTargetRef ?? {}) as Json;
    const meta = (m.metadata ?? {}) as Json;
    // KEDA's defaults: minReplicaCount 0, maxReplicaCount 100.
    scaledObjects.set(`${String(meta.namespace)}/${String(target.name)}`, { min: count(spec.minReplicaCount, 0), max: count(spec.maxReplicaCount, 100) });
  }

  const workloads: WorkloadSpec[] = [];
  const notCounted: NotCounted[] = [];
  const quotas: QuotaSpec[] = [];
  for (const r of resources) {
    const kind = POD_WORKLOADS[r.type];
    if (kind) workloads.push(providerWorkload(r.type, kind, r.attributes, r.component, platform.target.zoneLabel, scaledObjects));
    else if (r.type === "kubernetes_persistent_volume_claim_v1") {
      const meta = one(r.attributes.metadata) ?? {};
      const storage = (one(one(r.attributes.spec)?.resources)?.requests as Json | undefined)?.storage;
      workloads.push({ component: r.component, part: `claim ${String(meta.name)}`, kind: "PersistentVolumeClaim", replicas: 1, spread: "none", containers: [], volumes: [{ name: String(meta.name), size: String(storage) }] });
    } else if (r.type === "kubernetes_resource_quota_v1") {
      const spec = one(r.attributes.spec) ?? {};
      const hard = Object.fromEntries(Object.entries((spec.hard ?? {}) as Json).map(([k, v]) => [k, String(v)]));
      quotas.push({ component: r.component, name: String((one(r.attributes.metadata) ?? {}).name), hard, scoped: (Array.isArray(spec.scopes) && spec.scopes.length > 0) || !!one(spec.scope_selector) });
    } else if (r.type === "helm_release") {
      const a = r.attributes;
      const given = r.chart?.values ?? (Array.isArray(a.values) ? a.values : []).reduce<HelmValues>((merged, text) => mergeValues(merged, (parseValuesText(String(text)) ?? {}) as HelmValues), {});
      // Helm applies the release's set blocks over its values files.
      const set = applySets(given, a);
      if (set.unread.length > 0) notCounted.push({ component: r.component, part: `release ${String(a.name)}`, reason: `set values not read: ${set.unread.join("; ")}; the chart's pods are counted without them` });
      const reading = chartWorkloads(String(a.chart), String(a.version), set.values, { component: r.component, zoneLabel: platform.target.zoneLabel });
      workloads.push(...reading.workloads);
      notCounted.push(...reading.notCounted);
    }
  }
  return { workloads, notCounted, quotas };
}

/**
 * The values with a release's `set`, `set_sensitive`, `set_wo` and `set_list` blocks applied as the
 * helm provider hands them to Helm (`--set`, `--set-string` for type "string", `--set-literal` for
 * "literal"): dotted names (`\.` escapes a dot, `[n]` indexes a list), and for `--set` Helm's
 * typing (true, false, null, whole numbers without a leading zero; anything else a string). A value
 * known only at apply (a Terraform expression), or one Helm would split (a comma, `{a,b}`), is not
 * read: it is named in `unread`.
 */
export function applySets(values: HelmValues, attributes: Json): { values: HelmValues; unread: string[] } {
  let out: unknown = values;
  const unread: string[] = [];
  // In the provider's order: set, set_list, set_sensitive, set_wo.
  const blocks = (["set", "set_list", "set_sensitive", "set_wo"] as const).flatMap((key) => many(attributes[key]).map((b) => ({ name: b.name, value: b.value, type: b.type, list: key === "set_list" })));
  for (const b of blocks) {
    const name = String(b.name);
    const path = setPath(name);
    const items: unknown[] = b.list && Array.isArray(b.value) ? b.value : [b.value];
    const type = b.list ? "auto" : String(b.type ?? "auto") || "auto";
    if (!path) {
      unread.push(`${name} is not a name Helm reads`);
      continue;
    }
    if (items.some((v) => typeof v === "string" && v.includes("${"))) {
      unread.push(`${name} is known only at apply`);
      continue;
    }
    if (type === "auto" && items.some((v) => typeof v === "string" && (/(?<!\\),/.test(v) || v.startsWith("{")))) {
      unread.push(`${name}: Helm would split the value`);
      continue;
    }
    const typed = items.map((v) => (v === undefined || v === null ? null : type === "auto" ? typedValue(String(v)) : String(v)));
    out = setAt(out, path, b.list ? typed : typed[0]);
  }
  return { values: out as HelmValues, unread };
}

/** Helm's strvals typing of a `--set` value. */
function typedValue(v: string): unknown {
  const unescaped = v.replace(/\\(.)/g, "$1");
  const lower = unescaped.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  if (lower === "null") return null;
  if (unescaped === "0") return 0;
  if (/^[+-]?[1-9][0-9]*$/.test(unescaped) && Number.isSafeInteger(Number(unescaped))) return Number(unescaped);
  return unescaped;
}

/** `a.b\\.c[1].d` -> ["a", "b.c", 1, "d"]; undefined when it is not a name Helm reads. */
function setPath(name: string): (string | number)[] | undefined {
  const path: (string | number)[] = [];
  let key = "";
  let afterIndex = false;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    if (ch === "\\" && i + 1 < name.length) {
      key += name[++i];
    } else if (ch === ".") {
      if (key) path.push(key);
      else if (!afterIndex) return undefined;
      key = "";
      afterIndex = false;
    } else if (ch === "[") {
      const end = name.indexOf("]", i);
      const index = end > i ? name.slice(i + 1, end) : "";
      if (!/^[0-9]+$/.test(index) || (!key && !afterIndex)) return undefined;
      if (key) path.push(key);
      path.push(Number(index));
      key = "";
      afterIndex = true;
      i = end;
    } else {
      if (afterIndex) return undefined;
      key += ch;
    }
  }
  if (key) path.push(key);
  else if (!afterIndex) return undefined;
  return path.length > 0 ? path : undefined;
}

/** A copy of `tree` with `value` at `path`, copying only the maps and lists on the way. */
function setAt(tree: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (typeof head === "number") {
    const list = Array.isArray(tree) ? [...tree] : [];
    while (list.length < head) list.push(null);
    list[head] = setAt(list[head], rest, value);
    return list;
  }
  const map = tree && typeof tree === "object" && !Array.isArray(tree) ? { ...(tree as Json) } : {};
  map[head] = setAt(map[head], rest, value);
  return map;
}

/** The resource's attributes as Terraform gets them, without `omit` (left unresolved). */
function resolved(stack: TerraformStack, node: TerraformResource, omit: string[]): Json {
  const raw = (node as unknown as { toTerraform(): { resource: Record<string, Record<string, Json>> } }).toTerraform();
  const attributes = { ...Object.values(raw.resource[node.terraformResourceType])[0] };
  for (const key of omit) delete attributes[key];
  return resolveFast(stack, attributes, false) as Json;
}

/** `<platform>-<layer>/<component key>/...`; services sit under `<platform>-apps/Teams/<team>/`. */
function componentOf(node: IConstruct, keys: Set<string>): string {
  const [, first, second] = node.node.path.split("/");
  if (keys.has(first)) return first;
  if (first === "Teams" && second) return `services (${second})`;
  return "platform";
}

function providerWorkload(type: string, kind: WorkloadSpec["kind"], attributes: Json, component: string, zoneLabel: string, scaledObjects: Map<string, { min: number; max: number }>): WorkloadSpec {
  const meta = one(attributes.metadata) ?? {};
  const spec = one(attributes.spec) ?? {};
  const template = type === "kubernetes_cron_job_v1" ? one(one(one(spec.job_template)?.spec)?.template) : one(spec.template);
  const pod = one(template?.spec) ?? {};
  const annotations = (one(template?.metadata)?.annotations ?? {}) as Record<string, string>;
  const containers: ContainerSpec[] = [
    ...many(pod.container).map((c) => ({ name: String(c.name), role: "main" as const, resources: one(c.resources) })),
    ...many(pod.init_container).map((c) => ({ name: String(c.name), role: "init" as const, resources: one(c.resources) })),
    ...daprSidecar(annotations),
  ];
  const name = String(meta.name);
  const volumes = many(spec.volume_claim_template).map((t) => ({ name: String(one(t.metadata)?.name), size: String((one(one(t.spec)?.resources)?.requests as Json | undefined)?.storage) }));
  let replicas = 1;
  let autoscaled: WorkloadSpec["autoscaled"];
  if (kind === "Deployment" || kind === "StatefulSet") {
    const range = spec.replicas === undefined ? scaledObjects.get(`${String(meta.namespace)}/${name}`) : undefined;
    // An autoscaler's workload is counted awake (at least one pod); Kubernetes defaults an unset count to 1.
    if (range) [replicas, autoscaled] = [Math.max(range.min, 1), range];
    else replicas = count(spec.replicas, 1);
  } else if (kind === "Job") {
    replicas = count(spec.parallelism, 1);
  }
  return { component, part: name, kind, replicas, autoscaled, spread: podSpread(pod, zoneLabel), containers, volumes, note: kind === "DaemonSet" ? "one pod per node, counted once" : undefined };
}

/** Hard with a DoNotSchedule zone constraint or required anti-affinity on the zone label; preferred with a softer one. */
function podSpread(pod: Json, zoneLabel: string): ZoneGroup["spread"] {
  const constraints = many(pod.topology_spread_constraint).map((c) => ({ maxSkew: Number(c.max_skew), topologyKey: String(c.topology_key), whenUnsatisfiable: c.when_unsatisfiable, labelSelector: { matchLabels: {} } }) as TopologySpread);
  const fromConstraints = spreadOf(constraints, zoneLabel);
  const anti = one(one(pod.affinity)?.pod_anti_affinity);
  const requiredOnZone = many(anti?.required_during_scheduling_ignored_during_execution).some((t) => t.topology_key === zoneLabel);
  const preferredOnZone = many(anti?.preferred_during_scheduling_ignored_during_execution).some((p) => one(p.pod_affinity_term)?.topology_key === zoneLabel);
  if (fromConstraints === "hard" || requiredOnZone) return "hard";
  return fromConstraints === "preferred" || preferredOnZone ? "preferred" : "none";
}
