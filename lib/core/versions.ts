/**
 * The one table of pinned versions: every chart and image the platform installs is named here
 * and nowhere else, so an upgrade is one reviewed line (and its values keys re-checked at the
 * new tag). The README's component table lists the same rows; a test keeps them in step.
 */

/** A Helm chart at a pinned version. */
export interface ChartPin {
  /** Upstream repository URL (http(s):// or oci://). */
  readonly repository: string;
  /** Chart name in that repository. */
  readonly chart: string;
  /** Exact chart version. */
  readonly version: string;
  /** Version of the software the chart installs (documentation and labels). */
  readonly appVersion: string;
  /** API groups of the CRDs the chart installs; custom resources of these groups must be planned in a later stack. @default [] */
  readonly crdGroups?: readonly string[];
}

/** Terraform providers, fixed by the prebuilt cdktf bindings in package.json. */
export const PROVIDERS = {
  kubernetes: { source: "hashicorp/kubernetes", version: "2.38.0", binding: "@cdktf/provider-kubernetes 12.1.x" },
  helm: { source: "hashicorp/helm", version: "3.1.1", binding: "@cdktf/provider-helm 12.1.x" },
} as const;

/**
 * Charts the platform installs, by component. Components add their row when they land; the
 * foundation installs no chart of its own (namespaces, storage, policies and workloads are
 * typed Kubernetes resources).
 */
export const CHARTS: Readonly<Record<string, ChartPin>> = {};
