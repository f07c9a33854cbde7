import { PlatformConfigError } from "../lib";
import { BLUEPRINTS } from "./blueprints";

/**
 * Runs a program of this repository (synth, reports): bad input is reported as the message alone,
 * which names the construct or file, the value and the fix, and exits 1.
 *
 * Done, it exits at once when nothing is left to write: after building and dropping a construct
 * tree, Node would otherwise first run the garbage collector's pending work. Output still being
 * flushed (stdout is asynchronous on some platforms' pipes) is left to the normal exit.
 */
export function runProgram(main: () => number | void): void {
  try {
    process.exitCode = main() ?? 0;
  } catch (error) {
    if (!(error instanceof PlatformConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
}

/** The default blueprints named in BLUEPRINTS (comma-separated; all of them when unset). */
export function selectedBlueprints(): [string, (typeof BLUEPRINTS)[string]][] {
  const wanted = (process.env.BLUEPRINTS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((name) => !(name in BLUEPRINTS));
  if (unknown.length > 0) {
    throw new PlatformConfigError("BLUEPRINTS", `unknown blueprint${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`, unknown, `Known: ${Object.keys(BLUEPRINTS).join(", ")}.`);
  }
  return Object.entries(BLUEPRINTS).filter(([name]) => wanted.length === 0 || wanted.includes(name));
}
