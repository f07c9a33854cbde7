import { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { HOSTNAME_LABEL } from "./defaults";
import { Profile } from "./profile";
import { Target } from "./target";
import { emitResource } from "./provider-resource";

/** What a workload's replicas are to each other; decides how hard they are spread. */
export enum WorkloadRole {
  /** Interchangeable replicas (services, brokers, gateways): spread softly, never left pending. */
  STATELESS = "stateless",
  /** Members of a quorum or replicas of data (Raft, Oxia, bookies): spread hard, one per zone. */
  QUORUM = "quorum",
  /**
   * Interchangeable replicas that must stay even across zones so that losing one leaves the rest
   * serving (brokers, proxies): spread hard like a quorum, without required host anti-affinity.
   */
  EVEN = "even",
}

/** A topology spread constraint in the Kubernetes API's shape (Helm values, manifests). */
export interface TopologySpread {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway";
  readonly labelSelector: { readonly matchLabels: Record<string, string> };
  readonly minDomains?: number;
}

/** Pod affinity in the Kubernetes API's shape. */
export interface PodAntiAffinity {
  readonly podAntiAffinity: {
    readonly requiredDuringSchedulingIgnoredDuringExecution?: { labelSelector: { matchLabels: Record<string, string> }; topologyKey: string }[];
    readonly preferredDuringSchedulingIgnoredDuringExecution?: {
      weight: number;
      podAffinityTerm: { labelSelector: { matchLabels: Record<string, string> }; topologyKey: string };
    }[];
  };
}

/**
 * Scheduling verbs every component reuses: spread across zones and nodes, keep quorum members
 * apart, and protect replicas from voluntary evictions (docs/invariants.md, "Availability across zones").
 */
export class Placement {
  constructor(
    private readonly target: Target,
    private readonly profile: Profile,
  ) {}

  /** Whether replicas are spread across zones at all (multi-zone profile on a multi-zone target). */
  public get spreadsZones(): boolean {
    return this.profile.zoneSpread && !this.target.singleNode && this.target.zones.length >= 2;
  }

  /** Topology spread constraints for pods matching `selector`. */
  public spread(selector: Record<string, string>, role: WorkloadRole): TopologySpread[] {
    if (this.target.singleNode) return [];
    const labelSelector = { matchLabels: { ...selector } };
    const constraints: TopologySpread[] = [];
    if (this.spreadsZones) {
      const hard = role !== WorkloadRole.STATELESS;
      constraints.push({
        maxSkew: 1,
        topologyKey: this.target.zoneLabel,
        // Stateless replicas may double up in a surviving zone rather than stay pending.
        whenUnsatisfiable: hard ? "DoNotSchedule" : "ScheduleAnyway",
        labelSelector,
        ...(hard ? { minDomains: Math.min(this.profile.minZones, this.target.zones.length) } : {}),
      });
    }
    constraints.push({ maxSkew: 1, topologyKey: HOSTNAME_LABEL, whenUnsatisfiable: "ScheduleAnyway", labelSelector });
    return constraints;
  }

  /** Anti-affinity on nodes: required for quorum members (two on one node is one failure), preferred otherwise. */
  public antiAffinity(selector: Record<string, string>, role: WorkloadRole): PodAntiAffinity | undefined {
    if (this.target.singleNode) return undefined;
    const term = { labelSelector: { matchLabels: { ...selector } }, topologyKey: HOSTNAME_LABEL };
    if (role === WorkloadRole.QUORUM) return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
    return { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
  }

  /**
   * A PodDisruptionBudget allowing one voluntary eviction at a time, for workloads of two or more
   * replicas (or owned by an autoscaler, whose replica count is not known here).
   * Returns undefined when there is nothing to protect.
   */
  public disruptionBudget(
    scope: Construct,
    id: string,
    opts: { name: string; namespace: string; selector: Record<string, string>; labels?: Record<string, string>; replicas?: number },
  ): TerraformResource | undefined {
    if (opts.replicas !== undefined && opts.replicas < 2) return undefined;
    return emitResource(scope, id, "kubernetes_pod_disruption_budget_v1", {
      metadata: { name: opts.name, namespace: opts.namespace, labels: opts.labels },
      spec: { maxUnavailable: "1", selector: { matchLabels: opts.selector } },
    });
  }
}

/** Converts spread constraints to the kubernetes provider's block shape (label selectors are lists). */
export function toProviderSpread(constraints: TopologySpread[]) {
  return constraints.map((c) => ({
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    whenUnsatisfiable: c.whenUnsatisfiable,
    labelSelector: [{ matchLabels: { ...c.labelSelector.matchLabels } }],
    ...(c.minDomains !== undefined ? { minDomains: c.minDomains } : {}),
  }));
}
