#!/usr/bin/env node
// `npm run test:terraform`: the synthesized Terraform, checked by real engines.
//  1. builds (or reuses) OpenTofu, the providers, etcd and the Kubernetes control plane (scripts/tools.sh);
//  2. synthesizes every default blueprint and every example;
//  3. `tofu init` + `tofu validate` on every stack, offline (providers from the local mirror);
//  4. starts etcd + kube-apiserver + kube-controller-manager on loopback, and for every stack whose
//     resources are all Kubernetes-provider resources: `tofu apply`, then `tofu plan -detailed-exitcode`
//     (must report no changes), and finally `tofu destroy`, in dependency order;
//  5. deploys and destroys one stack through `cdktf deploy` / `cdktf destroy` with TERRAFORM_BINARY_NAME.
// No nodes exist, so every stack is applied with TF_VAR_wait_for_rollout=false (the stacks' switch
// for workload and Helm waits). Helm releases cannot be installed here (no chart repository is
// reachable): their stacks are validated only.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readToolsEnv, startCluster } from "./local-cluster.mjs";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// Stacks that must be applied to the API server: a stack that silently stops qualifying (a new
// resource type, a failed synth) fails the run instead of shrinking what is tested.
const EXPECTED_APPLIED = [
  ...["local", "edge", "aws", "gcp", "azure", "tencent"].flatMap((b) => [`${b}-base`, `${b}-apps`]),
  "shop-base", "shop-apps", "store-042-base", "store-042-apps", "audited-base", "audited-apps", "payments-base", "payments-apps",
];
const results = [];
const started = Date.now();
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);

function run(cmd, args, { cwd = ROOT, env = process.env, allow = [0] } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  return { ok: allow.includes(r.status), status: r.status, out: r.error ? String(r.error) : out };
}

function record(stack, step, outcome, detail = "") {
  results.push({ stack, step, ok: outcome.ok, detail });
  const mark = outcome.ok ? "ok  " : "FAIL";
  console.log(`${mark} ${step.padEnd(9)} ${stack}${detail ? `  (${detail})` : ""}`);
  if (!outcome.ok) console.log(outcome.out.split("\n").slice(-40).join("\n"));
  return outcome.ok;
}

// 1. Tools.
let t = Date.now();
const tools = spawnSync("bash", [path.join(ROOT, "scripts/tools.sh")], { stdio: "inherit" });
if (tools.status !== 0) {
  console.error("test:terraform: scripts/tools.sh failed; see its message above.");
  process.exit(1);
}
const toolsEnv = readToolsEnv();
console.log(`tools ready in ${seconds(t)} s`);
const baseEnv = {
  ...process.env,
  ...toolsEnv,
  PATH: `${path.dirname(toolsEnv.MSP_TOFU)}:${process.env.PATH}`,
  CHECKPOINT_DISABLE: "1",
  TF_IN_AUTOMATION: "1",
  TF_INPUT: "0",
};
const tofu = (dir, args, opts = {}) => run(toolsEnv.MSP_TOFU, [`-chdir=${dir}`, ...args, "-no-color"], { env: opts.env ?? baseEnv, allow: opts.allow });

// 2. Synthesis: blueprints and examples, each into its own outdir.
const work = fs.mkdtempSync(path.join(os.tmpdir(), "msp-terraform-"));
const programs = [
  ["blueprints", "dist/stacks/main.js"],
  ...fs
    .readdirSync(path.join(ROOT, "dist/examples"))
    .filter((f) => f.endsWith(".js"))
    .map((f) => [`example ${f.replace(/\.js$/, "")}`, `dist/examples/${f}`]),
];
const stacks = [];
for (const [group, program] of programs) {
  const outdir = path.join(work, group.replace(/\W+/g, "-"), "cdktf.out");
  fs.mkdirSync(path.dirname(outdir), { recursive: true });
  const synth = run(process.execPath, [program], { env: { ...process.env, CDKTF_OUTDIR: outdir } });
  if (!record(group, "synth", synth)) continue;
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  for (const [name, s] of Object.entries(manifest.stacks)) {
    const dir = path.join(outdir, s.workingDirectory);
    const json = JSON.parse(fs.readFileSync(path.join(outdir, s.synthesizedStackPath), "utf8"));
    stacks.push({ name, group, dir, json, deps: s.dependencies });
  }
}

// 3. init + validate, offline.
t = Date.now();
for (const s of stacks) {
  const init = tofu(s.dir, ["init", "-input=false"]);
  if (!record(s.name, "init", init)) continue;
  s.valid = record(s.name, "validate", tofu(s.dir, ["validate"]));
}
console.log(`init + validate of ${stacks.length} stacks in ${seconds(t)} s`);

// 4. A real API server: apply, re-plan, destroy.
const types = (s) => Object.keys(s.json.resource ?? {});
const reachesTestCluster = (s) => (s.json.provider?.kubernetes ?? []).every((p) => p.config_path === "${var.kubeconfig_path}");
const applicable = stacks.filter((s) => s.valid && types(s).length > 0 && types(s).every((x) => x.startsWith("kubernetes_")) && reachesTestCluster(s));
for (const s of stacks.filter((x) => x.valid && !applicable.includes(x))) {
  const why = types(s).some((x) => x.startsWith("helm_")) ? "Helm releases: no chart repository is reachable" : !reachesTestCluster(s) ? "its provider targets its own endpoint" : "no resources";
  console.log(`skip apply     ${s.name}  (${why})`);
}
// Dependencies first (base before apps), groups one after another.
const ordered = [];
const visit = (s) => {
  if (ordered.includes(s)) return;
  for (const dep of s.deps) {
    const d = applicable.find((x) => x.group === s.group && x.name === dep);
    if (d) visit(d);
  }
  ordered.push(s);
};
applicable.forEach(visit);

