import { Construct } from "constructs";
import { TerraformStack, TerraformResource } from "cdktf";
import { checkDnsLabel, LABEL_PREFIX } from "./names";
import { check, PlatformConfigError } from "./errors";
import { POD_SECURITY_LEVEL, POD_SECURITY_VERSION } from "./defaults";
import { emitResource, nameOf } from "./provider-resource";

/** Props of `SecureNamespace`. */
export interface SecureNamespaceProps {
  /** Namespace name (DNS label). */
  readonly name: string;
  /** Extra labels. @default {} */
  readonly labels?: Record<string, string>;
  /**
   * Namespaces (by name) whose pods may reach every pod here, besides this namespace's own.
   * @default [] (only this namespace)
   */
  readonly allowIngressFromNamespaces?: string[];
  /**
   * Also admit pods from every namespace labelled as part of this platform's system. The platform
   * itself never does: each component admits exactly its clients (`admitComponent`). @default false
   */
  readonly allowIngressFromPlatform?: boolean;
  /** The platform the namespace belongs to, for the platform label. */
  readonly platformName: string;
  /** Whether this namespace holds the platform's own components (others may admit it). @default false */
  readonly system?: boolean;
  /**
   * Deny egress except to DNS (kube-system, port 53), this namespace, the platform's system
   * namespaces (whose own ingress policies admit only their client ports), and what is listed
   * here. @default - egress open
   */
  readonly egress?: NamespaceEgress;
  /**
   * Pod Security level enforced. Only for upstream charts that cannot set container security
   * contexts; `warn` and `audit` stay "restricted" so the gap stays visible. @default "restricted"
   */
  readonly enforce?: "restricted" | "baseline";
}

/** Where a namespace's pods may connect besides DNS, their own namespace and the platform's components. */
export interface NamespaceEgress {
  /** Other namespaces (by name), on any port: the teams whose services these call. @default [] */
  readonly toNamespaces?: string[];
  /** Addresses outside the cluster (databases, external APIs, the Kubernetes API server). @default [] */
  readonly toCidrs?: { readonly cidr: string; readonly except?: string[]; readonly ports?: number[] }[];
}

/** Namespaces Kubernetes itself uses. */
const KUBERNETES_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease", "default"];

/** Label on namespaces that hold the platform's own components. */
export const SYSTEM_NAMESPACE_LABEL = `${LABEL_PREFIX}/system`;
/** Label naming the platform a namespace belongs to. */
export const PLATFORM_LABEL = `${LABEL_PREFIX}/platform`;

/**
 * A namespace as the platform creates them: Pod Security "restricted" enforced, ingress denied
 * by default except from the namespace itself (and, if asked, from the platform's system
 * namespaces and named namespaces). Egress is left open: DNS, the API server and managed
 * services differ per cluster and a wrong egress rule silently breaks them.
 */
export class SecureNamespace extends Construct {
  /** The namespace. */
  public readonly resource: TerraformResource;
  /** The namespace name, as a reference that orders dependents after it. */
  public readonly name: string;
  /** The namespace name as plain text. */
  public readonly namespaceName: string;

