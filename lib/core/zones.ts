import type { TopologySpread } from "./placement";

/**
 * What one part of a component is to the zones it runs in, as the component configured it: the
 * facts the zone-failure analysis reads (docs/invariants.md, "Quorum arithmetic").
 */
export interface ZoneGroup {
  /** The component's key ("broker"). */
  readonly component: string;
  /** The part, for people ("Oxia servers", "bookies"). */
  readonly part: string;
  /**
   * - `consensus`: a majority of `members` must be up (Raft, Oxia shards, etcd);
   * - `bookkeeper`: entries are written to Qw of E bookies and acknowledged by Qa;
   * - `replicas`: interchangeable copies; one is enough to serve.
   */
  readonly kind: "consensus" | "bookkeeper" | "replicas";
  /** Members (replicas) configured. */
  readonly members: number;
  /**
   * How members are kept apart across zones:
   * - `hard`: a zone spread that never schedules unevenly (DoNotSchedule, maxSkew 1), or
   *   required anti-affinity on the zone label;
   * - `preferred`: the scheduler is asked to spread (ScheduleAnyway, preferred anti-affinity);
   * - `none`: nothing spreads them.
   */
  readonly spread: "hard" | "preferred" | "none";
  /** Whether members keep data on zonal volumes (a lost member cannot restart in another zone). */
  readonly stateful: boolean;
  /** BookKeeper's quorums and rack placement. */
  readonly bookkeeper?: {
    readonly ensembleSize: number;
    readonly writeQuorum: number;
    readonly ackQuorum: number;
    /** Racks (zones) every write quorum must span; 0 when racks are not used. */
    readonly minRacksPerWriteQuorum: number;
    /** Whether a ledger that cannot span them is refused (instead of placed anyway). */
    readonly enforceMinRacks: boolean;
  };
}

/** What losing the worst zone does to a group. */
export interface ZoneVerdict {
  readonly group: ZoneGroup;
  /** Members in the zone that holds the most of them, with the spread honoured. */
  readonly lostMembers: number;
  /** Majority (consensus) or write quorum (BookKeeper) after the loss; "n/a" for plain replicas. */
  readonly quorum: Outcome;
  /** Acknowledged data after the loss; "n/a" where members hold none. */
  readonly data: Outcome;
  /** Whether the part serves: at once, once the scheduler restarts lost replicas elsewhere, or not. */
  readonly serving: "yes" | "after rescheduling" | "no";
  /** Whether the verdict relies on a spread the scheduler may ignore (preferred, or none). */
  readonly atRisk: boolean;
  /** Why, in a sentence per finding. */
  readonly reasons: readonly string[];
}

export type Outcome = "kept" | "lost" | "n/a";

/** Whether a verdict fails a platform that promises to survive a zone. */
export function survives(verdict: ZoneVerdict): boolean {
  return verdict.quorum !== "lost" && verdict.data !== "lost" && verdict.serving !== "no";
}

/** Interchangeable, volume-less replicas of a chart part, read from its values (count and spread constraints). */
export function replicaGroup(component: string, part: string, members: number | undefined, constraints: readonly TopologySpread[] | undefined, zoneLabel: string): ZoneGroup {
  return { component, part, kind: "replicas", members: members ?? 1, spread: spreadOf(constraints ?? [], zoneLabel), stateful: false };
}

/** Reads how a part is spread from the constraints it carries (zone constraints on `zoneLabel`). */
export function spreadOf(constraints: readonly TopologySpread[], zoneLabel: string): ZoneGroup["spread"] {
  const zone = constraints.filter((c) => c.topologyKey === zoneLabel);
  if (zone.some((c) => c.whenUnsatisfiable === "DoNotSchedule" && c.maxSkew === 1)) return "hard";
  return zone.length > 0 ? "preferred" : "none";
}

/**
 * The worst single-zone loss for a group over `zones` zones. With the spread honoured (a hard
 * spread always is; a preferred one when the scheduler can), members are as even as possible, so
 * the worst zone holds ceil(members / zones); a group that is not spread at all may sit in one zone.
 */
