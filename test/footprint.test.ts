import {
  AUTOSCALE_DEFAULTS, Broker, BROKER_DEFAULTS, CertManager, Consul, DaprRuntime, Nacos, OffloadStore, CHARTS, DAPR_SIDECAR_RESOURCES, DESIGN_NODE, FootprintPart, HTTP_INTERCEPTOR_MAX_REPLICAS, Keda, MicroservicePlatform, NACOS_DEFAULTS, parseQuantity,
  PlatformFootprint, platformFootprint, Profile, renderFootprint, SERVICE_RESOURCES, Size, Target, Totals, Tracing,
} from "../lib";
import { CHART_DEFAULTS, READABLE_CHARTS } from "../lib/insight/chart-workloads";
import { footprintFailures } from "../lib/insight/render";
import { formatBytes } from "../lib/insight/workload";
import { Testing } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { BLUEPRINTS } from "../stacks/blueprints";
import { chartKeys, unknownPaths } from "./chart-keys";
import { failure, testApp } from "./helpers";

const m = (q: string) => Math.round(parseQuantity(q)! * 1000);
const b = (q: string) => parseQuantity(q)!;
const RUNNING = ["Deployment", "StatefulSet", "DaemonSet", "PersistentVolumeClaim"];

function add(list: Totals[]): { cpu: number; memory: number; volumes: number; pods: number } {
  return list.reduce((a, t) => ({ cpu: a.cpu + t.requests.cpu, memory: a.memory + t.requests.memory, volumes: a.volumes + t.volumes, pods: a.pods + t.pods }), { cpu: 0, memory: 0, volumes: 0, pods: 0 });
}
const flat = (t: Totals) => ({ cpu: t.requests.cpu, memory: t.requests.memory, volumes: t.volumes, pods: t.pods });
const part = (f: PlatformFootprint, component: string, name: string): FootprintPart => {
  const found = f.parts.find((p) => p.component === component && p.part === name);
  if (!found) throw new Error(`no part ${component}/${name} in ${f.parts.map((p) => `${p.component}/${p.part}`).join(", ")}`);
  return found;
};

