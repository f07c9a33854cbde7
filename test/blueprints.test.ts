import { App, Testing, TerraformStack } from "cdktf";
import { CHARTS, ChartPin, CustomResource, HelmChart, Layer, MicroservicePlatform, Profile, Target } from "../lib";
import { BLUEPRINTS } from "../stacks/blueprints";
import { stackNames, testApp } from "./helpers";

function synthAll(app: App): Record<string, any> {
  const out: Record<string, any> = {};
  for (const name of stackNames(app)) out[name] = JSON.parse(Testing.synth(app.node.findChild(name) as TerraformStack, true));
  return out;
}

/**
 * Custom resources planned in a stack that also installs their CRD, found from the synthesized
 * JSON alone: a helm_release is matched to its chart pin by chart name and version.
 */
function crdsPlannedWithTheirChart(stacks: Record<string, any>, pins: ChartPin[]): string[] {
  const problems: string[] = [];
  for (const [name, stack] of Object.entries(stacks)) {
    const groups = new Set<string>();
    for (const release of Object.values<any>(stack.resource?.helm_release ?? {})) {
      const pin = pins.find((p) => p.chart === release.chart && p.version === release.version);
      for (const group of pin?.crdGroups ?? []) groups.add(group);
    }
    for (const manifest of Object.values<any>(stack.resource?.kubernetes_manifest ?? {})) {
      const group = String(manifest.manifest.apiVersion).split("/")[0];
      if (groups.has(group)) problems.push(`${name}: ${manifest.manifest.kind} (${group})`);
    }
  }
  return problems;
}

describe.each(Object.keys(BLUEPRINTS))("blueprint %s", (blueprint) => {
  const app = testApp();
  BLUEPRINTS[blueprint](app);
  const stacks = synthAll(app);

  test("every stack is named after the blueprint and matches its snapshot", () => {
    expect(Object.keys(stacks).length).toBeGreaterThan(0);
    for (const [name, stack] of Object.entries(stacks)) {
      expect(name.startsWith(`${blueprint}-`)).toBe(true);
      expect(stack).toMatchSnapshot(name);
    }
  });

  test("no stack plans a custom resource whose CRD it installs", () => {
    expect(crdsPlannedWithTheirChart(stacks, Object.values(CHARTS))).toEqual([]);
  });

  test("every depends_on names a resource of its own stack", () => {
    for (const [name, stack] of Object.entries(stacks)) {
      const own = new Set(Object.entries<any>(stack.resource ?? {}).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`)));
      const dangling = Object.values<any>(stack.resource ?? {}).flatMap((byId) => Object.values<any>(byId)).flatMap((r) => r.depends_on ?? []).filter((d: string) => !own.has(d));
      expect([name, dangling]).toEqual([name, []]);
    }
  });

  test("every stack that uses the cluster configures its provider from the target's connection", () => {
    for (const stack of Object.values(stacks)) {
      const types = Object.keys(stack.resource ?? {});
      if (types.some((t) => t.startsWith("kubernetes_"))) expect(stack.provider.kubernetes).toHaveLength(1);
      if (types.some((t) => t.startsWith("helm_"))) expect(stack.provider.helm).toHaveLength(1);
    }
  });
});

test("the CRD check above finds a custom resource planned with its chart", () => {
  const pin: ChartPin = { repository: "https://charts.example.com", chart: "ops", version: "1.0.0", appVersion: "1", crdGroups: ["ops.example.com"] };
  const app = new App({ skipValidation: true, outdir: testApp().outdir });
  const p = new MicroservicePlatform(app, "bad", { target: Target.kind(), profile: Profile.DEV });
  new HelmChart(p.stack(Layer.SYSTEM), "ops", { pin, namespace: "ops" });
  new CustomResource(p.stack(Layer.SYSTEM), "thing", { manifest: { apiVersion: "ops.example.com/v1", kind: "Thing", metadata: { name: "t" } } });
  const stacks: Record<string, any> = {};
  for (const name of stackNames(app)) stacks[name] = JSON.parse(Testing.synth(app.node.findChild(name) as TerraformStack));
  expect(crdsPlannedWithTheirChart(stacks, [pin])).toEqual(["bad-system: Thing (ops.example.com)"]);
});

test("synthesizing every blueprint into one app writes a manifest with stacks for all six", () => {
  const app = testApp();
  for (const build of Object.values(BLUEPRINTS)) build(app);
  app.synth();
  const manifest = require(`${app.outdir}/manifest.json`);
  const blueprints = new Set(Object.keys(manifest.stacks).map((s) => s.split("-")[0]));
  expect([...blueprints].sort()).toEqual(["aws", "azure", "edge", "gcp", "local", "tencent"]);
  expect(manifest.stacks["aws-apps"].dependencies.sort()).toEqual(["aws-base", "aws-system"]);
  expect(manifest.stacks["aws-system"].dependencies).toEqual(["aws-base"]);
});