export function zoneLossVerdict(group: ZoneGroup, zones: number): ZoneVerdict {
  const reasons: string[] = [];
  const m = group.members;
  const spreadable = zones >= 2 && group.spread !== "none";
  const lost = spreadable ? Math.ceil(m / zones) : m;
  const remaining = m - lost;
  const atRisk = zones >= 2 && group.spread !== "hard" && group.kind !== "replicas";
  if (zones < 2) reasons.push(`one zone: losing it loses all ${m}`);
  else if (group.spread === "none") reasons.push(`not spread over zones: all ${m} may sit in one`);
  else if (atRisk) reasons.push(`spread is only preferred: the verdict holds while the scheduler keeps them ${lost === 1 ? "one per zone" : "even"}`);

  let quorum: Outcome = "n/a";
  let data: Outcome = "n/a";
  let serving: ZoneVerdict["serving"];

  if (group.kind === "consensus") {
    const majority = Math.floor(m / 2) + 1;
    quorum = remaining >= majority ? "kept" : "lost";
    if (quorum === "lost") reasons.push(`${remaining} of ${m} left, below the majority of ${majority}${m % 2 === 0 ? ` (an even count tolerates no more failures than ${m - 1})` : ""}`);
    // A committed entry is on a majority: it survives wherever a majority does.
    data = group.stateful ? quorum : "n/a";
    serving = quorum === "kept" ? "yes" : "no";
  } else if (group.kind === "bookkeeper") {
    const bk = group.bookkeeper!;
    const racks = spreadable && bk.minRacksPerWriteQuorum >= 2 ? Math.min(zones, bk.writeQuorum) : 1;
    // Copies of one entry in the zone that holds the most of them.
    const copiesInWorstZone = Math.ceil(bk.writeQuorum / racks);
    data = bk.ackQuorum > copiesInWorstZone ? "kept" : "lost";
    if (data === "lost") {
      reasons.push(
        racks < 2
          ? "write quorums are not spread over zones: every acknowledged copy of an entry may be in one zone"
          : `an entry has up to ${copiesInWorstZone} of its ${bk.writeQuorum} copies in one zone, and Qa=${bk.ackQuorum} acknowledgements may all come from there`,
      );
    }
    const zonesLeft = zones - 1;
    const newLedgers = remaining >= bk.ensembleSize && (!bk.enforceMinRacks || zonesLeft >= bk.minRacksPerWriteQuorum);
    // Open ledgers keep writing while the copies lost per entry stay within Qw - Qa.
    const openLedgers = copiesInWorstZone <= bk.writeQuorum - bk.ackQuorum;
    quorum = newLedgers ? "kept" : "lost";
    if (!newLedgers) {
      reasons.push(
        remaining < bk.ensembleSize
          ? `${remaining} bookies left, fewer than the ensemble of ${bk.ensembleSize}: no new ledger`
          : `${zonesLeft} zone(s) left, fewer than the ${bk.minRacksPerWriteQuorum} racks every write quorum must span: no new ledger`,
      );
    }
    if (!openLedgers) reasons.push(`Qw - Qa = ${bk.writeQuorum - bk.ackQuorum} leaves no margin: writes stall until every open ledger is replaced`);
    serving = newLedgers && openLedgers ? "yes" : "no";
  } else {
    // Interchangeable replicas: any one serves; lost ones restart elsewhere unless tied to a zonal volume.
    if (remaining >= 1) serving = "yes";
    else if (zones < 2) serving = "no";
    else if (!group.stateful) {
      serving = "after rescheduling";
      reasons.push(`${m === 1 ? "a single replica" : `all ${m} replicas`} may be in the lost zone: the scheduler restarts ${m === 1 ? "it" : "them"} in another`);
    } else {
      serving = "no";
      reasons.push(`all ${m} replicas keep data on volumes of one zone`);
    }
  }
  return { group, lostMembers: lost, quorum, data, serving, atRisk, reasons };
}

/** Components that report their zone groups (brokers, registries, runtimes, collectors, autoscalers). */
export interface IZoneAware {
  /** The parts and how they are spread, as installed. */
  zoneGroups(): ZoneGroup[];
}

/** Whether a component reports zone groups. */
export function isZoneAware(component: unknown): component is IZoneAware {
  return !!component && typeof (component as IZoneAware).zoneGroups === "function";
}

/** What to change for a group that does not survive, by kind. */
function fixFor(verdict: ZoneVerdict): string {
  const g = verdict.group;
  if (g.spread === "none") return "Spread its members over the zones (a multi-zone profile on a target with zones).";
  if (g.kind === "consensus") return `Use an odd member count of at least 3, spread hard over at least 3 zones (one member per zone).`;
  if (g.kind === "bookkeeper") return "Use ensembleSize 3, writeQuorum 3, ackQuorum 2 with at least 2 bookies per zone over 3 zones (racks = zones, 2 racks per write quorum).";
  return "Run at least as many replicas as zones, spread over them, or keep the data off zonal volumes.";
}

/**
 * Synth-time findings of a platform that promises to survive the loss of a zone: an error for
 * every group that loses quorum, acknowledged data or service, a warning for a verdict that relies
 * on a spread the scheduler may ignore.
 */
export function zoneLossFindings(path: string, zones: number, verdicts: readonly ZoneVerdict[]): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const v of verdicts) {
    const name = `${v.group.component}/${v.group.part}`;
    if (!survives(v)) {
      const lost = [v.quorum === "lost" ? "its quorum" : "", v.data === "lost" ? "acknowledged data" : "", v.serving === "no" ? "service" : ""].filter(Boolean).join(", ");
      errors.push(`[${path}] zone-loss: losing one of ${zones} zones costs ${name} ${lost}: ${v.reasons.join("; ")}. ${fixFor(v)}`);
    } else if (v.atRisk) {
      warnings.push(`[${path}] zone-loss: ${name} survives losing a zone only while the scheduler honours a preferred spread: ${v.reasons.join("; ")}.`);
    }
  }
  return { errors, warnings };
}
