import type { ContainerSpec } from "./workload";

/**
 * Containers added at admission, which no pod template holds: Dapr's injector adds daprd to a pod
 * annotated `dapr.io/enabled: "true"`, sized by its `dapr.io/sidecar-{cpu,memory}-{request,limit}`
 * annotations (without them daprd runs with no requests: reported as unset).
 */
export function daprSidecar(annotations: Record<string, string>): ContainerSpec[] {
  if (annotations["dapr.io/enabled"] !== "true") return [];
  const pick = (entries: [string, string][]) => Object.fromEntries(entries.filter(([, key]) => annotations[key] !== undefined).map(([name, key]) => [name, annotations[key]]));
  const requests = pick([["cpu", "dapr.io/sidecar-cpu-request"], ["memory", "dapr.io/sidecar-memory-request"]]);
  const limits = pick([["cpu", "dapr.io/sidecar-cpu-limit"], ["memory", "dapr.io/sidecar-memory-limit"]]);
  return [{ name: "daprd", role: "sidecar", resources: { requests, limits } }];
}
