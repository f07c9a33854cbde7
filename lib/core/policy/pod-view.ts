import type { ChartPodPart } from "../helm-chart";

/**
 * One pod as the policy rules see it, whether it comes from a Kubernetes-provider workload (the
 * provider's snake_case attributes) or from the values a Helm chart renders a pod from (the
 * Kubernetes API's camelCase): the rules are written once, against this shape.
 */
export interface PodView {
  /** Where the pod is declared: the construct path, and for a chart the part. */
  readonly where: string;
  /** A Kubernetes-provider workload (every field known) or a chart part (only what the values set). */
  readonly source: "provider" | "chart";
  /** Pod-level security context (Kubernetes API field names), if any. */
  readonly securityContext?: SecurityContextView;
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly automountServiceAccountToken?: boolean;
  /** Main and init containers. */
  readonly containers: ContainerView[];
}

export interface SecurityContextView {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly allowPrivilegeEscalation?: boolean;
  readonly privileged?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly capabilities?: { readonly drop?: string[]; readonly add?: string[] };
  readonly seccompProfile?: { readonly type?: string };
}

export interface ContainerView {
  readonly name: string;
  readonly init: boolean;
  /** Undefined when the chart picks the image itself (from its appVersion). */
  readonly image?: string;
  readonly securityContext?: SecurityContextView;
  readonly resources?: { readonly requests?: Record<string, string>; readonly limits?: Record<string, string> };
  readonly hostPorts: number[];
  readonly env: { readonly name: string; readonly literal: boolean; readonly value?: string }[];
}

type Json = Record<string, unknown>;

/** A provider block: the provider's JSON holds nested blocks as objects or one-element lists. */
function block(value: unknown): Json | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v && typeof v === "object" ? (v as Json) : undefined;
}

function list(value: unknown): Json[] {
  return (Array.isArray(value) ? value : value ? [value] : []).filter((v): v is Json => !!v && typeof v === "object");
}

/** The provider's security_context block in the API's field names. */
function providerSecurity(value: unknown): SecurityContextView | undefined {
  const s = block(value);
  if (!s) return undefined;
  const num = (v: unknown) => (v === undefined ? undefined : Number(v));
  const caps = block(s.capabilities);
  const seccomp = block(s.seccomp_profile);
  return {
    runAsNonRoot: s.run_as_non_root as boolean | undefined,
    runAsUser: num(s.run_as_user),
    allowPrivilegeEscalation: s.allow_privilege_escalation as boolean | undefined,
    privileged: s.privileged as boolean | undefined,
    readOnlyRootFilesystem: s.read_only_root_filesystem as boolean | undefined,
    capabilities: caps ? { drop: caps.drop as string[] | undefined, add: caps.add as string[] | undefined } : undefined,
    seccompProfile: seccomp ? { type: seccomp.type as string | undefined } : undefined,
  };
}

/** The pod template spec of a resolved Kubernetes-provider workload, by resource type. */
export function providerPodSpec(type: string, attributes: Json): Json | undefined {
  const spec = block(attributes.spec);
  if (!spec) return undefined;
  if (type === "kubernetes_cron_job_v1") return block(block(block(block(spec.job_template)?.spec)?.template)?.spec);
  return block(block(spec.template)?.spec);
}

/** A pod from a Kubernetes-provider workload's pod spec (resolved attributes). */
export function podFromProvider(where: string, podSpec: Json): PodView {
  const containers = (init: boolean) =>
    list(podSpec[init ? "init_container" : "container"]).map((c) => ({
      name: String(c.name ?? "?"),
      init,
      image: typeof c.image === "string" ? c.image : undefined,
      securityContext: providerSecurity(c.security_context),
      resources: block(c.resources) as ContainerView["resources"],
      hostPorts: list(c.port).map((p) => Number(p.host_port)).filter((p) => Number.isFinite(p) && p > 0),
      env: list(c.env).map((e) => ({ name: String(e.name), literal: e.value !== undefined, value: typeof e.value === "string" ? e.value : undefined })),
    }));
  return {
    where,
    source: "provider",
    securityContext: providerSecurity(podSpec.security_context),
    hostNetwork: podSpec.host_network as boolean | undefined,
    hostPID: podSpec.host_pid as boolean | undefined,
    hostIPC: podSpec.host_ipc as boolean | undefined,
    automountServiceAccountToken: podSpec.automount_service_account_token as boolean | undefined,
    containers: [...containers(false), ...containers(true)],
  };
}

function at(values: unknown, path: string | undefined): unknown {
  if (!path) return undefined;
  return path.split(".").reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Json)[key] : undefined), values);
}

/** A pod from a chart's merged values and the part's paths. */
export function podFromChart(where: string, values: unknown, part: ChartPodPart): PodView {
  const rendered = part.render?.(values as Json);
  return {
    where: `${where} (${part.name})`,
    source: "chart",
    securityContext: (rendered ? rendered.podSecurityContext : at(values, part.podSecurityContext)) as SecurityContextView | undefined,
    containers: [
      {
        name: part.name,
        init: false,
        securityContext: (rendered ? rendered.securityContext : at(values, part.securityContext)) as SecurityContextView | undefined,
        resources: (rendered ? rendered.resources : at(values, part.resources)) as ContainerView["resources"],
        hostPorts: [],
        env: [],
      },
    ],
  };
}