  constructor(scope: Construct, id: string, props: SecureNamespaceProps) {
    super(scope, id);
    checkDnsLabel(this, "the namespace name", props.name);
    check(!KUBERNETES_NAMESPACES.includes(props.name), this, `namespace "${props.name}" belongs to Kubernetes itself`, props.name, "Choose another namespace: the platform never puts teams or components in kube-system, kube-public, kube-node-lease or default.");
    // Every namespace of a platform is declared in its base stack: one owner per namespace.
    for (const other of TerraformStack.of(this).node.findAll()) {
      if (other instanceof SecureNamespace && other !== this && other.namespaceName === props.name) {
        throw new PlatformConfigError(this, `namespace "${props.name}" is already ${other.node.scope?.node.path}'s: two owners would share its quota, policies and credentials`, props.name, "Give each team its own namespace, distinct from the platform's component namespaces (<platform>-<component>).");
      }
    }
    this.namespaceName = props.name;
    for (const other of props.allowIngressFromNamespaces ?? []) checkDnsLabel(this, "an allowed namespace", other);

    this.resource = emitResource(this, "Resource", "kubernetes_namespace_v1", {
      metadata: {
        name: props.name,
        labels: {
          "pod-security.kubernetes.io/enforce": props.enforce ?? POD_SECURITY_LEVEL,
          "pod-security.kubernetes.io/enforce-version": POD_SECURITY_VERSION,
          "pod-security.kubernetes.io/warn": POD_SECURITY_LEVEL,
          "pod-security.kubernetes.io/audit": POD_SECURITY_LEVEL,
          [PLATFORM_LABEL]: props.platformName,
          ...(props.system ? { [SYSTEM_NAMESPACE_LABEL]: "true" } : {}),
          ...props.labels,
        },
      },
    });
    this.name = nameOf(this.resource);

    const from: { namespaceSelector: { matchLabels?: Record<string, string>; matchExpressions?: object[] } }[] = [
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": props.name } } },
    ];
    const others = props.allowIngressFromNamespaces ?? [];
    if (others.length > 0) {
      from.push({ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: others }] } });
    }
    if (props.allowIngressFromPlatform ?? false) {
      from.push({ namespaceSelector: { matchLabels: { [SYSTEM_NAMESPACE_LABEL]: "true", [PLATFORM_LABEL]: props.platformName } } });
    }
    // One policy: selecting every pod with only these peers denies all other ingress.
    emitResource(this, "DefaultIngress", "kubernetes_network_policy_v1", {
      metadata: { name: "default-ingress", namespace: this.name },
      spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from }] },
    });
    if (props.egress) this.denyEgress(props.name, props.platformName, props.egress);
  }

  /** One policy selecting every pod: egress only to the peers below. */
  private denyEgress(name: string, platformName: string, egress: NamespaceEgress): void {
    const byName = (names: string[]) => ({ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: names }] } });
    const toNamespaces = [name, ...(egress.toNamespaces ?? [])];
    for (const other of egress.toNamespaces ?? []) checkDnsLabel(this, "an egress namespace", other);
    emitResource(this, "DefaultEgress", "kubernetes_network_policy_v1", {
      metadata: { name: "default-egress", namespace: this.name },
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          // Cluster DNS (CoreDNS or kube-dns in kube-system, on every supported target).
          { to: [byName(["kube-system"])], ports: ["UDP", "TCP"].map((protocol) => ({ port: "53", protocol })) },
          { to: [byName(toNamespaces)] },
          // The platform's components; each of their namespaces admits only its client ports.
          { to: [{ namespaceSelector: { matchLabels: { [SYSTEM_NAMESPACE_LABEL]: "true", [PLATFORM_LABEL]: platformName } } }] },
          ...(egress.toCidrs ?? []).map((c) => ({
            to: [{ ipBlock: { cidr: c.cidr, except: c.except } }],
            ports: c.ports?.map((port) => ({ port: String(port), protocol: "TCP" })),
          })),
        ],
      },
    });
  }
}

/** Props of `admitComponent`. */
export interface AdmitComponentProps {
  /** Policy name. */
  readonly name: string;
  /** Namespace of the pods admitted to (a team's). */
  readonly namespace: string;
  /** Pods admitted to. @default {} (every pod of the namespace) */
  readonly podSelector?: Record<string, string>;
  /** Namespace of the component's pods. */
  readonly fromNamespace: string;
  /** The component's pods that connect. */
  readonly fromPods: Record<string, string>;
  /** TCP ports admitted. @default - every port (when the ports are the pods' own choice) */
  readonly ports?: number[];
  readonly labels?: Record<string, string>;
}

/**
 * One allowance through a team namespace's default deny: the pods of one component (by
 * namespace and labels) to some pods and ports. Team namespaces admit nothing else from the
 * platform, so each component that calls into them says exactly what it needs.
 */
export function admitComponent(scope: Construct, id: string, props: AdmitComponentProps): TerraformResource {
  return emitResource(scope, id, "kubernetes_network_policy_v1", {
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
    spec: {
      podSelector: props.podSelector ? { matchLabels: props.podSelector } : {},
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": props.fromNamespace } }, podSelector: { matchLabels: props.fromPods } }],
          ports: props.ports?.map((port) => ({ port: String(port), protocol: "TCP" })),
        },
      ],
    },
  });
}