t = Date.now();
const cluster = await startCluster({ toolsEnv });
console.log(`API server ready at ${cluster.server} in ${seconds(t)} s`);
const clusterEnv = {
  ...baseEnv,
  TF_VAR_kubeconfig_path: cluster.kubeconfigPath,
  TF_VAR_kube_context: cluster.context,
  TF_VAR_wait_for_rollout: "false",
  // Throwaway values for stacks that take object-store keys as sensitive variables.
  TF_VAR_offload_credential_id: "test-only-id",
  TF_VAR_offload_credential_secret: "test-only-secret",
};
try {
  const crds = customResourceKinds(ordered);
  if (crds.length > 0) registerPermissiveCrds(crds, clusterEnv);
  t = Date.now();
  const applied = [];
  // One program at a time (apply, re-plan, then destroy in reverse): two programs may declare
  // the same platform (an example built from a spec and its TypeScript twin).
  for (const group of [...new Set(ordered.map((s) => s.group))]) {
    const inGroup = [];
    for (const s of ordered.filter((x) => x.group === group)) {
      if (!record(s.name, "apply", tofu(s.dir, ["apply", "-auto-approve", "-input=false"], { env: clusterEnv }), `${Object.values(s.json.resource).reduce((n, r) => n + Object.keys(r).length, 0)} resources`)) continue;
      inGroup.push(s);
      const plan = tofu(s.dir, ["plan", "-detailed-exitcode", "-input=false"], { env: clusterEnv });
      record(s.name, "re-plan", { ...plan, ok: plan.status === 0 }, plan.status === 0 ? "no changes" : plan.status === 2 ? "changes after apply" : "error");
    }
    for (const s of [...inGroup].reverse()) record(s.name, "destroy", tofu(s.dir, ["destroy", "-auto-approve", "-input=false"], { env: clusterEnv }));
    applied.push(...inGroup);
  }
  console.log(`apply / re-plan / destroy of ${applied.length} stacks in ${seconds(t)} s`);
  const missing = EXPECTED_APPLIED.filter((name) => !applied.some((s) => s.name === name));
  record(`${applied.length} of ${EXPECTED_APPLIED.length} expected stacks`, "coverage", { ok: missing.length === 0, out: `not applied: ${missing.join(", ")}` }, missing.length ? `missing ${missing.join(", ")}` : "all applied");

  // 5. The cdktf CLI path, as the README documents it.
  t = Date.now();
  const cliEnv = { ...clusterEnv, TERRAFORM_BINARY_NAME: path.join(ROOT, "scripts/tofu-offline.sh") };
  const cdktf = path.join(ROOT, "node_modules/.bin/cdktf");
  const state = path.join(ROOT, "terraform.local-base.tfstate");
  record("local-base", "cdktf-deploy", run(cdktf, ["deploy", "local-base", "--auto-approve"], { env: cliEnv }));
  record("local-base", "cdktf-destroy", run(cdktf, ["destroy", "local-base", "--auto-approve", "--ignore-missing-stack-dependencies"], { env: cliEnv }));
  for (const f of [state, `${state}.backup`]) fs.rmSync(f, { force: true });
  console.log(`cdktf deploy + destroy in ${seconds(t)} s`);
} finally {
  await cluster.stop();
  fs.rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((r) => !r.ok).length;
console.log(`\ntest:terraform finished in ${seconds(started)} s`);
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

/** Kinds of custom resources (kubernetes_manifest) the applied stacks create. */
function customResourceKinds(list) {
  const kinds = new Map();
  for (const s of list) {
    for (const r of Object.values(s.json.resource?.kubernetes_manifest ?? {})) {
      const [group, version] = String(r.manifest.apiVersion).split("/");
      kinds.set(`${r.manifest.kind}.${group}`, { group, version, kind: r.manifest.kind, namespaced: Boolean(r.manifest.metadata?.namespace) });
    }
  }
  return [...kinds.values()];
}

/**
 * Upstream CRD files may not be copied into the project, so custom resources are checked against
 * permissive CRDs (any spec accepted): the API server then checks apiVersion, kind and metadata only.
 */
function registerPermissiveCrds(kinds, env) {
  const dir = path.join(work, "crds");
  fs.mkdirSync(dir, { recursive: true });
  const resource = {};
  for (const k of kinds) {
    const plural = `${k.kind.toLowerCase()}s`;
    resource[`${plural}_${k.group}`.replace(/\W/g, "_")] = {
      manifest: {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: `${plural}.${k.group}` },
        spec: {
          group: k.group,
          scope: k.namespaced ? "Namespaced" : "Cluster",
          names: { kind: k.kind, plural, singular: k.kind.toLowerCase(), listKind: `${k.kind}List` },
          versions: [{ name: k.version, served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
        },
      },
    };
  }
  fs.writeFileSync(
    path.join(dir, "main.tf.json"),
    JSON.stringify({
      terraform: { required_providers: { kubernetes: { source: "hashicorp/kubernetes", version: "2.38.0" } } },
      provider: { kubernetes: { config_path: env.TF_VAR_kubeconfig_path, config_context: env.TF_VAR_kube_context } },
      resource: { kubernetes_manifest: resource },
    }),
  );
  record("permissive CRDs", "init", tofu(dir, ["init", "-input=false"], { env }));
  record("permissive CRDs", "apply", tofu(dir, ["apply", "-auto-approve", "-input=false"], { env }), kinds.map((k) => `${k.kind}.${k.group}`).join(", "));
}
