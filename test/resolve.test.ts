import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Aspects, dependable, Fn, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { Lazy } from "../lib/core/lazy";
import { resolveFast } from "../lib/core/resolve";
import { PlatformStack } from "../lib/core/platform-stack";
import { KubernetesConnection } from "../lib/core/connection";
import { emitResource, nameOf, variableBoolean, variableString } from "../lib/core/provider-resource";
import { outputWith, synthEverything } from "./everything";

const differing = (a: Map<string, string>, b: Map<string, string>) => [...new Set([...a.keys(), ...b.keys()])].filter((file) => a.get(file) !== b.get(file));

/** Stacks with every kind of token: references across stacks, variables, functions, numbers, lists, maps, lazy values. */
function tokens(outdir: string): void {
  const app = new App({ outdir });
  const connection = KubernetesConnection.kubeconfig();
  const base = new PlatformStack(app, "t-base", { connection, platformName: "t" });
  const apps = new PlatformStack(app, "t-apps", { connection, platformName: "t" });
  apps.addDependency(base);
  const ns = emitResource(base, "Ns", "kubernetes_namespace_v1", { metadata: { name: "t", labels: { "a.b/c": "1" } } });
  const replicas = new TerraformVariable(apps, "replicas", { type: "number", default: 2 });
  const zones = new TerraformVariable(apps, "zones", { type: "list(string)", default: ["a"] });
  const labels = new TerraformVariable(apps, "labels", { type: "map(string)", default: {} });
  emitResource(apps, "Cm", "kubernetes_config_map_v1", {
    metadata: { name: "cm", namespace: nameOf(ns), labels: labels.value },
    data: { count: `${replicas.numberValue}`, zones: Fn.join(",", zones.listValue), plain: "1e5 and $${literal}", nested: Fn.upper(nameOf(ns)) },
  });
  new TerraformOutput(apps, "ns", { value: nameOf(ns) });
  new TerraformOutput(base, "plain", { value: { list: [1, "a", undefined, { x: undefined }], empty: {} } });
  app.synth();
}

/** The library's references (`nameOf`, `variableString`, `variableBoolean`, `dependsOn` of its resources) or cdktf's own, in their stack and across stacks. */
function references(own: boolean) {
  return (outdir: string) => {
    const app = new App({ outdir });
    const connection = KubernetesConnection.kubeconfig();
    const base = new PlatformStack(app, "r-base", { connection, platformName: "r" });
    const apps = new PlatformStack(app, "r-apps", { connection, platformName: "r" });
    apps.addDependency(base);
    const ns = emitResource(base, "Ns", "kubernetes_namespace_v1", { metadata: { name: "r" } });
    const team = new TerraformVariable(base, "team", { type: "string", default: "a" });
    const wait = new TerraformVariable(base, "wait", { type: "bool", default: true });
    const name = () => (own ? nameOf(ns) : ns.getStringAttribute("metadata[0].name"));
    const teamValue = () => (own ? variableString(team) : team.stringValue);
    const waitValue = () => (own ? variableBoolean(wait) : wait.booleanValue);
    for (const [stack, id] of [[base, "Here"], [apps, "There"]] as const) {
      emitResource(stack, id, "kubernetes_config_map_v1", {
        metadata: { name: `cm-${id}`, namespace: name(), labels: { team: teamValue() } },
        data: { joined: Fn.join(",", [name(), teamValue()]), braced: `\${${name()}}` },
      });
      const job = emitResource(stack, `${id}Job`, "kubernetes_job_v1", {
        metadata: { name: `job-${id}`, namespace: name() },
        spec: { template: { metadata: {}, spec: { container: [{ name: "c", image: "busybox" }] } } },
        waitForCompletion: waitValue(),
        dependsOn: own ? [ns] : undefined,
      });
      if (!own) job.dependsOn = [dependable(ns)];
      new TerraformOutput(stack, `out-${id}`, { value: { name: name(), team: teamValue(), wait: waitValue() } });
    }
    app.synth();
  };
}

