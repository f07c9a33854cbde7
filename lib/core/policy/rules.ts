import { findLiteralSecret, isSecretKey } from "../secrets";
import { ContainerView, PodView } from "./pod-view";

/** A rule of the policy pack (docs/policy.md lists them with their sources). */
export interface PolicyRule {
  /** Stable id, for suppressions ("MSP-POD-NONROOT"). */
  readonly id: string;
  /** An error fails synthesis; a warning is reported. */
  readonly severity: "error" | "warning";
  /** What the rule asks, in a sentence. */
  readonly title: string;
  /** What to change. */
  readonly fix: string;
  /** Problems of one pod (empty when compliant). */
  readonly pod?: (pod: PodView) => string[];
  /** Problems of one resolved Terraform resource of `type` (empty when compliant or not applicable). */
  readonly resource?: (type: string, attributes: Record<string, unknown>) => string[];
}

const FILE_PATH = /^\/(var\/run|etc|pulsar|tmp)\//;

/** The effective value of a security setting: the container's, else the pod's. */
function effective<K extends "runAsNonRoot" | "runAsUser" | "seccompProfile">(pod: PodView, c: ContainerView, key: K) {
  return c.securityContext?.[key] ?? pod.securityContext?.[key];
}

const each = (pod: PodView, check: (c: ContainerView) => string | undefined): string[] =>
  pod.containers.map((c) => check(c)).filter((p): p is string => p !== undefined);

