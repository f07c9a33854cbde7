import { HelmValues, mergeValues } from "../core/helm-chart";
import type { TopologySpread } from "../core/placement";
import { CHARTS } from "../core/versions";
import { spreadOf, ZoneGroup } from "../core/zones";
import type { ContainerSpec, NotCounted, WorkloadSpec } from "./workload";

/**
 * What each pinned chart renders as pods, read from the values handed to it merged over the
 * chart's own defaults (Helm merges maps key by key, so a default the platform does not override,
 * such as a CPU limit, stays). Each reader follows the chart's templates at the pinned tag; the
 * defaults below are the footprint-relevant subset of its values.yaml there. A chart at another
 * version has no reader and is reported as not counted.
 */
export interface ChartReading {
  readonly workloads: WorkloadSpec[];
  readonly notCounted: NotCounted[];
}

type Reader = (values: V, context: { readonly component: string; readonly zoneLabel: string }) => ChartReading;
// Chart values are untyped YAML.
type V = Record<string, any>;

/** The defaults each reader merges the values over, by `<chart>@<version>` (values.yaml at the pinned tag). */
export const CHART_DEFAULTS: Record<string, V> = {
  // apache/pulsar-helm-chart@pulsar-4.7.0:charts/pulsar/values.yaml
  [`pulsar@${CHARTS.pulsar.version}`]: {
    persistence: true,
    volumes: { persistence: true },
    useReleaseStatus: true,
    components: { zookeeper: true, oxia: false, bookkeeper: true, autorecovery: true, broker: true, functions: false, function_worker: false, proxy: true, toolset: true, pulsar_manager: false, dekaf: false },
    standalone: { enabled: false },
    initContainer: { resources: { requests: { memory: "256Mi", cpu: 0.1 } } },
    auth: { authentication: { enabled: false, jwt: { enabled: false, generateSecrets: { enabled: false } } } },
    oxia: { server: { replicas: 3, cpuLimit: 1, memoryLimit: "1Gi", storageSize: "8Gi", topologySpreadConstraints: [] }, coordinator: { cpuLimit: "100m", memoryLimit: "128Mi" } },
    bookkeeper: {
      replicaCount: 4,
      initContainers: [],
      resources: { requests: { memory: "512Mi", cpu: 0.2 } },
      topologySpreadConstraints: [],
      volumes: {
        persistence: true,
        journal: { size: "10Gi", useMultiVolumes: false, multiVolumes: [{ name: "journal0", size: "10Gi" }, { name: "journal1", size: "10Gi" }] },
        ledgers: { size: "50Gi", useMultiVolumes: false, multiVolumes: [{ name: "ledgers0", size: "10Gi" }, { name: "ledgers1", size: "10Gi" }] },
        index: { enabled: false, size: "10Gi" },
        useSingleCommonVolume: false,
        common: { size: "60Gi" },
      },
    },
    autorecovery: { replicaCount: 1, initContainers: [], resources: { requests: { memory: "128Mi", cpu: 0.05 } }, topologySpreadConstraints: [] },
    broker: { replicaCount: 3, autoscaling: { enabled: false, minReplicas: 1, maxReplicas: 3 }, initContainers: [], resources: { requests: { memory: "512Mi", cpu: 0.2 } }, topologySpreadConstraints: [] },
    proxy: { replicaCount: 3, autoscaling: { enabled: false, minReplicas: 1, maxReplicas: 3 }, initContainers: [], resources: { requests: { memory: "128Mi", cpu: 0.2 } }, topologySpreadConstraints: [] },
  },
  // dapr/dapr@v1.18.3:charts/dapr/values.yaml and charts/dapr/charts/<part>/values.yaml
  [`dapr@${CHARTS.dapr.version}`]: {
    global: {
      ha: { enabled: false, replicaCount: 3, podAntiAffinityPolicy: "preferredDuringSchedulingIgnoredDuringExecution" },
      actors: { enabled: true, serviceName: "placement" },
      scheduler: { enabled: true },
      initContainers: {},
      extraContainers: {},
    },
    dapr_operator: { replicaCount: 1, resources: {} },
    dapr_sentry: { replicaCount: 1, resources: {} },
    dapr_sidecar_injector: { enabled: true, replicaCount: 1, resources: {} },
    dapr_placement: { scaleZero: false, ha: false, resources: {}, cluster: { forceInMemoryLog: false }, volumeclaims: { storageSize: "1Gi" } },
    dapr_scheduler: { resources: {}, cluster: { storageSize: "16Gi", inMemoryStorage: false } },
  },
  // kedacore/charts@v2.20.2:keda/values.yaml
  [`keda@${CHARTS.keda.version}`]: {
    operator: { replicaCount: 1, extraContainers: [], extraInitContainers: [] },
    metricsServer: { enabled: true, replicaCount: 1 },
    webhooks: { enabled: true, replicaCount: 1 },
    resources: {
      operator: { limits: { cpu: 1, memory: "1000Mi" }, requests: { cpu: "100m", memory: "100Mi" } },
      metricServer: { limits: { cpu: 1, memory: "1000Mi" }, requests: { cpu: "100m", memory: "100Mi" } },
      webhooks: { limits: { cpu: 1, memory: "1000Mi" }, requests: { cpu: "100m", memory: "100Mi" } },
    },
    topologySpreadConstraints: { operator: [], metricsServer: [], webhooks: [] },
  },
  // kedacore/charts@c4b92e9 ("release v0.15.0"):http-add-on/values.yaml
  [`keda-add-ons-http@${CHARTS.kedaHttpAddOn.version}`]: {
    operator: { replicas: 1, resources: { limits: { cpu: 0.5, memory: "64Mi" }, requests: { cpu: "250m", memory: "20Mi" } } },
    scaler: { replicas: 3, resources: { limits: { cpu: 0.5, memory: "64Mi" }, requests: { cpu: "250m", memory: "20Mi" } } },
    interceptor: { replicas: { min: 3, max: 50 }, resources: { limits: { cpu: 0.5, memory: "64Mi" }, requests: { cpu: "250m", memory: "20Mi" } } },
  },
  // cert-manager/cert-manager@v1.20.3:deploy/charts/cert-manager/values.yaml
  [`cert-manager@${CHARTS.certManager.version}`]: {
    replicaCount: 1,
    resources: {},
    extraContainers: [],
    topologySpreadConstraints: [],
    webhook: { replicaCount: 1, resources: {}, topologySpreadConstraints: [] },
    cainjector: { enabled: true, replicaCount: 1, resources: {}, topologySpreadConstraints: [] },
    startupapicheck: { enabled: true, resources: {} },
  },
  // open-telemetry/opentelemetry-helm-charts@opentelemetry-collector-0.170.0:charts/opentelemetry-collector/values.yaml
  [`opentelemetry-collector@${CHARTS.openTelemetryCollector.version}`]: {
    replicaCount: 1,
    autoscaling: { enabled: false },
    resources: {},
    initContainers: [],
    extraContainers: [],
    topologySpreadConstraints: [],
  },
  // jaegertracing/helm-charts@jaeger-4.11.1:charts/jaeger/values.yaml (no jaeger.resources key: unset)
  [`jaeger@${CHARTS.jaeger.version}`]: {
    jaeger: { enabled: true, replicas: 1 },
    esIndexCleaner: { enabled: false },
    esRollover: { enabled: false },
    esLookback: { enabled: false },
    spark: { enabled: false },
  },
  // hashicorp/consul-k8s@v1.9.11:charts/consul/values.yaml
  [`consul@${CHARTS.consul.version}`]: {
    global: { enabled: true, tls: { enabled: false }, gossipEncryption: { autoGenerate: false }, acls: { manageSystemACLs: false, resources: { requests: { memory: "50Mi", cpu: "50m" }, limits: { memory: "50Mi", cpu: "50m" } } } },
    server: { enabled: "-", replicas: 1, storage: "10Gi", resources: { requests: { memory: "200Mi", cpu: "100m" }, limits: { memory: "200Mi", cpu: "100m" } }, snapshotAgent: { enabled: false } },
    client: { enabled: false },
    connectInject: { enabled: true },
    syncCatalog: { enabled: false },
    meshGateway: { enabled: false },
    ingressGateways: { enabled: false },
    terminatingGateways: { enabled: false },
    telemetryCollector: { enabled: false },
  },
};

