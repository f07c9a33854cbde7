import { readdirSync } from "node:fs";
import { extname, isAbsolute, join, relative } from "node:path";
// The library before cdktf (see stacks/main.ts).
import { loadPlatformSpec, PlatformConfigError, PlatformSpecDocument, readPlatformSpec } from "../lib";
import { App } from "cdktf";
import { runProgram } from "./program";

// Synthesizes every platform spec (*.yaml, *.yml, *.json) of a folder into cdktf.out (or
// $CDKTF_OUTDIR): SPECS_DIR, default ./blueprints (the six default blueprints as data).
// SPECS=aws,edge limits the run to some of them, by platform name.
const SPEC_FILES = [".yaml", ".yml", ".json"];

/** Reads every spec of `dir` (all of them first: one bad file fails the run), then builds those `wanted` (all when empty) into `app`. */
export function synthesizeSpecs(app: App, dir: string, wanted: string[] = []): string[] {
  const documents = specFiles(dir).map((file) => readPlatformSpec(file));
  const names = new Map<string, PlatformSpecDocument>();
  for (const doc of documents) {
    const name = doc.name ?? "";
    const clash = names.get(name);
    if (clash !== undefined) {
      throw new PlatformConfigError(nameOf(doc), `the platform name "${name}" is also the name of ${nameOf(clash)}`, name, "Give each spec its own name: stack names start with it.");
    }
    names.set(name, doc);
  }
  const unknown = wanted.filter((name) => !names.has(name));
  if (unknown.length > 0) {
    throw new PlatformConfigError("SPECS", `no spec is named ${unknown.join(", ")}`, unknown, `Name specs of ${dir}: ${[...names.keys()].join(", ")}.`);
  }
  const built = documents.filter((doc) => wanted.length === 0 || wanted.includes(doc.name ?? ""));
  for (const doc of built) loadPlatformSpec(app, doc);
  return built.map((doc) => doc.name ?? "");
}

/** Where a spec's name is: its `name:` key (file:line:column), or its file when the name is the file's. */
function nameOf(doc: PlatformSpecDocument): string {
  return doc.spec.name !== undefined ? doc.locate(["name"]) : `${doc.source} (named after the file)`;
}

/** The spec files of `dir`, sorted; paths under the working directory are given relative to it, as messages name them. */
function specFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (e) {
    throw new PlatformConfigError("SPECS_DIR", "the folder of platform specs cannot be read", dir, `Point SPECS_DIR at a folder of *.yaml or *.json specs (${(e as NodeJS.ErrnoException).code ?? "error"}).`);
  }
  const files = entries.filter((f) => SPEC_FILES.includes(extname(f).toLowerCase())).sort();
  if (files.length === 0) throw new PlatformConfigError("SPECS_DIR", "the folder holds no platform spec", dir, "Add a *.yaml, *.yml or *.json spec, or point SPECS_DIR elsewhere.");
  return files.map((f) => {
    const path = join(dir, f);
    const local = relative(process.cwd(), path);
    return local.startsWith("..") || isAbsolute(local) ? path : local;
  });
}

if (require.main === module) {
  runProgram(() => {
    // Relative to the working directory, as npm scripts run at the package's root.
    const wanted = (process.env.SPECS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    const app = new App();
    synthesizeSpecs(app, process.env.SPECS_DIR ?? "blueprints", wanted);
    app.synth();
  });
}