describe("footprint", () => {
  let edge: PlatformFootprint;
  let aws: PlatformFootprint;
  let awsPlatform: MicroservicePlatform;
  beforeAll(() => {
    edge = platformFootprint(BLUEPRINTS.edge(testApp()));
    awsPlatform = BLUEPRINTS.aws(testApp());
    aws = platformFootprint(awsPlatform);
  });

  test("the edge blueprint fits the 4 vCPU / 8 GiB node it is made for, less what k3s keeps", () => {
    const node = edge.node!;
    const design = DESIGN_NODE[Size.TINY]!;
    expect(node.allocatable).toEqual({ cpu: m(design.capacity.cpu) - m(design.reserved.cpu), memory: b(design.capacity.memory) - b(design.reserved.memory) });
    expect(node.allocatable).toEqual({ cpu: 3500, memory: 6 * 2 ** 30 });
    expect(edge.zones).toEqual(["one node"]);
    // Every component of the blueprint runs.
    expect(new Set(edge.components.filter((c) => c.running.pods > 0).map((c) => c.component))).toEqual(new Set(["broker", "registry", "keda", "dapr", "tracing", "services (edge-apps)"]));
    expect(edge.running.requests.cpu).toBeLessThanOrEqual(node.allocatable.cpu);
    expect(edge.running.requests.memory).toBeLessThanOrEqual(node.allocatable.memory);
    expect(node.fitsOneNode).toBe(true);
    // Jobs at install and sync time, and every autoscaler at its maximum, still fit.
    expect(node.fitsOneNodeWithJobs).toBe(true);
    expect(edge.atMaximum.cpu).toBeLessThanOrEqual(node.allocatable.cpu);
    expect(edge.atMaximum.memory).toBeLessThanOrEqual(node.allocatable.memory);
    // Memory is not overcommitted: every running pod has a limit, and they add up to less than the node.
    expect(edge.running.limits.memoryUnbounded).toBe(0);
    expect(edge.running.limits.memory).toBeLessThanOrEqual(node.allocatable.memory);
    expect(edge.invalid).toEqual([]);
    expect(edge.notCounted).toEqual([]);
    expect(renderFootprint(edge)).toContain("- Fits one node: yes");
  });

  test.each([
    ["Nacos", () => new Nacos()],
    ["Consul", () => new Consul()],
  ])("the edge profile still fits its node with every component on, cert-manager and %s included", (_name, registry) => {
    const platform = new MicroservicePlatform(testApp(), "full", {
      target: Target.k3s(),
      profile: Profile.EDGE,
      broker: { offload: OffloadStore.filesystem({ size: "5Gi" }) },
      components: [registry(), new Keda(), new DaprRuntime(), new Tracing(), new CertManager()],
    });
    const f = platformFootprint(platform);
    expect(f.components.map((c) => c.component)).toEqual(expect.arrayContaining(["broker", "registry", "keda", "dapr", "tracing", "cert-manager"]));
    expect([f.node!.fitsOneNode, f.node!.fitsOneNodeWithJobs, f.invalid]).toEqual([true, true, []]);
  });

  test("unset requests are counted as 0 and named: on the edge only the Pulsar chart's Jobs have them", () => {
    expect(edge.unset.map((u) => u.part)).toEqual(["broker/BookKeeper metadata init", "broker/cluster metadata init", "broker/JWT secret init"]);
    for (const u of edge.unset) expect(part(edge, "broker", u.part.slice("broker/".length)).kind).toBe("Job");
    expect(renderFootprint(edge)).toContain("Unset requests (*, counted as 0): 4 containers");
  });

  test("totals are the sums of their parts, by component and by zone", () => {
    for (const f of [edge, aws]) {
      const running = f.parts.filter((p) => RUNNING.includes(p.kind));
      const jobs = f.parts.filter((p) => !RUNNING.includes(p.kind));
      expect(flat(f.running)).toEqual(add(running.map((p) => p.totals)));
      expect(flat(f.jobs)).toEqual(add(jobs.map((p) => p.totals)));
      expect(flat(f.worstZone)).toEqual(add(running.map((p) => p.worstZone)));
      expect(add(f.components.map((c) => c.running))).toEqual(flat(f.running));
      expect(add(f.components.map((c) => c.worstZone))).toEqual(flat(f.worstZone));
      for (const p of f.parts) expect(p.totals.requests).toEqual({ cpu: p.pod.requests.cpu * p.replicas, memory: p.pod.requests.memory * p.replicas });
    }
  });

  test("a part's numbers are what the code sets: bookies, Nacos members, services with their sidecar", () => {
    const bookie = BROKER_DEFAULTS[Size.LARGE].bookie;
    const bookies = part(aws, "broker", "bookies");
    expect(bookies.kind).toBe("StatefulSet");
    expect(bookies.replicas).toBe(awsPlatform.component(Broker).topology.bookies);
    expect(bookies.replicas).toBe(6);
    expect(bookies.pod.requests).toEqual({ cpu: m(bookie.cpu), memory: b(bookie.memory) });
    expect(bookies.pod.limits.memory).toBe(b(bookie.memoryLimit));
    expect(bookies.totals.volumes).toBe(6 * (b(bookie.journal) + b(bookie.ledgers)));

    const nacos = NACOS_DEFAULTS[Size.LARGE];
    const members = part(aws, "registry", "nacos");
    expect(members.replicas).toBe(3);
    expect(members.pod.requests).toEqual({ cpu: m(nacos.cpu), memory: b(nacos.memory) });
    expect(members.totals.volumes).toBe(3 * b(nacos.storage));

    // podinfo plus the daprd sidecar the runtime's annotations ask for; scaled to zero by KEDA, counted awake.
    const service = SERVICE_RESOURCES[Size.TINY];
    const sidecar = DAPR_SIDECAR_RESOURCES[Size.TINY];
    const publisher = part(edge, "services (edge-apps)", "hello-publisher");
    expect(publisher.containers.map((c) => `${c.name}:${c.role}`)).toEqual(["hello-publisher:main", "daprd:sidecar"]);
    expect(publisher.pod.requests).toEqual({ cpu: m(service.cpu) + m(sidecar.cpu), memory: b(service.memory) + b(sidecar.memory) });
    expect(publisher.pod.limits).toEqual({ memory: b(service.memoryLimit) + b(sidecar.memoryLimit) });
    expect(publisher.autoscaled).toEqual({ min: 0, max: AUTOSCALE_DEFAULTS.maxReplicas });
    expect(publisher.replicas).toBe(1);

    // Chart defaults the platform does not override stay: KEDA's CPU limit, Oxia's coordinator size.
    expect(part(edge, "keda", "operator").pod.limits.cpu).toBe(1000);
    expect(part(edge, "broker", "Oxia coordinator").pod.requests).toEqual({ cpu: 100, memory: 128 * 2 ** 20 });
    expect(part(edge, "keda", "HTTP interceptor").autoscaled).toEqual({ min: 1, max: HTTP_INTERCEPTOR_MAX_REPLICAS[Size.TINY] });
  });

  test("init containers count by the largest, not the sum", () => {
    // A broker pod starts with the chart's init containers (100m / 256Mi), then runs the broker alone.
    const brokers = part(edge, "broker", "brokers");
    expect(brokers.containers.filter((c) => c.role === "init").length).toBeGreaterThan(0);
    expect(brokers.pod.requests).toEqual({ cpu: m(BROKER_DEFAULTS[Size.TINY].broker.cpu), memory: b(BROKER_DEFAULTS[Size.TINY].broker.memory) });
    // A Job whose main container sets nothing is as large as its init container.
    expect(part(edge, "broker", "cluster metadata init").pod.requests).toEqual({ cpu: 100, memory: 256 * 2 ** 20 });
  });

  test("zones: hard-spread parts put ceil(pods / zones) in the worst zone, the others all of theirs", () => {
    expect(aws.zones).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    const bookies = part(aws, "broker", "bookies");
    expect(bookies.spread).toBe("hard");
    expect(bookies.worstZone.pods).toBe(2);
    expect(bookies.worstZone.volumes).toBe(bookies.totals.volumes / 3);
    expect(part(aws, "keda", "operator").worstZone.pods).toBe(2); // 2 replicas, preferred over 3 zones: nothing keeps them apart
    const coordinator = part(aws, "broker", "Oxia coordinator");
    expect(coordinator.spread).toBe("none");
    expect(coordinator.worstZone.pods).toBe(1);
    expect(aws.worstZone.requests.cpu).toBeLessThan(aws.running.requests.cpu);
    expect(renderFootprint(aws)).toContain("| broker/bookies | StatefulSet | 6 | hard |");
    // One node: the worst zone is everything.
    expect(flat(edge.worstZone)).toEqual(flat(edge.running));
  });

  test("replicas and spread agree with the zone analysis", () => {
    const names: Record<string, string> = { "registry/Nacos members": "registry/nacos" };
    const verdicts = awsPlatform.zoneAnalysis();
    expect(verdicts.length).toBeGreaterThan(10);
    for (const v of verdicts) {
      const key = `${v.group.component}/${v.group.part}`;
      const p = aws.parts.find((x) => `${x.component}/${x.part}` === (names[key] ?? key));
      expect({ key, members: p?.replicas, spread: p?.spread }).toEqual({ key, members: v.group.members, spread: v.group.spread });
    }
  });

  test("a cloud target's nodeSize sizes the zones; a bad one is refused", () => {
    const platform = new MicroservicePlatform(testApp(), "sized", {
      target: Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"], nodeSize: { cpu: "3920m", memory: "14Gi" } }),
      profile: Profile.PRODUCTION,
    });
    const f = platformFootprint(platform);
    expect(f.node!.source).toBe("the target's nodeSize");
    expect(f.node!.allocatable).toEqual({ cpu: 3920, memory: 14 * 2 ** 30 });
    // At least: the running requests over 3 zones of equal size.
    expect(f.node!.nodesPerZone).toBe(Math.max(1, Math.ceil(f.running.requests.cpu / 3 / 3920), Math.ceil(f.running.requests.memory / 3 / (14 * 2 ** 30))));
    expect(f.node!.nodesForWorstZone).toBe(Math.max(1, Math.ceil(f.worstZone.requests.cpu / 3920), Math.ceil(f.worstZone.requests.memory / (14 * 2 ** 30))));
    expect(f.node!.nodesForEvenZone).toBe(Math.max(1, Math.ceil(f.evenZone.requests.cpu / 3920), Math.ceil(f.evenZone.requests.memory / (14 * 2 ** 30))));
    expect(renderFootprint(f)).toContain(`- Nodes per zone: at least ${f.node!.nodesPerZone}`);
    // No size given, no profile node: nothing to compare with.
    expect(aws.node).toBeUndefined();
    expect(failure(() => Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"], nodeSize: { cpu: "lots", memory: "14Gi" } }))).toContain("nodeSize");
    expect(failure(() => new MicroservicePlatform(testApp(), "bad", { target: Target.custom({ kind: "onprem", storage: { provisioner: "csi.example.com" }, objectStorage: { service: "minio" } as never, connection: Target.kind().connection, nodeSize: { cpu: "4" } as never }), profile: Profile.DEV }))).toContain("nodeSize must be { cpu, memory }");
  });

  test("a request above its limit is reported as a pod the API server refuses", () => {
    // KEDA's chart keeps its CPU limit of 1 under the platform's values: a request of 2 cannot be scheduled.
    const platform = new MicroservicePlatform(testApp(), "refused", {
      target: Target.kind(),
      profile: Profile.DEV,
      broker: false,
      components: [new Keda({ values: { resources: { operator: { requests: { cpu: "2" } } } } })],
    });
    const f = platformFootprint(platform);
    expect(f.invalid).toEqual([{ part: "keda/operator", containers: ["keda-operator: requests.cpu 2 is above limits.cpu 1"] }]);
    expect(renderFootprint(f)).toContain("PODS THE API SERVER REFUSES: keda/operator");
  });

  test("reading the footprint changes nothing: what is added afterwards is synthesized as without it", () => {
    const synthAll = (read: boolean) => {
      const platform = new MicroservicePlatform(testApp(), "later", {
        target: Target.kind(),
        profile: Profile.DEV,
        broker: false,
        components: [new Tracing({ metricsEndpoint: "http://prometheus.monitoring.svc:9090/api/v1/otlp" })],
      });
      if (read) platformFootprint(platform);
      // A team added later is in the collector's scrape list, which its chart's values compute at synth time.
      platform.addService("late", { team: platform.addTeam("late-team"), image: "ghcr.io/example/late:1.0.0" });
      return platform.stacks.map((stack) => Testing.synth(stack));
    };
    expect(synthAll(true)).toEqual(synthAll(false));
  });

  test("the Dapr scheduler counts the 3 members its template fixes, with or without HA; where the zone analysis counts otherwise, the report says so", () => {
    const app = testApp();
    const dapr = new DaprRuntime({ scheduler: true });
    const platform = new MicroservicePlatform(app, "dev", { target: Target.kind(), profile: Profile.DEV, broker: false, components: [dapr] });
    const f = platformFootprint(platform);
    // dapr_scheduler_statefulset.yaml at v1.18.3: `replicas: 3` and a 3-member --etcd-initial-cluster whatever
    // global.ha says, in memory without HA (inMemoryStorage: no volume claim), kept apart by global.ha's
    // anti-affinity policy (preferred), which this template renders without HA too.
    const scheduler = part(f, "dapr", "scheduler");
    expect([scheduler.replicas, scheduler.spread, scheduler.volumes]).toEqual([3, "preferred", []]);
    // Placement follows HA (1 member, no anti-affinity without it).
    expect([part(f, "dapr", "placement").replicas, part(f, "dapr", "placement").spread]).toEqual([1, "none"]);
    // Every zone group of the runtime is matched to its part; those whose count or spread differ are listed.
    const groups = dapr.zoneGroups();
    expect(groups.map((g) => part(f, "dapr", g.part).zoneGroup)).toEqual(groups);
    const differing = groups.filter((g) => g.members !== part(f, "dapr", g.part).replicas || g.spread !== part(f, "dapr", g.part).spread).map((g) => `dapr/${g.part}`);
    expect(f.zoneAnalysisDiffers.map((d) => d.part)).toEqual(differing);
    if (differing.length > 0) expect(renderFootprint(f)).toContain("- The zone analysis counts otherwise: dapr/scheduler runs 3 pods, spread preferred");
    // The default blueprints agree everywhere.
    expect([edge.zoneAnalysisDiffers, aws.zoneAnalysisDiffers]).toEqual([[], []]);
  });

  test("a single-zone cloud target with a nodeSize is sized in nodes, not judged as one node", () => {
    const platform = new MicroservicePlatform(testApp(), "onezone", {
      target: Target.eks({ region: "eu-west-1", zones: ["a"], nodeSize: { cpu: "2", memory: "4Gi" } }),
      profile: Profile.DEV,
      components: [new Nacos(), new DaprRuntime(), new Keda()],
    });
    const f = platformFootprint(platform);
    const n = f.node!;
    expect([f.singleNode, f.zones]).toEqual([false, ["one zone"]]);
    expect(n.nodesPerZone).toBe(Math.max(1, Math.ceil(f.running.requests.cpu / 2000), Math.ceil(f.running.requests.memory / (4 * 2 ** 30))));
    expect(n.nodesPerZone).toBeGreaterThan(1);
    const text = renderFootprint(f);
    expect(text).toContain(`- Nodes: at least ${n.nodesPerZone} for the running requests`);
    expect(text).not.toContain("Fits one node");
    expect(text).not.toContain("Pending");
    expect(text).not.toContain("overcommitted");
    // Only a single-node target fails the report for not fitting one node.
    expect(n.fitsOneNode).toBe(false);
    expect(footprintFailures(f)).toEqual([]);
    const edgeOnSmallNode = platformFootprint(new MicroservicePlatform(testApp(), "small", { target: Target.k3s({ nodeSize: { cpu: "500m", memory: "1Gi" } }), profile: Profile.EDGE }));
    expect(footprintFailures(edgeOnSmallNode)).toEqual([expect.stringContaining("does not fit its node")]);
    expect(footprintFailures(edge)).toEqual([]);
  });

  test("the worst zone is an upper bound: only a hard spread is counted as even, with the even spread shown beside it", () => {
    const operator = part(aws, "keda", "operator"); // 2 replicas, preferred over 3 zones
    expect(operator.spread).toBe("preferred");
    expect([operator.worstZone.pods, operator.evenZone.pods]).toEqual([2, 1]);
    const bookies = part(aws, "broker", "bookies"); // hard
    expect([bookies.worstZone.pods, bookies.evenZone.pods]).toEqual([2, 2]);
    expect(flat(aws.evenZone)).toEqual(add(aws.parts.filter((p) => RUNNING.includes(p.kind)).map((p) => p.evenZone)));
    expect(aws.evenZone.requests.memory).toBeLessThan(aws.worstZone.requests.memory);
    expect(renderFootprint(aws)).toContain("with every spread honoured, the busiest holds at most");
  });

  test("the node a profile is made for is used only on the single-node k3s target", () => {
    const tinyOnEks = platformFootprint(new MicroservicePlatform(testApp(), "tiny", { target: Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"] }), profile: Profile.PRODUCTION.with({ size: Size.TINY }) }));
    expect(tinyOnEks.node).toBeUndefined();
    expect(renderFootprint(tinyOnEks)).toContain("Node size: unknown");
    const edgeOnKind = platformFootprint(new MicroservicePlatform(testApp(), "kindedge", { target: Target.kind(), profile: Profile.EDGE }));
    expect(edgeOnKind.node).toBeUndefined();
    expect(edge.node!.source).toBe("the node the edge profile is made for");
  });

  test("the largest pod is named by memory and by CPU", () => {
    const running = edge.parts.filter((p) => RUNNING.includes(p.kind) && p.containers.length > 0);
    const { memory, cpu } = edge.node!.largestPods;
    expect(memory.requests.memory).toBe(Math.max(...running.map((p) => p.pod.requests.memory)));
    expect(cpu.requests.cpu).toBe(Math.max(...running.map((p) => p.pod.requests.cpu)));
    expect(cpu.part).toBe("broker/Oxia servers");
    expect(renderFootprint(edge)).toContain(`- Largest pods: by memory ${memory.part}`);
    expect(renderFootprint(edge)).toContain(`by CPU ${cpu.part}`);
  });

  test("a team's quota caps its services at the autoscalers' maximum, and the report says it binds", () => {
    const q = edge.quotas.find((x) => x.component === "services (edge-apps)")!;
    const services = edge.parts.filter((p) => p.component === "services (edge-apps)" && RUNNING.includes(p.kind));
    const at = (pick: (p: FootprintPart) => number) => services.reduce((n, p) => n + pick(p) * (p.autoscaled ? p.autoscaled.max : p.replicas), 0);
    expect(q.hard).toEqual({ "requests.cpu": 2000, "requests.memory": 4 * 2 ** 30, "limits.memory": 4 * 2 ** 30, pods: 30 });
    expect(q.atMaximum["limits.memory"]).toBe(at((p) => p.pod.limits.memory!));
    expect(q.atMaximum["limits.memory"]).toBeGreaterThan(4 * 2 ** 30);
    expect(q.binds).toEqual(["limits.memory"]);
    // Within 4Gi of limits, pods asking half their limit can request at most 2Gi.
    expect(q.requestsWithin.memory).toBe(2 * 2 ** 30);
    expect(q.requestsWithin.cpu).toBeLessThan(at((p) => p.pod.requests.cpu));
    const cut = { cpu: at((p) => p.pod.requests.cpu) - q.requestsWithin.cpu, memory: at((p) => p.pod.requests.memory) - q.requestsWithin.memory };
    expect(edge.atMaximumWithinQuotas).toEqual({ cpu: edge.atMaximum.cpu - cut.cpu, memory: edge.atMaximum.memory - cut.memory });
    // The README: at 50 interceptors (the add-on's maximum off the edge), 7.5Gi even within the quota.
    const interceptor = part(edge, "keda", "HTTP interceptor");
    expect(formatBytes(edge.atMaximumWithinQuotas.memory + (50 - interceptor.autoscaled!.max) * interceptor.pod.requests.memory)).toBe("7.52Gi");
    const text = renderFootprint(edge);
    expect(text).toContain("the team quota binds: services (edge-apps) would take 4.38Gi of limits.memory, above its 4Gi");
    expect(text).toMatch(/- At the autoscalers' maximum the requests would be .* \(team quotas applied\)/);
  });

  test("a user's helm_release is read with its set blocks applied, as Helm applies them over its values", () => {
    const platform = new MicroservicePlatform(testApp(), "sets", { target: Target.kind(), profile: Profile.DEV, broker: false });
    const stack = platform.stacks[0];
    new Release(stack, "my-keda", {
      name: "my-keda",
      chart: "keda",
      version: CHARTS.keda.version,
      repository: CHARTS.keda.repository,
      values: [JSON.stringify({ operator: { replicaCount: 5 } })],
      set: [
        { name: "operator.replicaCount", value: "2" },
        { name: "resources.operator.requests.memory", value: "300Mi", type: "string" },
        { name: "webhooks.enabled", value: "false" },
      ],
    });
    new Release(stack, "unread", { name: "unread", chart: "keda", version: CHARTS.keda.version, set: [{ name: "operator.replicaCount", value: "${var.replicas}" }] });
    const f = platformFootprint(platform);
    const mine = f.parts.filter((p) => p.component === "platform");
    const operators = mine.filter((p) => p.part === "operator");
    expect(operators.map((p) => p.replicas)).toEqual([2, 1]);
    expect(operators[0].pod.requests.memory).toBe(300 * 2 ** 20);
    expect(mine.some((p) => p.part === "admission webhooks" && p.replicas === 1)).toBe(true); // only the second release's
    expect(f.notCounted).toEqual([{ component: "platform", part: "release unread", reason: "set values not read: operator.replicaCount is known only at apply; the chart's pods are counted without them" }]);
  });

  test("every pinned chart has a reader, and its defaults are keys of the chart's values at that tag", () => {
    for (const pin of Object.values(CHARTS)) {
      const key = `${pin.chart}@${pin.version}`;
      expect(READABLE_CHARTS).toContain(key);
      expect({ key, unknown: unknownPaths(CHART_DEFAULTS[key], chartKeys(pin)!, [], []) }).toEqual({ key, unknown: [] });
    }
  });
});
