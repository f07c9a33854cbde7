import { Token } from "cdktf";
import { parse } from "yaml";
import { CustomResource, HelmChart, Keda, Layer, MicroservicePlatform, Mirror, Profile, Target } from "../lib";
import { ChartPin } from "../lib/core/versions";
import { resourcesOf, synthStack, testApp } from "./helpers";

const PIN: ChartPin = { repository: "https://charts.example.com", chart: "demo", version: "1.2.3", appVersion: "1.2.3", crdGroups: ["demo.example.com"] };

function platform(mirror?: Mirror) {
  const app = testApp();
  const p = new MicroservicePlatform(app, "t", { target: Target.kind(), profile: Profile.DEV, mirror, broker: false });
  return { app, p };
}

describe("HelmChart", () => {
  test("renders pinned coordinates, merged values and a helm provider whose kubernetes is an object", () => {
    const { app, p } = platform();
    const chart = new HelmChart(p.stack(Layer.SYSTEM), "demo", {
      pin: PIN,
      namespace: "demo",
      defaults: { replicas: 3, image: { tag: "1.2.3" }, args: ["--a", "--b"] },
      values: { replicas: 5, args: ["--c"] },
    });
    chart.addValues({ image: { pullPolicy: "IfNotPresent" }, replicas: 4 });
    const out = synthStack(app, "t-system");
    const [release] = resourcesOf(out, "helm_release");
    expect(release).toMatchObject({ name: "demo", namespace: "demo", repository: "https://charts.example.com", chart: "demo", version: "1.2.3", create_namespace: false, atomic: true });
    // the user's values win over defaults and over later component values; arrays replace
    expect(parse(release.values[0])).toEqual({ replicas: 5, image: { tag: "1.2.3", pullPolicy: "IfNotPresent" }, args: ["--c"] });
    expect(out.provider.helm[0].kubernetes).toEqual({ config_path: "${var.kubeconfig_path}", config_context: "${var.kube_context}" });
    expect(out.provider.kubernetes).toBeUndefined();
    expect(release.wait).toBe("${var.wait_for_rollout}");
  });

  test("a mirror redirects the repository and, through the chart's own keys, the images", () => {
    const { app, p } = platform(Mirror.of({ chartRepository: "oci://harbor.local/charts", imageRegistry: "harbor.local/proxy" }));
    new HelmChart(p.stack(Layer.SYSTEM), "demo", {
      pin: PIN,
      namespace: "demo",
      mirror: p.mirror,
      imageRegistryValues: (registry) => ({ global: { registry } }),
      wait: p.stack(Layer.SYSTEM).waitForRollout,
    });
    const [release] = resourcesOf(synthStack(app, "t-system"), "helm_release");
    expect(release.repository).toBe("oci://harbor.local/charts");
    expect(parse(release.values[0])).toEqual({ global: { registry: "harbor.local/proxy" } });
  });

  test("fails if the release name is not a DNS label", () => {
    const { p } = platform();
    expect(() => new HelmChart(p.stack(Layer.SYSTEM), "Demo_Chart", { pin: PIN, namespace: "demo" })).toThrow(
      /\[t-system\/Demo_Chart\] the release name must be a DNS-1123 label .* \(received: "Demo_Chart"\). Use a name such as "demo-chart"./,
    );
  });
});

