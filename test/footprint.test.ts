import {
  AUTOSCALE_DEFAULTS, Broker, BROKER_DEFAULTS, CertManager, Consul, DaprRuntime, Nacos, OffloadStore, CHARTS, DAPR_SIDECAR_RESOURCES, DESIGN_NODE, FootprintPart, HTTP_INTERCEPTOR_MAX_REPLICAS, Keda, MicroservicePlatform, NACOS_DEFAULTS, parseQuantity,
  PlatformFootprint, platformFootprint, Profile, renderFootprint, SERVICE_RESOURCES, Size, Target, Totals, Tracing,
} from "../lib";
import { CHART_DEFAULTS, READABLE_CHARTS } from "../lib/insight/chart-workloads";
import { Testing } from "cdktf";
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

  test("zones: spread parts put ceil(pods / zones) in the worst zone, unspread parts all of theirs", () => {
    expect(aws.zones).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    const bookies = part(aws, "broker", "bookies");
    expect(bookies.spread).toBe("hard");
    expect(bookies.worstZone.pods).toBe(2);
    expect(bookies.worstZone.volumes).toBe(bookies.totals.volumes / 3);
    expect(part(aws, "keda", "operator").worstZone.pods).toBe(1); // 2 replicas, preferred over 3 zones
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
    expect(f.node!.nodesPerZone).toBe(Math.max(1, Math.ceil(f.worstZone.requests.cpu / 3920), Math.ceil(f.worstZone.requests.memory / (14 * 2 ** 30))));
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

  test("every pinned chart has a reader, and its defaults are keys of the chart's values at that tag", () => {
    for (const pin of Object.values(CHARTS)) {
      const key = `${pin.chart}@${pin.version}`;
      expect(READABLE_CHARTS).toContain(key);
      expect({ key, unknown: unknownPaths(CHART_DEFAULTS[key], chartKeys(pin)!, [], []) }).toEqual({ key, unknown: [] });
    }
  });
});
