// `npm run bench`: times, in fresh processes, the floor (one-resource cdktf stack) and the
// synthesis of every default blueprint from the compiled output, and prints the ratio.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_RATIO = 2;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(script: string): { seconds: number; stacks: number } {
  const samples: number[] = [];
  let stacks = 0;
  for (let i = 0; i < RUNS; i++) {
    const outdir = mkdtempSync(join(tmpdir(), "msp-bench-"));
    const started = process.hrtime.bigint();
    execFileSync(process.execPath, [script], { env: { ...process.env, CDKTF_OUTDIR: outdir }, stdio: ["ignore", "ignore", "inherit"] });
    samples.push(Number(process.hrtime.bigint() - started) / 1e9);
    stacks = Object.keys(JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")).stacks).length;
    rmSync(outdir, { recursive: true, force: true });
  }
  return { seconds: median(samples), stacks };
}

const floor = time(join(__dirname, "bench-floor.js"));
const platform = time(join(__dirname, "..", "stacks", "main.js"));
const ratio = platform.seconds / floor.seconds;
console.log(`floor (1 stack, 1 resource):       ${floor.seconds.toFixed(3)} s (median of ${RUNS})`);
console.log(`all blueprints (${platform.stacks} stacks):        ${platform.seconds.toFixed(3)} s (median of ${RUNS})`);
console.log(`ratio: ${ratio.toFixed(2)}x (target <= ${TARGET_RATIO}x)`);
if (process.env.BENCH_STRICT === "1" && ratio > TARGET_RATIO) process.exit(1);