describe("the fast resolver writes what cdktf's resolver writes", () => {
  test("the library's references write what cdktf's references write, in their stack and across stacks", () => {
    const own = outputWith(references(true), true);
    expect(differing(own, outputWith(references(false), true))).toEqual([]);
    expect(differing(own, outputWith(references(false), false))).toEqual([]);
    const apps = own.get("stacks/r-apps/cdk.tf.json")!;
    expect(apps).toContain("terraform_remote_state");
    expect(apps).not.toContain("TfToken");
  });

  test("every file of every blueprint and example is byte-identical", () => {
    const fast = outputWith(synthEverything, true);
    const cdktf = outputWith(synthEverything, false);
    expect(fast.size).toBeGreaterThan(30);
    expect(differing(fast, cdktf)).toEqual([]);
  });

  test("tokens of every kind, across stacks, resolve the same", () => {
    const fast = outputWith(tokens, true);
    const cdktf = outputWith(tokens, false);
    expect(differing(fast, cdktf)).toEqual([]);
    const apps = JSON.parse(fast.get("stacks/t-apps/cdk.tf.json")!);
    // The cross-stack reference became remote state, and the number and list tokens were resolved.
    expect(JSON.stringify(apps)).toContain("terraform_remote_state");
    expect(apps.resource.kubernetes_config_map_v1).toBeDefined();
    expect(JSON.stringify(apps)).not.toContain("TfToken");
  });

  test("plain data comes back as an equal copy, without undefined", () => {
    const stack = new TerraformStack(new App({ outdir: mkdtempSync(join(tmpdir(), "msp-resolve-plain-")) }), "s");
    const input = { a: [1, "x", undefined, { b: undefined, c: null }], d: { e: "1e5" }, f: new Date(0) };
    const out = resolveFast(stack, input, false) as typeof input;
    expect(out).toEqual({ a: [1, "x", { c: null }], d: { e: "1e5" }, f: new Date(0) });
    expect(out.a).not.toBe(input.a);
  });

  test("stack-level overrides are merged the same", () => {
    const build = (outdir: string) => {
      const app = new App({ outdir });
      const stack = new PlatformStack(app, "t-base", { connection: KubernetesConnection.kubeconfig(), platformName: "t" });
      emitResource(stack, "Ns", "kubernetes_namespace_v1", { metadata: { name: "t" } });
      stack.addOverride("locals.x", "y");
      // An undefined value deletes what the document has there.
      stack.addOverride("terraform.backend", undefined);
      app.synth();
    };
    const fast = outputWith(build, true);
    expect(differing(fast, outputWith(build, false))).toEqual([]);
    expect(fast.get("stacks/t-base/cdk.tf.json")).toContain('"x": "y"');
    expect(JSON.parse(fast.get("stacks/t-base/cdk.tf.json")!).terraform.backend).toBeUndefined();
  });

  test("a user's aspect that changes an element after preparation is seen in the output (nothing prepared is kept then)", () => {
    let replicas = 1;
    const build = (outdir: string) => {
      const app = new App({ outdir });
      const stack = new PlatformStack(app, "t-base", { connection: KubernetesConnection.kubeconfig(), platformName: "t" });
      const cm = emitResource(stack, "Cm", "kubernetes_config_map_v1", { metadata: { name: "cm" }, data: { replicas: Lazy.stringValue({ produce: () => String(replicas) }) } });
      // cdktf runs the aspects of each stack and below (not the app's) before writing the stack.
      Aspects.of(stack).add({ visit: (node) => { if (node === cm) replicas = 3; } });
      app.synth();
    };
    replicas = 1;
    const fast = outputWith(build, true);
    replicas = 1;
    const cdktf = outputWith(build, false);
    expect(differing(fast, cdktf)).toEqual([]);
    expect(fast.get("stacks/t-base/cdk.tf.json")).toContain('"replicas": "3"');
  });

  test("a second synthesis after a change resolves anew", () => {
    const outdir = mkdtempSync(join(tmpdir(), "msp-resolve-twice-"));
    try {
      let value = "first";
      const app = new App({ outdir });
      const stack = new PlatformStack(app, "t-base", { connection: KubernetesConnection.kubeconfig(), platformName: "t" });
      emitResource(stack, "Cm", "kubernetes_config_map_v1", { metadata: { name: "cm" }, data: { value: Lazy.stringValue({ produce: () => value }) } });
      app.synth();
      value = "second";
      expect(JSON.stringify(stack.toTerraform())).toContain('"value":"second"');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
