import { Construct } from "constructs";
import { ITeam } from "../core/bindings";
import { IPlatform } from "../core/context";
import { SecureNamespace } from "../core/secure-namespace";
import { SERVICE_RESOURCES, TEAM_QUOTA } from "../core/defaults";
import { checkDnsLabel } from "../core/names";
import { checkKnownOptions, check } from "../core/errors";
import { checkOptionsSchema } from "../core/validate";
import { isQuantity } from "../core/quantity";
import { emitResource } from "../core/provider-resource";

/** Options of a team. */
export interface TeamOptions {
  /** Namespace of the team. @default - the team's name */
  readonly namespace?: string;
  /** Identity-provider groups bound to the `edit` ClusterRole in the namespace. @default [] */
  readonly editGroups?: string[];
  /** Groups bound to the `view` ClusterRole. @default [] */
  readonly viewGroups?: string[];
  /** Compute quota; `false` for none. @default - TEAM_QUOTA for the profile's size */
  readonly quota?: { readonly cpu: string; readonly memory: string; readonly pods: number } | false;
  /** Other namespaces whose pods may call this team's services. @default [] */
  readonly allowIngressFromNamespaces?: string[];
  /**
   * Egress is denied except to DNS, the team's namespace, the platform's components and these:
   * other teams' namespaces the services call, and addresses outside the cluster (with ports).
   * `"open"` leaves egress unrestricted. @default { toNamespaces: [], toCidrs: [] }
   */
  readonly egress?: "open" | { readonly toNamespaces?: string[]; readonly toCidrs?: { readonly cidr: string; readonly except?: string[]; readonly ports?: number[] }[] };
}

/** Props of `Team`. */
export interface TeamProps extends TeamOptions {
  /** The platform the team belongs to. */
  readonly platform: IPlatform;
  /** Team name (DNS label). */
  readonly name: string;
}


/**
 * A team's corner of the platform, in the base layer (its namespace must exist before anything
 * is planned in it: `kubernetes_manifest` checks at plan time): a restricted namespace with default-deny ingress, a compute
 * quota, default container resources (so a pod without them is still admitted under the quota),
 * and RBAC bindings for the team's groups.
 */
export class Team extends Construct implements ITeam {
  /** Team name. */
  public readonly teamName: string;
  /** The platform the team belongs to. */
  public readonly platform: IPlatform;
  /** The namespace's name. The team lives in the base layer, so every later layer may use it as is. */
  public readonly namespace: string;
  /** The namespace's name (the same as `namespace`). */
  public readonly namespaceName: string;
  /** The namespace construct. */
  public readonly namespaceConstruct: SecureNamespace;

  constructor(scope: Construct, id: string, props: TeamProps) {
    super(scope, id);
    const { name: _name, platform: _platform, ...options } = props;
    checkOptionsSchema(this, "TeamOptions", options);
    checkDnsLabel(this, "the team name", props.name);
    if (props.allowIngressFromNamespaces !== undefined) {
      check(Array.isArray(props.allowIngressFromNamespaces), this, "allowIngressFromNamespaces must be a list of namespace names", props.allowIngressFromNamespaces, 'Use e.g. allowIngressFromNamespaces: ["catalog"].');
    }
    this.teamName = props.name;
    this.platform = props.platform;
    this.namespaceName = props.namespace ?? props.name;
    const size = props.platform.profile.size;

    this.namespaceConstruct = new SecureNamespace(this, "Namespace", {
      name: this.namespaceName,
      platformName: props.platform.platformName,
      labels: { ...props.platform.labels("team", props.name), ...props.platform.target.workloadIdentity?.namespaceLabels },
      allowIngressFromNamespaces: props.allowIngressFromNamespaces,
      // Components that call into the team's pods admit themselves, to their ports only (admitComponent).
      egress: props.egress === "open" ? undefined : (props.egress ?? {}),
    });
    // Objects of this stack are ordered after the namespace by its reference; later layers use the name.
    const namespaceRef = this.namespaceConstruct.name;
    this.namespace = this.namespaceName;

    if (props.quota !== false) {
      const quota = props.quota ?? TEAM_QUOTA[size];
      check(!!quota && typeof quota === "object" && !Array.isArray(quota), this, "quota must be { cpu, memory, pods } or false", quota, 'Use e.g. { cpu: "16", memory: "32Gi", pods: 100 }.');
      checkKnownOptions(`${this.node.path}.quota`, quota, ["cpu", "memory", "pods"]);
      for (const key of ["cpu", "memory"] as const) {
        check(isQuantity(quota[key]), this, `quota.${key} must be a Kubernetes quantity (a string such as "16" or "500m" for CPU, "32Gi" for memory)`, quota[key], key === "cpu" ? 'Use e.g. cpu: "16".' : 'Use e.g. memory: "32Gi".');
      }
      check(Number.isInteger(quota.pods) && quota.pods > 0, this, "quota.pods must be a whole number > 0", quota.pods, "Give the most pods the team may run, e.g. 100, or quota: false for none.");
      emitResource(this, "Quota", "kubernetes_resource_quota_v1", {
        metadata: { name: "compute", namespace: namespaceRef },
        spec: {
          hard: {
            "requests.cpu": quota.cpu,
            "requests.memory": quota.memory,
            "limits.memory": quota.memory,
            pods: String(quota.pods),
          },
        },
      });
    }

    const fallback = SERVICE_RESOURCES[size];
    emitResource(this, "Defaults", "kubernetes_limit_range_v1", {
      metadata: { name: "container-defaults", namespace: namespaceRef },
      spec: {
        limit: [
          {
            type: "Container",
            defaultRequest: { cpu: fallback.cpu, memory: fallback.memory },
            default: { memory: fallback.memoryLimit },
          },
        ],
      },
    });

    const bind = (role: "edit" | "view", groups: string[] | undefined) => {
      if (groups === undefined) return;
      check(Array.isArray(groups) && groups.every((g) => typeof g === "string" && /^\S{1,256}$/.test(g)), this, `${role}Groups must be a list of group names`, groups, `Use e.g. ${role}Groups: ["shop-devs"].`);
      if (groups.length === 0) return;
      emitResource(this, `${role === "edit" ? "Edit" : "View"}Binding`, "kubernetes_role_binding_v1", {
        metadata: { name: `team-${role}`, namespace: namespaceRef },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
        subject: groups.map((group) => ({ kind: "Group", name: group, apiGroup: "rbac.authorization.k8s.io" })),
      });
    };
    bind("edit", props.editGroups);
    bind("view", props.viewGroups);
  }
}
