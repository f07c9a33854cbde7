import { Testing, TerraformStack } from "cdktf";
import { Consul, DaprRuntime, Keda, MicroservicePlatform, Nacos, Profile, survives, Target, Tracing, TraceStorage, ZoneGroup, zoneLossVerdict } from "../lib";
import { BLUEPRINTS } from "../stacks/blueprints";
import { testApp } from "./helpers";

const eks = () => Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"] });
const bookies = (members: number, e: number, qw: number, qa: number, spread: ZoneGroup["spread"] = "hard"): ZoneGroup => ({
  component: "broker",
  part: "bookies",
  kind: "bookkeeper",
  members,
  spread,
  stateful: true,
  bookkeeper: { ensembleSize: e, writeQuorum: qw, ackQuorum: qa, minRacksPerWriteQuorum: 2, enforceMinRacks: true },
});
const raft = (members: number, spread: ZoneGroup["spread"] = "hard"): ZoneGroup => ({ component: "registry", part: "members", kind: "consensus", members, spread, stateful: true });

/** Errors of synthesizing every stack of the app (validations on). */
function synthErrors(app: ReturnType<typeof testApp>): string[] {
  const errors: string[] = [];
  for (const stack of app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack)) {
    try {
      Testing.synth(stack, true);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return errors;
}

describe("zone-loss arithmetic", () => {
  test("3 bookies per quorum of 3/3/2, 2 per zone over 3 zones, racks = zones: quorum, data and service kept", () => {
    expect(zoneLossVerdict(bookies(6, 3, 3, 2), 3)).toMatchObject({ lostMembers: 2, quorum: "kept", data: "kept", serving: "yes", atRisk: false });
  });

  test("2/2/2 quorums: data kept, but no margin: writes stall", () => {
    const v = zoneLossVerdict(bookies(6, 2, 2, 2), 3);
    expect(v).toMatchObject({ data: "kept", serving: "no" });
    expect(survives(v)).toBe(false);
    expect(v.reasons.join()).toContain("Qw - Qa = 0 leaves no margin");
  });

  test("all bookies in one zone (no spread): acknowledged data and service lost", () => {
    const v = zoneLossVerdict(bookies(6, 3, 3, 2, "none"), 3);
    expect(v).toMatchObject({ lostMembers: 6, quorum: "lost", data: "lost", serving: "no" });
  });

  test("racks not enforced on a write quorum: copies may share a zone", () => {
    const v = zoneLossVerdict({ ...bookies(6, 3, 3, 2), bookkeeper: { ensembleSize: 3, writeQuorum: 3, ackQuorum: 2, minRacksPerWriteQuorum: 0, enforceMinRacks: false } }, 3);
    expect(v.data).toBe("lost");
  });

  test("3 bookies over 3 zones cannot form a new ensemble of 3 after losing one", () => {
    expect(zoneLossVerdict(bookies(3, 3, 3, 2), 3)).toMatchObject({ quorum: "lost", serving: "no" });
  });

  test("two zones: a 3-member quorum spread 2/1 loses its majority with the zone of 2", () => {
    const v = zoneLossVerdict(raft(3), 2);
    expect(v).toMatchObject({ lostMembers: 2, quorum: "lost", data: "lost" });
    expect(v.reasons[0]).toBe("1 of 3 left, below the majority of 2");
  });

  test("even registry members: 4 over 3 zones lose 2, below the majority of 3", () => {
    const v = zoneLossVerdict(raft(4), 3);
    expect(v.quorum).toBe("lost");
    expect(v.reasons.join()).toContain("an even count tolerates no more failures than 3");
    expect(zoneLossVerdict(raft(5), 3)).toMatchObject({ lostMembers: 2, quorum: "kept" });
  });

  test("a preferred spread survives on paper and is flagged; replicas without a volume restart elsewhere", () => {
    expect(zoneLossVerdict(raft(3, "preferred"), 3)).toMatchObject({ quorum: "kept", atRisk: true });
    expect(zoneLossVerdict({ component: "keda", part: "metrics server", kind: "replicas", members: 1, spread: "none", stateful: false }, 3).serving).toBe("after rescheduling");
    expect(zoneLossVerdict({ component: "x", part: "store", kind: "replicas", members: 1, spread: "none", stateful: true }, 3).serving).toBe("no");
  });
});

describe("zone-loss analysis of platforms", () => {
  test("every multi-zone default blueprint survives losing any one zone", () => {
    const app = testApp();
    for (const [name, build] of Object.entries(BLUEPRINTS)) {
      const platform = build(app);
      if (!platform.placement.spreadsZones) continue;
      const failing = platform.zoneAnalysis().filter((v) => !survives(v));
      expect([name, failing.map((v) => `${v.group.component}/${v.group.part}`)]).toEqual([name, []]);
      // Stateful parts are hard-spread; only Dapr's (one chart-wide anti-affinity policy) rely on a preference.
      expect(platform.zoneAnalysis().filter((v) => v.atRisk).map((v) => `${v.group.component}/${v.group.part}`)).toEqual(["dapr/placement", "dapr/scheduler"]);
    }
  });

  test("reads the charts' values as merged: brokers and proxies spread hard, Oxia and the bookies as configured", () => {
    const p = new MicroservicePlatform(testApp(), "shop", { target: eks(), components: [new Keda(), new Tracing({ storage: TraceStorage.memory({ productionReason: "tests of the zone analysis only" }) })] });
    const byPart = Object.fromEntries(p.zoneAnalysis().map((v) => [`${v.group.component}/${v.group.part}`, v]));
    expect(byPart["broker/brokers"].group).toMatchObject({ members: 3, spread: "hard" });
    expect(byPart["broker/bookies"].group).toMatchObject({ members: 6, bookkeeper: { ensembleSize: 3, writeQuorum: 3, ackQuorum: 2, minRacksPerWriteQuorum: 2, enforceMinRacks: true } });
    expect(byPart["keda/operator"].group.members).toBe(2);
    expect(byPart["tracing/collector"].group).toMatchObject({ members: 3, spread: "preferred" });
  });

  test("a PRODUCTION platform that does not survive fails synthesis, naming the part, the reason and the fix", () => {
    const app = testApp();
    new MicroservicePlatform(app, "shop", { target: eks(), broker: { values: { bookkeeper: { replicaCount: 3 } } } });
    const errors = synthErrors(app).join("\n");
    expect(errors).toContain(
      "[shop] zone-loss: losing one of 3 zones costs broker/bookies its quorum, service: 2 bookies left, fewer than the ensemble of 3: no new ledger. Use ensembleSize 3, writeQuorum 3, ackQuorum 2 with at least 2 bookies per zone over 3 zones (racks = zones, 2 racks per write quorum).",
    );
  });

  test("a registry whose chart values make its server count even fails synthesis", () => {
    const app = testApp();
    new MicroservicePlatform(app, "shop", { target: Target.gke({ region: "europe-west1", zones: ["b", "c", "d"], project: "shop-prod" }), components: [new Consul({ values: { server: { replicas: 4 } } })] });
    expect(synthErrors(app).join("\n")).toContain("costs registry/Consul servers its quorum, acknowledged data, service: 2 of 4 left, below the majority of 3 (an even count tolerates no more failures than 3)");
  });

  test("single-zone profiles are not held to it", () => {
    const app = testApp();
    new MicroservicePlatform(app, "dev", { target: Target.kind(), profile: Profile.DEV, components: [new Nacos(), new DaprRuntime()] });
    expect(synthErrors(app)).toEqual([]);
  });
});
