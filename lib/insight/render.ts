import type { ComponentFootprint, FootprintPart, PlatformFootprint, PodFit, QuotaCheck, QuotaKey, Totals, ZoneAnalysisDifference } from "./footprint";
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
  out.push(`Requests and limits are per part (all its pods); volumes are PersistentVolumeClaims.${multiZone ? " The worst zone is the most one zone can hold: ceil(pods / zones) of a part spread hard, all the pods of any other (a preferred spread guarantees nothing)." : ""}`, "");

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
  if (multiZone) out.push(`- Zones: any one zone holds at most ${zone(f.worstZone)} (parts spread hard at ceil(pods / zones), every other part all in one zone); with every spread honoured, the busiest holds at most ${zone(f.evenZone)}.`);
  const withJobs = { cpu: r.requests.cpu + f.jobs.requests.cpu, memory: r.requests.memory + f.jobs.requests.memory };
  out.push(`- With every Job running at once: ${cpu(withJobs.cpu)} CPU, ${mem(withJobs.memory)}.`);
  const autoscaled = f.parts.some((p) => p.autoscaled);
  const binding = f.quotas.filter((q) => q.binds.length > 0);
  if (autoscaled) {
    const quotaText = binding.length === 0 ? "" : `; within the team quotas at most ${cpu(f.atMaximumWithinQuotas.cpu)} CPU, ${mem(f.atMaximumWithinQuotas.memory)} (the team ${binding.length === 1 ? "quota binds" : "quotas bind"}: ${binding.map(quotaBinds).join("; ")}: the API server refuses the pods beyond it)`;
    out.push(`- With autoscaled parts at their maximum: ${cpu(f.atMaximum.cpu)} CPU, ${mem(f.atMaximum.memory)}${quotaText}.`);
  }
  const quotasApplied = f.quotas.length > 0 ? " (team quotas applied)" : "";
  if (f.node) {
    const n = f.node;
    if (f.singleNode) {
      out.push(`- Fits one node: ${n.fitsOneNode ? "yes" : "NO"}: requests ${of(r.requests, n.allocatable)}; with every Job ${n.fitsOneNodeWithJobs ? "still fits" : "DOES NOT FIT"} (${of(withJobs, n.allocatable)}).`);
      const limits = r.limits.memory;
      out.push(`- Memory limits: ${r.limits.memoryUnbounded ? `${r.limits.memoryUnbounded === 1 ? "1 pod has" : `${r.limits.memoryUnbounded} pods have`} none, so memory can be overcommitted` : `${mem(limits)} of ${mem(n.allocatable.memory)} (${pct(limits, n.allocatable.memory)}): ${limits <= n.allocatable.memory ? "memory is not overcommitted" : "overcommitted: pods using their limits at once would run the node out of memory"}`}.`);
      const m = f.atMaximumWithinQuotas;
      if (autoscaled) out.push(`- At the autoscalers' maximum the requests would be ${of(m, n.allocatable)}${quotasApplied}: ${m.cpu <= n.allocatable.cpu && m.memory <= n.allocatable.memory ? "still fits" : "more than the node holds; the extra pods stay Pending"}.`);
    } else {
      const atMaximum = autoscaled ? `, ${n.nodesPerZoneAtMaximum} at the autoscalers' maximum${quotasApplied}` : "";
      if (multiZone) {
        out.push(`- Nodes per zone: at least ${n.nodesPerZone} (the running requests over ${f.zones.length} zones of equal size)${atMaximum}; the busiest zone needs ${n.nodesForEvenZone} with every spread honoured, ${n.nodesForWorstZone} holding the most it can (bin packing and host anti-affinity can need more).`);
      } else {
        out.push(`- Nodes: at least ${n.nodesPerZone} for the running requests${atMaximum} (bin packing and host anti-affinity can need more).`);
      }
    }
    const pod = (p: PodFit) => `${p.part} (${cpu(p.requests.cpu)} CPU / ${mem(p.requests.memory)})${p.fits ? "" : ": LARGER THAN A NODE"}`;
    out.push(`- Largest pods: by memory ${pod(n.largestPods.memory)}, by CPU ${pod(n.largestPods.cpu)}.`);
  }
  if (f.zoneAnalysisDiffers.length > 0) {
    const group = (g: ZoneAnalysisDifference["group"]) => `${g.members} member${g.members === 1 ? "" : "s"}, spread ${g.spread}`;
    const counted = (d: ZoneAnalysisDifference) => (d.counted ? `${d.part} runs ${d.counted.pods} pod${d.counted.pods === 1 ? "" : "s"}, spread ${d.counted.spread}` : `${d.part} is not counted here`);
    out.push(`- The zone analysis counts otherwise: ${f.zoneAnalysisDiffers.map((d) => `${counted(d)}, where its zone group has ${group(d.group)}`).join("; ")}.`);
  }
  const unsetCount = f.unset.reduce((n, u) => n + u.containers.length, 0);
  out.push(`- Unset requests (*, counted as 0): ${unsetCount === 0 ? "none" : `${unsetCount} container${unsetCount === 1 ? "" : "s"}: ${f.unset.map((u) => `${u.part} [${u.containers.join("; ")}]`).join(", ")}`}.`);
  if (f.invalid.length > 0) out.push(`- PODS THE API SERVER REFUSES: ${f.invalid.map((u) => `${u.part} [${u.containers.join("; ")}]`).join(", ")}.`);
  if (f.notCounted.length > 0) out.push(`- Not counted: ${f.notCounted.map((n) => `${n.component}/${n.part} (${n.reason})`).join(", ")}.`);
  return out.join("\n");
}

const quotaAmount = (key: QuotaKey, n: number) => (key === "pods" ? String(n) : key.endsWith("cpu") ? cpu(n) : mem(n));

/** "services (a) would take 4.38Gi of limits.memory, above its 4Gi". */
function quotaBinds(q: QuotaCheck): string {
  return `${q.component} would take ${q.binds.map((key) => `${quotaAmount(key, q.atMaximum[key]!)} of ${key}, above its ${quotaAmount(key, q.hard[key]!)}`).join(" and ")}`;
}

/** Why `npm run report` fails a footprint: a single-node target it does not fit, a pod larger than the node, pods the API server refuses. */
export function footprintFailures(f: PlatformFootprint): string[] {
  const failures: string[] = [];
  const n = f.node;
  if (n && f.singleNode && !n.fitsOneNode) failures.push(`${f.platform} does not fit its node: requests ${of(f.running.requests, n.allocatable)}`);
  const tooLarge = n ? [n.largestPods.memory, n.largestPods.cpu].filter((p) => !p.fits).map((p) => p.part) : [];
  for (const part of new Set(tooLarge)) failures.push(`${f.platform}: ${part} is larger than a node`);
  if (f.invalid.length > 0) failures.push(`${f.platform}: pods the API server refuses: ${f.invalid.map((u) => u.part).join(", ")}`);
  return failures;
}
