import type { ComponentFootprint, FootprintPart, PlatformFootprint, Totals } from "./footprint";
import { Amounts, formatBytes, formatCpu } from "./workload";

const cpu = formatCpu;
const mem = formatBytes;
const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
const header = (cells: string[]) => [row(cells), row(cells.map(() => "---"))];
const pct = (used: number, of: number) => `${Math.round((100 * used) / of)}%`;

function pods(p: FootprintPart): string {
  if (p.kind === "PersistentVolumeClaim") return "-";
  return p.autoscaled ? `${p.autoscaled.min}-${p.autoscaled.max} (${p.replicas} counted)` : String(p.replicas);
}

function limit(t: Totals, d: "cpu" | "memory"): string {
  const unbounded = d === "cpu" ? t.limits.cpuUnbounded : t.limits.memoryUnbounded;
  const bounded = d === "cpu" ? t.limits.cpu : t.limits.memory;
  const text = d === "cpu" ? cpu(bounded) : mem(bounded);
  if (unbounded === 0) return t.pods === 0 ? "-" : text;
  return bounded === 0 ? "none" : `${text} + none on ${unbounded} pod${unbounded === 1 ? "" : "s"}`;
}

function zone(t: Totals): string {
  return `${t.pods} pod${t.pods === 1 ? "" : "s"}: ${cpu(t.requests.cpu)} CPU, ${mem(t.requests.memory)}${t.volumes ? `, ${mem(t.volumes)} volumes` : ""}`;
}

/** A request cell; `*` when a container's request is unset (counted as 0). */
function request(p: FootprintPart, d: "cpu" | "memory"): string {
  if (p.containers.length === 0) return "-";
  const value = d === "cpu" ? cpu(p.totals.requests.cpu) : mem(p.totals.requests.memory);
  return p.pod.unset.length > 0 ? `${value}*` : value;
}

const of = (used: Amounts, all: Amounts) => `${cpu(used.cpu)} of ${cpu(all.cpu)} CPU (${pct(used.cpu, all.cpu)}), ${mem(used.memory)} of ${mem(all.memory)} (${pct(used.memory, all.memory)})`;