/** Values text: JSON (what HelmChart writes) at once; the YAML parser is loaded only for other text. */
export function parseValuesText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("yaml") as typeof import("yaml")).parse(text);
  }
}

const spread = (constraints: unknown, zoneLabel: string): ZoneGroup["spread"] => spreadOf(Array.isArray(constraints) ? (constraints as TopologySpread[]) : [], zoneLabel);
const main = (name: string, resources: unknown): ContainerSpec => ({ name, role: "main", resources });
const init = (name: string, resources: unknown): ContainerSpec => ({ name, role: "init", resources });
const given = (list: unknown, role: ContainerSpec["role"]): ContainerSpec[] =>
  (Array.isArray(list) ? list : []).map((c: V) => ({ name: String(c?.name ?? "extra"), role, resources: c?.resources }));
const whole = (n: unknown, fallback: number) => (Number.isInteger(Number(n)) && n !== null && n !== "" ? Number(n) : fallback);

/** A pod part of a chart, with the defaults of a Deployment (one replica, no volume, not spread). */
function part(component: string, p: Partial<WorkloadSpec> & Pick<WorkloadSpec, "part" | "containers">): WorkloadSpec {
  return { component, kind: "Deployment", replicas: 1, spread: "none", volumes: [], ...p };
}

/** An HPA- or KEDA-driven part: counted at its minimum. */
function scaled(enabled: boolean, replicas: unknown, min: unknown, max: unknown): Pick<WorkloadSpec, "replicas" | "autoscaled"> {
  if (!enabled) return { replicas: whole(replicas, 1) };
  const lo = whole(min, 1);
  return { replicas: Math.max(lo, 1), autoscaled: { min: lo, max: whole(max, lo) } };
}