export const RULES: readonly PolicyRule[] = [
  {
    id: "MSP-POD-NONROOT",
    severity: "error",
    title: "containers run as a non-root user (runAsNonRoot, never UID 0)",
    fix: "Set runAsNonRoot: true (and a non-zero runAsUser) on the pod or every container.",
    pod: (pod) => each(pod, (c) => (effective(pod, c, "runAsNonRoot") !== true ? `container ${c.name} may run as root` : Number(effective(pod, c, "runAsUser")) === 0 ? `container ${c.name} runs as UID 0` : undefined)),
  },
  {
    id: "MSP-POD-ESCALATION",
    severity: "error",
    title: "containers cannot gain privileges (allowPrivilegeEscalation: false, capabilities drop ALL)",
    fix: "Set allowPrivilegeEscalation: false and capabilities: { drop: [\"ALL\"] } on every container.",
    pod: (pod) =>
      each(pod, (c) => {
        const s = c.securityContext;
        if (s?.allowPrivilegeEscalation !== false) return `container ${c.name} may escalate privileges`;
        if (!(s.capabilities?.drop ?? []).includes("ALL")) return `container ${c.name} keeps Linux capabilities`;
        const added = (s.capabilities?.add ?? []).filter((cap) => cap !== "NET_BIND_SERVICE");
        return added.length > 0 ? `container ${c.name} adds ${added.join(", ")}` : undefined;
      }),
  },
  {
    id: "MSP-POD-SECCOMP",
    severity: "error",
    title: "containers run under the RuntimeDefault (or a Localhost) seccomp profile",
    fix: "Set seccompProfile: { type: RuntimeDefault } on the pod.",
    pod: (pod) => each(pod, (c) => (["RuntimeDefault", "Localhost"].includes(String(effective(pod, c, "seccompProfile")?.type)) ? undefined : `container ${c.name} has no seccomp profile`)),
  },
  {
    id: "MSP-POD-HOST",
    severity: "error",
    title: "no privileged containers, host network, PID or IPC namespace, or host ports",
    fix: "Remove privileged, hostNetwork, hostPID, hostIPC and hostPort.",
    pod: (pod) => [
      ...(pod.hostNetwork ? ["the pod uses the host network"] : []),
      ...(pod.hostPID ? ["the pod uses the host PID namespace"] : []),
      ...(pod.hostIPC ? ["the pod uses the host IPC namespace"] : []),
      ...each(pod, (c) => (c.securityContext?.privileged ? `container ${c.name} is privileged` : c.hostPorts.length > 0 ? `container ${c.name} binds host port ${c.hostPorts.join(", ")}` : undefined)),
    ],
  },
  {
    id: "MSP-POD-RESOURCES",
    severity: "error",
    title: "every container requests CPU and memory and has a memory limit",
    fix: "Give resources: { requests: { cpu, memory }, limits: { memory } }.",
    pod: (pod) =>
      each(pod, (c) => {
        const missing = [!c.resources?.requests?.cpu && "a CPU request", !c.resources?.requests?.memory && "a memory request", !c.resources?.limits?.memory && "a memory limit"].filter(Boolean);
        return missing.length > 0 ? `container ${c.name} lacks ${missing.join(", ")}` : undefined;
      }),
  },
  {
    id: "MSP-POD-IMAGE",
    severity: "error",
    title: "images carry an explicit tag or digest, never latest",
    fix: "Pin the image to a version tag or a digest.",
    pod: (pod) =>
      each(pod, (c) => {
        if (c.image === undefined || c.image.startsWith("${")) return undefined;
        const last = c.image.split("/").pop() ?? "";
        if (c.image.includes("@sha256:")) return undefined;
        return !last.includes(":") ? `container ${c.name} has no image tag (${c.image})` : last.endsWith(":latest") ? `container ${c.name} runs :latest` : undefined;
      }),
  },
  {
    id: "MSP-POD-READONLY",
    severity: "warning",
    title: "containers have a read-only root filesystem",
    fix: "Set readOnlyRootFilesystem: true and mount an emptyDir where the process writes.",
    pod: (pod) => each(pod, (c) => (c.securityContext?.readOnlyRootFilesystem === true ? undefined : `container ${c.name} can write its root filesystem`)),
  },
  {
    id: "MSP-POD-TOKEN",
    severity: "warning",
    title: "pods get no API token unless they call the Kubernetes API",
    fix: "Set automountServiceAccountToken: false, or suppress with the reason the pod calls the API.",
    // A chart part's values rarely say it; only workloads the platform writes are judged.
    pod: (pod) => (pod.source === "chart" || pod.automountServiceAccountToken === false ? [] : ["the pod mounts a service account token"]),
  },
  {
    id: "MSP-ENV-SECRET",
    severity: "error",
    title: "no credential is written literally into an environment variable",
    fix: "Read it from a Secret (secretKeyRef) instead of a literal value.",
    pod: (pod) =>
      pod.containers.flatMap((c) => c.env.filter((e) => e.literal && isSecretKey(e.name) && !FILE_PATH.test(e.value ?? "") && !/^\$\(/.test(e.value ?? "")).map((e) => `container ${c.name} sets ${e.name} literally`)),
  },
  {
    id: "MSP-MANIFEST-SECRET",
    severity: "error",
    title: "no Secret is written as a manifest, and no custom resource holds a literal credential",
    fix: "Reference an existing Secret (secretKeyRef, secretTargetRef) or mint the Secret in the cluster.",
    resource: (type, a) => {
      if (type !== "kubernetes_manifest") return [];
      const manifest = (a.manifest ?? {}) as { kind?: string; data?: unknown; stringData?: unknown; spec?: unknown };
      if (manifest.kind === "Secret" && (manifest.data !== undefined || manifest.stringData !== undefined)) return ["a Secret's data is written into the Terraform JSON and state"];
      const found = findLiteralSecret(manifest.spec);
      return found ? [`${manifest.kind ?? "the resource"} holds a literal credential at spec.${found}`] : [];
    },
  },
  {
    id: "MSP-STORAGE-BINDING",
    severity: "error",
    title: "StorageClasses of zonal disks bind when the pod is scheduled (WaitForFirstConsumer)",
    fix: "Set volumeBindingMode: WaitForFirstConsumer.",
    resource: (type, a) => (type === "kubernetes_storage_class_v1" && a.volume_binding_mode !== "WaitForFirstConsumer" ? [`volumeBindingMode is ${String(a.volume_binding_mode ?? "Immediate")}`] : []),
  },
];
