import { Construct } from "constructs";
import { Profile, Size } from "../lib";

const scope = new Construct(undefined as any, "shop");

describe("Profile", () => {
  test("PRODUCTION is three zones, quorums of three, security on, volumes kept", () => {
    const p = Profile.PRODUCTION;
    expect([p.minZones, p.statelessReplicas, p.quorumSize, p.size]).toEqual([3, 3, 3, Size.LARGE]);
    expect(p.zoneSpread && p.requireTransportSecurity && p.retainVolumes).toBe(true);
    expect(p.singleZone).toBe(false);
  });

  test("DEV and EDGE are one zone with quorums of one; EDGE is the smallest", () => {
    expect([Profile.DEV.minZones, Profile.DEV.quorumSize, Profile.DEV.size]).toEqual([1, 1, Size.SMALL]);
    expect([Profile.EDGE.minZones, Profile.EDGE.quorumSize, Profile.EDGE.size]).toEqual([1, 1, Size.TINY]);
    expect(Profile.EDGE.singleZone && !Profile.EDGE.zoneSpread).toBe(true);
  });

  test("with() overrides one setting and leaves the original alone", () => {
    const bigger = Profile.PRODUCTION.with({ statelessReplicas: 6, quorumSize: 5 });
    expect([bigger.statelessReplicas, bigger.quorumSize, bigger.minZones, bigger.name]).toEqual([6, 5, 3, "production-custom"]);
    expect(Profile.PRODUCTION.statelessReplicas).toBe(3);
    expect(() => bigger.validate(scope)).not.toThrow();
  });

  test("fails if a quorum is even", () => {
    expect(() => Profile.PRODUCTION.with({ quorumSize: 4 }).validate(scope)).toThrow(
      "[shop/Profile(production-custom)] quorumSize must be odd (2f+1 members survive f failures; an even member adds no tolerance) (received: 4). Use 1, 3 or 5.",
    );
  });

  test("fails if a 3-zone profile has quorums or replicas that cannot survive a zone loss", () => {
    expect(() => Profile.PRODUCTION.with({ quorumSize: 1 }).validate(scope)).toThrow(/needs quorums of at least 3 .*received: 1/);
    expect(() => Profile.PRODUCTION.with({ statelessReplicas: 2 }).validate(scope)).toThrow(/at least one stateless replica per zone \(received: 2\). Use statelessReplicas: 3 or more/);
  });

  test("fails on an unknown setting", () => {
    expect(() => Profile.DEV.with({ replicas: 2 } as any).validate(scope)).toThrow('[shop/Profile(dev-custom)] unknown option "replicas"');
  });
});