const READERS: Record<string, Reader> = {
  // templates/{oxia-server-statefulset,oxia-coordinator-deployment,bookkeeper-statefulset,autorecovery-statefulset,
  // broker-statefulset,proxy-statefulset,bookkeeper-cluster-initialize,pulsar-cluster-initialize,jwt-secret-init}.yaml
  [`pulsar@${CHARTS.pulsar.version}`]: (v, { component, zoneLabel }) => {
    const c = v.components;
    const workloads: WorkloadSpec[] = [];
    const notCounted: NotCounted[] = [];
    if (v.standalone?.enabled) return { workloads, notCounted: [{ component, part: "standalone", reason: "standalone mode is not modelled" }] };
    // Every part starts with the chart's own wait/verify init containers, all sized by initContainer.resources.
    const chartInit = init("chart init containers", v.initContainer?.resources);
    const persistent = v.persistence && v.volumes?.persistence;
    if (c.oxia) {
      const s = v.oxia.server;
      // The templates set only limits: the API server copies them into the requests.
      workloads.push(part(component, { part: "Oxia servers", kind: "StatefulSet", replicas: whole(s.replicas, 1), spread: spread(s.topologySpreadConstraints, zoneLabel), containers: [main("server", { limits: { cpu: s.cpuLimit, memory: s.memoryLimit } })], volumes: [{ name: "data", size: String(s.storageSize) }] }));
      const co = v.oxia.coordinator;
      workloads.push(part(component, { part: "Oxia coordinator", containers: [main("coordinator", { limits: { cpu: co.cpuLimit, memory: co.memoryLimit } })] }));
    }
    if (c.bookkeeper) {
      const b = v.bookkeeper;
      const vol = b.volumes ?? {};
      const sized = (d: V, name: string) => (d.useMultiVolumes ? (d.multiVolumes ?? []).map((m: V) => ({ name: String(m.name), size: String(m.size) })) : [{ name, size: String(d.size) }]);
      const volumes = !(persistent && vol.persistence)
        ? []
        : vol.useSingleCommonVolume
          ? [{ name: "common", size: String(vol.common.size) }]
          : [...sized(vol.journal, "journal"), ...sized(vol.ledgers, "ledgers"), ...(vol.index?.enabled ? [{ name: "index", size: String(vol.index.size) }] : [])];
      workloads.push(part(component, { part: "bookies", kind: "StatefulSet", replicas: whole(b.replicaCount, 1), spread: spread(b.topologySpreadConstraints, zoneLabel), containers: [main("bookie", b.resources), chartInit, ...given(b.initContainers, "init")], volumes }));
      if (v.useReleaseStatus || v.initialize) workloads.push(part(component, { part: "BookKeeper metadata init", kind: "Job", containers: [main("bookie-init", b.metadata?.resources), chartInit], note: "on install" }));
    }
    if (c.autorecovery) {
      const a = v.autorecovery;
      workloads.push(part(component, { part: "autorecovery", kind: "StatefulSet", replicas: whole(a.replicaCount, 1), spread: spread(a.topologySpreadConstraints, zoneLabel), containers: [main("recovery", a.resources), chartInit, ...given(a.initContainers, "init")] }));
    }
    if (c.broker) {
      const b = v.broker;
      workloads.push(part(component, { part: "brokers", kind: "StatefulSet", ...scaled(!!b.autoscaling?.enabled, b.replicaCount, b.autoscaling?.minReplicas, b.autoscaling?.maxReplicas), spread: spread(b.topologySpreadConstraints, zoneLabel), containers: [main("broker", b.resources), chartInit, ...given(b.initContainers, "init")] }));
      if (v.useReleaseStatus || v.initialize) workloads.push(part(component, { part: "cluster metadata init", kind: "Job", containers: [main("pulsar-init", v.pulsar_metadata?.resources), chartInit], note: "on install" }));
    }
    if (c.proxy) {
      const p = v.proxy;
      workloads.push(part(component, { part: "proxies", kind: "StatefulSet", ...scaled(!!p.autoscaling?.enabled, p.replicaCount, p.autoscaling?.minReplicas, p.autoscaling?.maxReplicas), spread: spread(p.topologySpreadConstraints, zoneLabel), containers: [main("proxy", p.resources), chartInit, ...given(p.initContainers, "init")] }));
    }
    const jwt = v.auth?.authentication;
    if (jwt?.enabled && jwt.jwt?.enabled && jwt.jwt?.generateSecrets?.enabled) {
      // A Helm hook: its template has no resources for either container.
      workloads.push(part(component, { part: "JWT secret init", kind: "Job", containers: [main("create-secrets", undefined), init("generate-jwt-artifacts", undefined)], note: "Helm hook, before install and upgrade" }));
    }
    for (const toggle of ["zookeeper", "toolset", "function_worker", "pulsar_manager", "dekaf"]) {
      if (c[toggle]) notCounted.push({ component, part: toggle, reason: `components.${toggle} is on: the report does not model it` });
    }
    return { workloads, notCounted };
  },

  // charts/dapr/charts/dapr_*/templates/dapr_*_{deployment,statefulset}.yaml
  [`dapr@${CHARTS.dapr.version}`]: (v, { component }) => {
    const g = v.global;
    const ha = g.ha?.enabled === true;
    // One anti-affinity policy (global.ha.podAntiAffinityPolicy, on global.ha.topologyKey) for every part.
    const policy: ZoneGroup["spread"] = g.ha?.podAntiAffinityPolicy === "requiredDuringSchedulingIgnoredDuringExecution" ? "hard" : "preferred";
    // The operator, sentry and injector render it only with HA.
    const haSpread: ZoneGroup["spread"] = ha ? policy : "none";
    const extra = (key: string) => [...given(g.initContainers?.[key], "init"), ...given(g.extraContainers?.[key], "main")];
    const replicated = (key: string) => (ha ? whole(g.ha.replicaCount, 3) : whole(v[key]?.replicaCount, 1));
    const workloads: WorkloadSpec[] = [
      part(component, { part: "operator", replicas: replicated("dapr_operator"), spread: haSpread, containers: [main("dapr-operator", v.dapr_operator?.resources), ...extra("operator")] }),
      part(component, { part: "sentry", replicas: replicated("dapr_sentry"), spread: haSpread, containers: [main("dapr-sentry", v.dapr_sentry?.resources), ...extra("sentry")] }),
    ];
    if (v.dapr_sidecar_injector?.enabled !== false) {
      workloads.push(part(component, { part: "sidecar injector", replicas: replicated("dapr_sidecar_injector"), spread: haSpread, containers: [main("dapr-sidecar-injector", v.dapr_sidecar_injector?.resources), ...extra("injector")] }));
    }
    const p = v.dapr_placement ?? {};
    if (g.actors?.enabled && g.actors?.serviceName === "placement") {
      // 3 members and the anti-affinity with global.ha or the subchart's own ha, else 1 without it.
      const quorum = ha || p.ha === true;
      workloads.push(part(component, { part: "placement", kind: "StatefulSet", replicas: p.scaleZero ? 0 : quorum ? 3 : 1, spread: quorum ? policy : "none", containers: [main("dapr-placement-server", p.resources), ...extra("placement")], volumes: quorum && !p.cluster?.forceInMemoryLog ? [{ name: "raft-log", size: String(p.volumeclaims.storageSize) }] : [] }));
    }
    const s = v.dapr_scheduler ?? {};
    if (g.scheduler?.enabled) {
      // dapr_scheduler_statefulset.yaml at v1.18.3 writes `replicas: 3` and a 3-member --etcd-initial-cluster
      // whatever global.ha says (inMemoryStorage only swaps the volume claim for a memory emptyDir), and
      // renders the anti-affinity with or without HA.
      workloads.push(part(component, { part: "scheduler", kind: "StatefulSet", replicas: 3, spread: policy, containers: [main("dapr-scheduler-server", s.resources), ...extra("scheduler")], volumes: s.cluster?.inMemoryStorage ? [] : [{ name: "data-dir", size: String(s.cluster.storageSize) }] }));
    }
    return { workloads, notCounted: [] };
  },

  // keda/templates/{manager,metrics-server,webhooks}/deployment.yaml
  [`keda@${CHARTS.keda.version}`]: (v, { component, zoneLabel }) => {
    const r = v.resources ?? {};
    const t = v.topologySpreadConstraints ?? {};
    const workloads = [
      part(component, { part: "operator", replicas: whole(v.operator.replicaCount, 1), spread: spread(t.operator, zoneLabel), containers: [main("keda-operator", r.operator), ...given(v.operator.extraContainers, "main"), ...given(v.operator.extraInitContainers, "init")] }),
    ];
    if (v.metricsServer?.enabled) workloads.push(part(component, { part: "metrics server", replicas: whole(v.metricsServer.replicaCount, 1), spread: spread(t.metricsServer, zoneLabel), containers: [main("keda-operator-metrics-apiserver", r.metricServer)] }));
    if (v.webhooks?.enabled) workloads.push(part(component, { part: "admission webhooks", replicas: whole(v.webhooks.replicaCount, 1), spread: spread(t.webhooks, zoneLabel), containers: [main("keda-admission-webhooks", r.webhooks)] }));
    return { workloads, notCounted: [] };
  },

  // http-add-on/templates/{operator,scaler,interceptor}/deployment.yaml; the interceptor is scaled by its own ScaledObject.
  [`keda-add-ons-http@${CHARTS.kedaHttpAddOn.version}`]: (v, { component, zoneLabel }) => {
    const workloads: WorkloadSpec[] = [];
    const i = v.interceptor;
    workloads.push(part(component, { part: "HTTP interceptor", ...scaled(true, undefined, i.replicas?.min, i.replicas?.max), spread: spread(i.topologySpreadConstraints, zoneLabel), containers: [main("interceptor", i.resources)] }));
    workloads.push(part(component, { part: "HTTP scaler", replicas: whole(v.scaler.replicas, 1), spread: spread(v.scaler.topologySpreadConstraints, zoneLabel), containers: [main("scaler", v.scaler.resources)] }));
    if (whole(v.operator.replicas, 1) > 0) workloads.push(part(component, { part: "HTTP operator", replicas: whole(v.operator.replicas, 1), spread: spread(v.operator.topologySpreadConstraints, zoneLabel), containers: [main("operator", v.operator.resources)] }));
    return { workloads, notCounted: [] };
  },

  // deploy/charts/cert-manager/templates/{deployment,webhook-deployment,cainjector-deployment,startupapicheck-job}.yaml
  [`cert-manager@${CHARTS.certManager.version}`]: (v, { component, zoneLabel }) => {
    const workloads = [
      part(component, { part: "controller", replicas: whole(v.replicaCount, 1), spread: spread(v.topologySpreadConstraints, zoneLabel), containers: [main("cert-manager-controller", v.resources), ...given(v.extraContainers, "main")] }),
      part(component, { part: "webhook", replicas: whole(v.webhook.replicaCount, 1), spread: spread(v.webhook.topologySpreadConstraints, zoneLabel), containers: [main("cert-manager-webhook", v.webhook.resources)] }),
    ];
    if (v.cainjector?.enabled) workloads.push(part(component, { part: "cainjector", replicas: whole(v.cainjector.replicaCount, 1), spread: spread(v.cainjector.topologySpreadConstraints, zoneLabel), containers: [main("cert-manager-cainjector", v.cainjector.resources)] }));
    if (v.startupapicheck?.enabled) workloads.push(part(component, { part: "startup API check", kind: "Job", containers: [main("cert-manager-startupapicheck", v.startupapicheck.resources)], note: "Helm hook, after install" }));
    return { workloads, notCounted: [] };
  },

  // charts/opentelemetry-collector/templates/{deployment.yaml,_pod.tpl}
  [`opentelemetry-collector@${CHARTS.openTelemetryCollector.version}`]: (v, { component, zoneLabel }) => {
    if (v.mode !== "deployment" || v.autoscaling?.enabled) return { workloads: [], notCounted: [{ component, part: "collector", reason: `mode ${String(v.mode)}${v.autoscaling?.enabled ? " with autoscaling" : ""} is not modelled` }] };
    const containers = [main("opentelemetry-collector", v.resources), ...given(v.extraContainers, "main"), ...given(v.initContainers, "init")];
    return { workloads: [part(component, { part: "collector", replicas: whole(v.replicaCount, 1), spread: spread(v.topologySpreadConstraints, zoneLabel), containers })], notCounted: [] };
  },

  // charts/jaeger/templates/jaeger/jaeger-deploy.yaml (the ES maintenance CronJobs are off)
  [`jaeger@${CHARTS.jaeger.version}`]: (v, { component, zoneLabel }) => {
    const j = v.jaeger;
    const workloads = j.enabled ? [part(component, { part: "Jaeger", replicas: whole(j.replicas, 1), spread: spread(j.topologySpreadConstraints, zoneLabel), containers: [main("jaeger", j.resources)] })] : [];
    const notCounted = ["esIndexCleaner", "esRollover", "esLookback", "spark"].filter((k) => v[k]?.enabled).map((k) => ({ component, part: k, reason: `${k}.enabled is on: the report does not model it` }));
    return { workloads, notCounted };
  },

  // charts/consul/templates/{server-statefulset,tls-init-job,gossip-encryption-autogenerate-job,server-acl-init-job,server-acl-init-cleanup-job}.yaml
  [`consul@${CHARTS.consul.version}`]: (v, { component, zoneLabel }) => {
    const g = v.global;
    const s = v.server;
    const workloads: WorkloadSpec[] = [];
    const serverOn = s.enabled === "-" ? g.enabled : !!s.enabled;
    if (serverOn) {
      // The chart takes the spread as YAML text for tpl; text with template braces cannot be read here.
      const text = s.topologySpreadConstraints;
      const constraints = typeof text === "string" && text.trim() && !text.includes("{{") ? parseValuesText(text) : text;
      workloads.push(part(component, { part: "servers", kind: "StatefulSet", replicas: whole(s.replicas, 1), spread: spread(constraints, zoneLabel), containers: [main("consul", s.resources), init("locality-init", undefined)], volumes: [{ name: "data", size: String(s.storage) }] }));
      // Fixed at 50m/50Mi in the templates.
      const fixed = { requests: { memory: "50Mi", cpu: "50m" }, limits: { memory: "50Mi", cpu: "50m" } };
      if (g.tls?.enabled) workloads.push(part(component, { part: "TLS init", kind: "Job", containers: [main("tls-init", fixed)], note: "Helm hook, before install and upgrade" }));
      if (g.acls?.manageSystemACLs) {
        workloads.push(part(component, { part: "ACL init", kind: "Job", containers: [main("server-acl-init-job", g.acls.resources)] }));
        workloads.push(part(component, { part: "ACL init cleanup", kind: "Job", containers: [main("server-acl-init-cleanup", g.acls.resources)], note: "Helm hook, after install and upgrade" }));
      }
    }
    if (g.gossipEncryption?.autoGenerate) workloads.push(part(component, { part: "gossip key", kind: "Job", containers: [main("gossip-encryption-autogen", { requests: { memory: "50Mi", cpu: "50m" }, limits: { memory: "50Mi", cpu: "50m" } })], note: "Helm hook, before install and upgrade" }));
    const notCounted = ["client", "connectInject", "syncCatalog", "meshGateway", "ingressGateways", "terminatingGateways", "telemetryCollector"]
      .filter((k) => v[k]?.enabled === true || (k === "client" && v.client?.enabled === "-" && g.enabled))
      .map((k) => ({ component, part: k, reason: `${k}.enabled is on: the report does not model it` }));
    if (s.snapshotAgent?.enabled) notCounted.push({ component, part: "snapshot agent", reason: "server.snapshotAgent.enabled is on: its container is not counted" });
    return { workloads, notCounted };
  },
};

/** The pods a chart renders from `values` (merged over its defaults), or why they cannot be counted. */
export function chartWorkloads(chart: string, version: string, values: HelmValues, context: { readonly component: string; readonly zoneLabel: string }): ChartReading {
  const key = `${chart}@${version}`;
  const reader = READERS[key];
  if (!reader) return { workloads: [], notCounted: [{ component: context.component, part: `chart ${key}`, reason: "no footprint reader for this chart and version: its pods are not counted" }] };
  const merged = mergeValues((CHART_DEFAULTS[key] ?? {}) as HelmValues, values as HelmValues) as V;
  return reader(merged, context);
}

/** The charts (`<chart>@<version>`) the report can read. */
export const READABLE_CHARTS: readonly string[] = Object.keys(READERS);