/** The footprint as Markdown text: parts, components, Jobs, totals and the node check. */
export function renderFootprint(f: PlatformFootprint): string {
  const multiZone = f.zones.length > 1;
  const out: string[] = [];
  out.push(`## ${f.platform} (profile ${f.profile}, ${f.target}, ${multiZone ? `${f.zones.length} zones: ${f.zones.join(", ")}` : f.zones[0]})`, "");
  if (f.node) {
    const n = f.node;
    const size = n.capacity && n.reserved ? `${cpu(n.capacity.cpu)} vCPU / ${mem(n.capacity.memory)}, less ${cpu(n.reserved.cpu)} / ${mem(n.reserved.memory)} kept for k3s and kube-system: ` : "";
    out.push(`Node (${n.source}): ${size}${cpu(n.allocatable.cpu)} CPU / ${mem(n.allocatable.memory)} for the platform's pods.`, "");
  } else {
    out.push("Node size: unknown (give the target a nodeSize to compare).", "");
  }
  out.push("Requests and limits are per part (all its pods); volumes are PersistentVolumeClaims.", "");

  const running = f.parts.filter((p) => p.kind !== "Job" && p.kind !== "CronJob");
  const cells = ["part", "kind", "pods", ...(multiZone ? ["spread"] : []), "CPU req", "mem req", "CPU limit", "mem limit", "volumes", ...(multiZone ? ["worst zone"] : [])];
  out.push(...header(cells));
  for (const p of running) {
    const t = p.totals;
    out.push(
      row([
        `${p.component}/${p.part}`,
        p.kind,
        pods(p),
        ...(multiZone ? [p.spread] : []),
        request(p, "cpu"),
        request(p, "memory"),
        limit(t, "cpu"),
        limit(t, "memory"),
        t.volumes ? mem(t.volumes) : "-",
        ...(multiZone ? [zone(p.worstZone)] : []),
      ]),
    );
  }
  out.push("", "Per component (running parts):", "");
  out.push(...header(["component", "pods", "CPU req", "mem req", "CPU limit", "mem limit", "volumes", ...(multiZone ? ["worst zone"] : [])]));
  const line = (name: string, c: Pick<ComponentFootprint, "running" | "worstZone">) =>
    row([name, c.running.pods, cpu(c.running.requests.cpu), mem(c.running.requests.memory), limit(c.running, "cpu"), limit(c.running, "memory"), c.running.volumes ? mem(c.running.volumes) : "-", ...(multiZone ? [zone(c.worstZone)] : [])]);
  for (const c of f.components.filter((c) => c.running.pods > 0 || c.running.volumes > 0)) out.push(line(c.component, c));
  out.push(line("**total**", { running: f.running, worstZone: f.worstZone }));

  const jobs = f.parts.filter((p) => p.kind === "Job" || p.kind === "CronJob");
  if (jobs.length > 0) {
    out.push("", "Jobs (run to completion, not in the running total):", "");
    out.push(...header(["part", "pods", "CPU req", "mem req", "mem limit", "when"]));
    for (const p of jobs) out.push(row([`${p.component}/${p.part}`, p.replicas, request(p, "cpu"), request(p, "memory"), limit(p.totals, "memory"), p.note ?? "when Terraform creates or replaces it"]));
  }

  out.push("");
  const r = f.running;
  out.push(`- Running: ${r.pods} pods request ${cpu(r.requests.cpu)} CPU and ${mem(r.requests.memory)}; volumes ${mem(r.volumes)}.`);
  out.push(`- Limits: memory ${mem(r.limits.memory)}${r.limits.memoryUnbounded ? ` on ${r.pods - r.limits.memoryUnbounded} pods (${r.limits.memoryUnbounded} without one)` : " (every pod has one)"}; CPU ${cpu(r.limits.cpu)} on ${r.pods - r.limits.cpuUnbounded} pods, none on the other ${r.limits.cpuUnbounded} (a limit caps a pod and reserves nothing).`);
  if (multiZone) out.push(`- Any one zone holds at most ${zone(f.worstZone)} (spread parts as evenly as the scheduler can, unspread ones all in one zone).`);
  const withJobs = { cpu: r.requests.cpu + f.jobs.requests.cpu, memory: r.requests.memory + f.jobs.requests.memory };
  out.push(`- With every Job running at once: ${cpu(withJobs.cpu)} CPU, ${mem(withJobs.memory)}.`);
  if (f.parts.some((p) => p.autoscaled)) out.push(`- With autoscaled parts at their maximum: ${cpu(f.atMaximum.cpu)} CPU, ${mem(f.atMaximum.memory)}.`);
  if (f.node) {
    const n = f.node;
    if (!multiZone) {
      out.push(`- Fits one node: ${n.fitsOneNode ? "yes" : "NO"}: requests ${of(r.requests, n.allocatable)}; with every Job ${n.fitsOneNodeWithJobs ? "still fits" : "DOES NOT FIT"} (${of(withJobs, n.allocatable)}).`);
      const limits = r.limits.memory;
      out.push(`- Memory limits: ${r.limits.memoryUnbounded ? `${r.limits.memoryUnbounded === 1 ? "1 pod has" : `${r.limits.memoryUnbounded} pods have`} none, so memory can be overcommitted` : `${mem(limits)} of ${mem(n.allocatable.memory)} (${pct(limits, n.allocatable.memory)}): ${limits <= n.allocatable.memory ? "memory is not overcommitted" : "overcommitted: pods using their limits at once would run the node out of memory"}`}.`);
      if (f.parts.some((p) => p.autoscaled)) out.push(`- At the autoscalers' maximum the requests would be ${of(f.atMaximum, n.allocatable)}: ${f.atMaximum.cpu <= n.allocatable.cpu && f.atMaximum.memory <= n.allocatable.memory ? "still fits" : "more than the node holds; the extra pods stay Pending"}.`);
    } else {
      out.push(`- Nodes per zone: at least ${n.nodesPerZone} (by the worst zone's requests; bin packing and host anti-affinity can need more).`);
    }
    out.push(`- Largest pod: ${n.largestPod.part}, ${cpu(n.largestPod.requests.cpu)} CPU / ${mem(n.largestPod.requests.memory)}${n.largestPod.fits ? "" : ": LARGER THAN A NODE"}.`);
  }
  const unsetCount = f.unset.reduce((n, u) => n + u.containers.length, 0);
  out.push(`- Unset requests (*, counted as 0): ${unsetCount === 0 ? "none" : `${unsetCount} container${unsetCount === 1 ? "" : "s"}: ${f.unset.map((u) => `${u.part} [${u.containers.join("; ")}]`).join(", ")}`}.`);
  if (f.invalid.length > 0) out.push(`- PODS THE API SERVER REFUSES: ${f.invalid.map((u) => `${u.part} [${u.containers.join("; ")}]`).join(", ")}.`);
  if (f.notCounted.length > 0) out.push(`- Not counted: ${f.notCounted.map((n) => `${n.component}/${n.part} (${n.reason})`).join(", ")}.`);
  return out.join("\n");
}
