// `npm run bench`: times, in fresh processes, from the compiled output:
//  - the floor (a one-resource cdktf stack) and every default blueprint, and their ratio; for
//    reference, the floor started as the library starts cdktf;
//  - the `aws` blueprint with 10, 100 and 1,000 plain services (time, peak memory, cost per service);
//  - the fast path (`node dist/stacks/main.js`) against `npx cdktf synth` run the default way
//    (the app through ts-node), once (BENCH_CLI=0 skips it).
// BENCH_RUNS sets the samples per figure (median); BENCH_STRICT=1 fails when a target is missed.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGETS = { blueprintRatio: 1.5, servicesSeconds: 3, servicesMegabytes: 400, cliSpeedup: 10 };
const root = join(__dirname, "..", "..");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs a compiled program in a fresh process with its own output directory: seconds, peak RSS in MB, stacks written. */
function runOnce(script: string, env: Record<string, string> = {}): { seconds: number; megabytes: number; stacks: number; resources: number } {
  const outdir = mkdtempSync(join(tmpdir(), "msp-bench-"));
  try {
    const started = process.hrtime.bigint();
    // The child reports its own peak RSS (kB on Linux) as its last line of stderr.
    const child = spawnSync(process.execPath, ["-e", `process.on("exit", () => process.stderr.write("maxrss " + process.resourceUsage().maxRSS + "\\n")); require(${JSON.stringify(script)});`], {
      env: { ...process.env, ...env, CDKTF_OUTDIR: outdir },
      encoding: "utf8",
      stdio: ["ignore", "ignore", "pipe"],
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (child.status !== 0) throw new Error(`${script} failed:\n${child.stderr}`);
    const rss = /maxrss (\d+)/.exec(child.stderr);
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
    let resources = 0;
    for (const stack of Object.values(manifest.stacks)) {
      const tf = JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), "utf8")) as { resource?: Record<string, object> };
      for (const byId of Object.values(tf.resource ?? {})) resources += Object.keys(byId).length;
    }
    return { seconds, megabytes: rss ? Number(rss[1]) / 1024 : NaN, stacks: Object.keys(manifest.stacks).length, resources };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function measure(script: string, env: Record<string, string> = {}, runs = RUNS): { seconds: number; megabytes: number; stacks: number; resources: number } {
  const samples = Array.from({ length: runs }, () => runOnce(script, env));
  return { seconds: median(samples.map((s) => s.seconds)), megabytes: Math.max(...samples.map((s) => s.megabytes)), stacks: samples[0].stacks, resources: samples[0].resources };
}

const misses: string[] = [];
const line = (label: string, value: string) => console.log(`${label.padEnd(56)}${value}`);

// Floor and blueprints are sampled in turns, so a machine that slows down or speeds up during the
// run moves both alike and their ratio stays meaningful.
// The library starts cdktf without modules it never uses (lib/core/startup.ts), which the floor, a
// plain cdktf program, loads: a floor started the same way is sampled too, for an equal footing.
const floorSamples: ReturnType<typeof runOnce>[] = [];
const blueprintSamples: ReturnType<typeof runOnce>[] = [];
const deferredFloorSamples: ReturnType<typeof runOnce>[] = [];
for (let i = 0; i < RUNS; i++) {
  floorSamples.push(runOnce(join(__dirname, "bench-floor.js")));
  blueprintSamples.push(runOnce(join(root, "dist", "stacks", "main.js")));
  deferredFloorSamples.push(runOnce(join(__dirname, "bench-floor-deferred.js")));
}
const summary = (samples: ReturnType<typeof runOnce>[]) => ({ ...samples[0], seconds: median(samples.map((s) => s.seconds)), megabytes: Math.max(...samples.map((s) => s.megabytes)) });
const floor = summary(floorSamples);
const blueprints = summary(blueprintSamples);
const ratio = median(blueprintSamples.map((s, i) => s.seconds / floorSamples[i].seconds));
line("floor (1 stack, 1 resource)", `${floor.seconds.toFixed(3)} s`);
line(`all default blueprints (${blueprints.stacks} stacks, ${blueprints.resources} resources)`, `${blueprints.seconds.toFixed(3)} s  = ${ratio.toFixed(2)}x the floor, median of paired runs (target <= ${TARGETS.blueprintRatio}x)`);
if (ratio > TARGETS.blueprintRatio) misses.push(`blueprints at ${ratio.toFixed(2)}x the floor`);
const deferredFloor = summary(deferredFloorSamples);
const deferredRatio = median(blueprintSamples.map((s, i) => s.seconds / deferredFloorSamples[i].seconds));
line("floor started as the library starts cdktf", `${deferredFloor.seconds.toFixed(3)} s; the blueprints take ${deferredRatio.toFixed(2)}x that (reference, no target)`);
// For scale: plain cdktf (generated bindings, no platform) writing as many stacks and resources.
const perStack = String(Math.round(blueprints.resources / blueprints.stacks));
const sameSize = measure(join(__dirname, "bench-floor.js"), { FLOOR_STACKS: String(blueprints.stacks), FLOOR_RESOURCES: perStack });
line(`plain cdktf, ${blueprints.stacks} stacks x ${perStack} namespaces`, `${sameSize.seconds.toFixed(3)} s  = ${(sameSize.seconds / floor.seconds).toFixed(2)}x the floor (reference, no target)`);

const services = [10, 100, 1000].map((count) => ({ count, ...measure(join(__dirname, "bench-services.js"), { SERVICES: String(count) }, count === 1000 ? Math.min(RUNS, 3) : RUNS) }));
for (const s of services) line(`aws + ${s.count} services`, `${s.seconds.toFixed(3)} s, ${s.megabytes.toFixed(0)} MB peak`);
const [ten, , thousand] = services;
const perService = ((thousand.seconds - ten.seconds) / (thousand.count - ten.count)) * 1000;
const perServiceMb = ((thousand.megabytes - ten.megabytes) / (thousand.count - ten.count)) * 1024;
line("cost per service (10 -> 1,000)", `${perService.toFixed(2)} ms, ${perServiceMb.toFixed(0)} kB`);
line("1,000 services target", `<= ${TARGETS.servicesSeconds} s and <= ${TARGETS.servicesMegabytes} MB`);
if (thousand.seconds > TARGETS.servicesSeconds) misses.push(`1,000 services in ${thousand.seconds.toFixed(2)} s`);
if (thousand.megabytes > TARGETS.servicesMegabytes) misses.push(`1,000 services at ${thousand.megabytes.toFixed(0)} MB`);

if (process.env.BENCH_CLI !== "0") {
  const outdir = mkdtempSync(join(tmpdir(), "msp-bench-cli-"));
  const started = process.hrtime.bigint();
  execFileSync("npx", ["cdktf", "synth", "--app", "npx ts-node -P tsconfig.json stacks/main.ts", "--output", outdir], {
    cwd: root,
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
    stdio: "ignore",
  });
  const cli = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(outdir, { recursive: true, force: true });
  const speedup = cli / blueprints.seconds;
  line("npx cdktf synth (app through ts-node)", `${cli.toFixed(2)} s; the fast path is ${speedup.toFixed(1)}x faster (target >= ${TARGETS.cliSpeedup}x)`);
  if (speedup < TARGETS.cliSpeedup) misses.push(`fast path only ${speedup.toFixed(1)}x faster than npx cdktf synth`);
}

console.log(misses.length === 0 ? "every target met" : `missed: ${misses.join("; ")}`);
if (process.env.BENCH_STRICT === "1" && misses.length > 0) process.exit(1);
