#!/usr/bin/env node
// Prints the key paths of a Helm chart's values.yaml, one per line, in document order:
// the "chart key" fixtures under test/fixtures/charts/ (read by test/chart-keys.ts).
//
//   git -C <mirror> show pulsar-4.7.0:charts/pulsar/values.yaml \
//     | node scripts/chart-keys.mjs --header "key paths of ... at tag ..." > test/fixtures/charts/pulsar-4.7.0.keys
//   node scripts/chart-keys.mjs --header "..." path/to/values.yaml
//
// Convention (matches valuePaths in test/chart-keys.ts): every map key becomes a path "a.b.c"
// (keys are joined with "." as they are, even if they contain dots or slashes); intermediate
// maps and leaves are both listed; a list, a scalar, null and an empty map are leaves (the
// script does not descend into lists). Keys that only appear in comments are not listed.
// Each --header (repeatable) becomes a leading "# ..." line. Reads stdin when no path is given.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

function usage(msg) {
  if (msg) process.stderr.write(`chart-keys: ${msg}\n`);
  process.stderr.write("usage: node scripts/chart-keys.mjs [--header TEXT]... [values.yaml]  (stdin if no file)\n");
  process.exit(2);
}

const headers = [];
let file;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--header") {
    if (i + 1 >= argv.length) usage("--header needs a value");
    headers.push(argv[++i]);
  } else if (a.startsWith("--header=")) headers.push(a.slice("--header=".length));
  else if (a === "-h" || a === "--help") usage();
  else if (a.startsWith("--")) usage(`unknown option ${a}`);
  else if (file === undefined) file = a;
  else usage("more than one input file");
}

const text = readFileSync(file === undefined || file === "-" ? 0 : file, "utf8");
// merge: Helm (go-yaml) resolves "<<" merge keys; uniqueKeys: Helm rejects duplicate keys too.
const values = parse(text, { merge: true, uniqueKeys: true });
if (values !== null && values !== undefined && (typeof values !== "object" || Array.isArray(values))) {
  usage("values file is not a map");
}

const isMap = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const out = [];
(function walk(node, prefix) {
  for (const [k, v] of Object.entries(node)) {
    const path = prefix ? `${prefix}.${k}` : String(k);
    out.push(path);
    if (isMap(v)) walk(v, path);
  }
})(values ?? {}, "");

const lines = [...headers.flatMap((h) => h.split("\n")).map((h) => (h.startsWith("#") ? h : `# ${h}`)), ...out];
process.stdout.write(lines.join("\n") + "\n");