describe("custom resources and the CRDs of charts", () => {
  const manifest = { apiVersion: "demo.example.com/v1", kind: "Thing", metadata: { name: "a", namespace: "demo" }, spec: {} };

  test("a custom resource in the apps layer, after the chart's system layer, passes", () => {
    const { app, p } = platform();
    new HelmChart(p.stack(Layer.SYSTEM), "demo", { pin: PIN, namespace: "demo" });
    new CustomResource(p.stack(Layer.APPS), "thing", { manifest });
    expect(() => synthStack(app, "t-apps")).not.toThrow();
    expect(resourcesOf(synthStack(app, "t-apps"), "kubernetes_manifest")[0].manifest.kind).toBe("Thing");
  });

  test("fails if a custom resource is planned in the stack that installs its CRD", () => {
    const { app, p } = platform();
    new HelmChart(p.stack(Layer.SYSTEM), "demo", { pin: PIN, namespace: "demo" });
    new CustomResource(p.stack(Layer.SYSTEM), "thing", { manifest });
    expect(() => synthStack(app, "t-system")).toThrow(/\[t-system\/thing\] custom resource of group "demo.example.com" is planned in stack "t-system", which also installs its CRD \(t-system\/demo\)/);
  });

  test("fails if a custom resource's stack does not depend on the chart's stack", () => {
    const { app, p } = platform();
    new HelmChart(p.stack(Layer.SYSTEM), "demo", { pin: PIN, namespace: "demo" });
    new CustomResource(p.stack(Layer.BASE), "thing", { manifest });
    expect(() => synthStack(app, "t-base")).toThrow(/\[t-base\/thing\] custom resource of group "demo.example.com" is in stack "t-base", which does not depend on stack "t-system" that installs its CRD/);
  });

  test("another platform's chart (another cluster) does not order a platform's custom resources", () => {
    const { app, p } = platform();
    const other = new MicroservicePlatform(app, "u", { target: Target.kind(), profile: Profile.DEV, broker: false });
    new HelmChart(p.stack(Layer.SYSTEM), "demo", { pin: PIN, namespace: "demo" });
    new HelmChart(other.stack(Layer.SYSTEM), "demo", { pin: PIN, namespace: "demo" });
    new CustomResource(other.stack(Layer.APPS), "thing", { manifest });
    expect(() => synthStack(app, "u-apps")).not.toThrow();
  });

  test("fails if apiVersion has no group", () => {
    const { p } = platform();
    expect(() => new CustomResource(p.stack(Layer.APPS), "cm", { manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } } })).toThrow(
      /\[t-apps\/cm\] a custom resource needs a group in apiVersion \(received: "v1"\)/,
    );
  });
});

test("literal ${...} and %{...} in chart values reach Terraform escaped, so it does not evaluate them; tokens still resolve", () => {
  const app = testApp();
  const p = new MicroservicePlatform(app, "t", { target: Target.kind(), profile: Profile.DEV, broker: false });
  const system = p.stack(Layer.SYSTEM);
  new HelmChart(system, "demo", {
    pin: PIN,
    namespace: "demo",
    defaults: { password: "${env:PASSWORD}", loop: '%{ for x in ["a"] }${x}%{ endfor }', file: '${file("/etc/passwd")}', wait: Token.asString(system.waitForRollout) },
  });
  const [release] = resourcesOf(synthStack(app, "t-system"), "helm_release");
  // What Helm receives once Terraform has read the escapes: the literal text, and the variable's value.
  const values = JSON.parse(release.values[0].replace("${var.wait_for_rollout}", "true").replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{"));
  expect(values).toEqual({ password: "${env:PASSWORD}", loop: '%{ for x in ["a"] }${x}%{ endfor }', file: '${file("/etc/passwd")}', wait: "true" });
  expect(release.values[0]).toContain('"password": "$${env:PASSWORD}"');
  expect(release.values[0]).toContain('"wait": "${var.wait_for_rollout}"');
});

test("chart values that are not an object of keys are refused (JSON- or YAML-loaded input)", () => {
  for (const values of ["replicaCount: 2", [], [{ a: 1 }]]) {
    const app = testApp();
    expect(() => new MicroservicePlatform(app, "p", { target: Target.kind(), profile: Profile.DEV, components: [new Keda({ values: values as never })] })).toThrow(
      /\[p\/keda\] values must be an object/,
    );
  }
});

test("chart values that contain themselves are refused, not a stack overflow at synth", () => {
  const values: Record<string, unknown> = { a: {} };
  (values.a as Record<string, unknown>).b = values;
  expect(() => new MicroservicePlatform(testApp(), "p", { target: Target.kind(), profile: Profile.DEV, components: [new Keda({ values })] })).toThrow(/chart values must be a tree/);
});
