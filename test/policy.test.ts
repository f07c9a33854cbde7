import { App, TerraformStack, Testing } from "cdktf";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { Consul, DaprRuntime, Keda, Layer, MicroservicePlatform, PlatformConfigError, Profile, Target, Tracing } from "../lib";
import { PodView } from "../lib/core/policy/pod-view";
import { RULES } from "../lib/core/policy/rules";
import { BLUEPRINTS } from "../stacks/blueprints";
import { readFileSync } from "node:fs";
import { failure, testApp } from "./helpers";

/** The message of synthesizing a stack with validations, or "" when it synthesizes. */
function synthError(stack: TerraformStack): string {
  try {
    Testing.synth(stack, true);
    return "";
  } catch (e) {
    return (e as Error).message;
  }
}

const rule = (id: string) => RULES.find((r) => r.id === id)!;
const container = (over: Record<string, unknown> = {}) => ({
  name: "app",
  init: false,
  image: "shop/app:1.0.0",
  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
  hostPorts: [],
  env: [],
  ...over,
});
/** A pod every rule accepts; each fixture below breaks one rule. */
const compliant = (over: Partial<PodView> = {}, c: Record<string, unknown> = {}): PodView => ({
  where: "p-apps/Teams/t/app",
  source: "provider",
  securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
  automountServiceAccountToken: false,
  containers: [container(c) as PodView["containers"][number]],
  ...over,
});

const NON_COMPLIANT: Record<string, PodView> = {
  "MSP-POD-NONROOT": compliant({ securityContext: { runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } } }),
  "MSP-POD-ESCALATION": compliant({}, { securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } } }),
  "MSP-POD-SECCOMP": compliant({ securityContext: { runAsNonRoot: true, seccompProfile: { type: "Unconfined" } } }),
  "MSP-POD-HOST": compliant({ hostNetwork: true }),
  "MSP-POD-RESOURCES": compliant({}, { resources: { requests: { cpu: "100m" } } }),
  "MSP-POD-IMAGE": compliant({}, { image: "shop/app:latest" }),
  "MSP-POD-READONLY": compliant({}, { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }),
  "MSP-POD-TOKEN": compliant({ automountServiceAccountToken: true }),
  "MSP-ENV-SECRET": compliant({}, { env: [{ name: "DB_PASSWORD", literal: true, value: "hunter2" }] }),
};

describe("policy rules: a compliant and a non-compliant fixture each", () => {
  for (const r of RULES.filter((r) => r.pod)) {
    test(`${r.id} (${r.severity}): ${r.title}`, () => {
      expect(r.pod!(compliant())).toEqual([]);
      const problems = r.pod!(NON_COMPLIANT[r.id]);
      expect(problems.length).toBeGreaterThan(0);
      // The fixture breaks this rule only.
      for (const other of RULES.filter((o) => o.pod && o.id !== r.id)) expect([other.id, other.pod!(NON_COMPLIANT[r.id])]).toEqual([other.id, []]);
    });
  }

  test("MSP-STORAGE-BINDING (error): StorageClasses bind when the pod is scheduled", () => {
    const r = rule("MSP-STORAGE-BINDING");
    expect(r.resource!("kubernetes_storage_class_v1", { volume_binding_mode: "WaitForFirstConsumer" })).toEqual([]);
    expect(r.resource!("kubernetes_storage_class_v1", {})).toEqual(["volumeBindingMode is Immediate"]);
    expect(r.resource!("kubernetes_config_map_v1", {})).toEqual([]);
  });

  test("MSP-MANIFEST-SECRET (error): no Secret manifest, no literal credential in a custom resource", () => {
    const r = rule("MSP-MANIFEST-SECRET");
    const auth = { apiVersion: "keda.sh/v1alpha1", kind: "TriggerAuthentication", spec: { secretTargetRef: [{ parameter: "bearerToken", name: "orders-pulsar", key: "token" }] } };
    expect(r.resource!("kubernetes_manifest", { manifest: auth })).toEqual([]);
    expect(r.resource!("kubernetes_manifest", { manifest: { kind: "Secret", stringData: { token: "x" } } })).toEqual(["a Secret's data is written into the Terraform JSON and state"]);
    expect(r.resource!("kubernetes_manifest", { manifest: { kind: "Widget", spec: { auth: { password: "hunter2" } } } })).toEqual(["Widget holds a literal credential at spec.auth.password"]);
  });

  test("details: a Localhost profile, NET_BIND_SERVICE, digests and mounted credential files are accepted", () => {
    expect(rule("MSP-POD-SECCOMP").pod!(compliant({ securityContext: { runAsNonRoot: true, seccompProfile: { type: "Localhost" } } }))).toEqual([]);
    expect(rule("MSP-POD-ESCALATION").pod!(compliant({}, { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } } }))).toEqual([]);
    expect(rule("MSP-POD-IMAGE").pod!(compliant({}, { image: "shop/app@sha256:abc" }))).toEqual([]);
    expect(rule("MSP-POD-IMAGE").pod!(compliant({}, { image: "shop/app" }))).toEqual(["container app has no image tag (shop/app)"]);
    expect(rule("MSP-ENV-SECRET").pod!(compliant({}, { env: [{ name: "PULSAR_AUTH_TOKEN_FILE", literal: true, value: "/var/run/secrets/pulsar/token" }] }))).toEqual([]);
  });
});

describe("the policy pack on platforms", () => {
  test("every default blueprint synthesizes with zero unsuppressed errors; each suppression carries its reason into the output", () => {
    const app = new App({ outdir: Testing.app().outdir });
    const platforms = Object.values(BLUEPRINTS).map((build) => build(app));
    app.synth();
    for (const p of platforms) {
      const findings = p.policyFindings;
      expect(findings.filter((f) => f.severity === "error" && !f.suppressed)).toEqual([]);
      for (const f of findings.filter((f) => f.suppressed)) expect(f.suppressed!.length).toBeGreaterThanOrEqual(10);
    }
    const aws = platforms.find((p) => p.platformName === "aws")!;
    const recorded = (layer: string) => JSON.parse(readFileSync(`${app.outdir}/stacks/aws-${layer}/cdk.tf.json`, "utf8"))["//"]?.policy?.findings ?? [];
    expect(recorded("system")).toContainEqual(expect.objectContaining({ rule: "MSP-POD-ESCALATION", where: "aws-system/broker/Chart (broker)", suppressed: expect.stringContaining("Pulsar chart 4.7.0") }));
    expect(aws.policyFindings.length).toBe(["base", "system", "apps"].map((l) => recorded(l).length).reduce((a, b) => a + b, 0));
  });

  test("chart values that render a pod are inspected: a KEDA operator allowed to escalate fails synthesis with the path, the rule and the fix", () => {
    const app = testApp();
    const p = new MicroservicePlatform(app, "shop", { target: Target.kind(), profile: Profile.DEV, components: [new Keda({ values: { securityContext: { operator: { allowPrivilegeEscalation: true } } } })] });
    expect(() => Testing.synth(p.stack(Layer.SYSTEM), true)).toThrow(
      "[shop-system/keda/Chart (operator)] MSP-POD-ESCALATION: container operator may escalate privileges. Set allowPrivilegeEscalation: false and capabilities: { drop: [\"ALL\"] } on every container. (or suppress MSP-POD-ESCALATION with a reason in the platform's policy.suppressions)",
    );
  });

  test("charts whose templates build the contexts from toggles are judged as they render: Dapr in debug mode, a privileged Consul server", () => {
    const dapr = new MicroservicePlatform(testApp(), "shop", { target: Target.kind(), profile: Profile.DEV, components: [new DaprRuntime({ values: { dapr_operator: { debug: { enabled: true } } } })] });
    expect(synthError(dapr.stack(Layer.SYSTEM))).toContain("[shop-system/dapr/Chart (operator)] MSP-POD-ESCALATION: container operator keeps Linux capabilities.");
    const consul = new MicroservicePlatform(testApp(), "shop", { target: Target.kind(), profile: Profile.DEV, components: [new Consul({ values: { server: { containerSecurityContext: { server: { privileged: true } } } } })] });
    const errors = synthError(consul.stack(Layer.SYSTEM));
    expect(errors).toContain("[shop-system/registry/Chart (server)] MSP-POD-HOST: container server is privileged.");
    expect(errors).toContain("[shop-system/registry/Chart (server)] MSP-POD-ESCALATION: container server may escalate privileges.");
    const tracing = new MicroservicePlatform(testApp(), "shop", { target: Target.kind(), profile: Profile.DEV, components: [new Tracing({ collectorValues: { resources: { requests: null } } })] });
    expect(synthError(tracing.stack(Layer.SYSTEM))).toContain("[shop-system/tracing/Collector (collector)] MSP-POD-RESOURCES: container collector lacks a CPU request, a memory request.");
  });

  test("a user's own workload in a platform stack is inspected too, and a suppression with a reason lets it through, recorded", () => {
    const build = (suppressions?: { rule: string; reason: string; where?: string }[]) => {
      const app = testApp();
      const p = new MicroservicePlatform(app, "shop", { target: Target.kind(), profile: Profile.DEV, policy: suppressions ? { suppressions } : undefined });
      new DeploymentV1(p.stack(Layer.APPS), "Legacy", {
        metadata: { name: "legacy", namespace: "legacy" },
        spec: { selector: { matchLabels: { app: "legacy" } }, template: { metadata: { labels: { app: "legacy" } }, spec: { container: [{ name: "legacy", image: "legacy/app:latest" }] } } },
      });
      return p;
    };
    const errors = synthError(build().stack(Layer.APPS));
    for (const id of ["MSP-POD-NONROOT", "MSP-POD-ESCALATION", "MSP-POD-SECCOMP", "MSP-POD-RESOURCES", "MSP-POD-IMAGE"]) expect(errors).toContain(`[shop-apps/Legacy] ${id}:`);
    const reason = "legacy image, isolated in its own namespace until rebuilt (ticket OPS-42)";
    const suppressed = build(["MSP-POD-NONROOT", "MSP-POD-ESCALATION", "MSP-POD-SECCOMP", "MSP-POD-RESOURCES", "MSP-POD-IMAGE"].map((r) => ({ rule: r, reason, where: "/Legacy" })));
    expect(() => Testing.synth(suppressed.stack(Layer.APPS), true)).not.toThrow();
    expect(suppressed.policyFindings.filter((f) => f.where === "shop-apps/Legacy").every((f) => f.suppressed === reason || f.severity === "warning")).toBe(true);
  });

  test("a StorageClass that binds at once is an error", () => {
    const app = testApp();
    const p = new MicroservicePlatform(app, "shop", { target: Target.kind(), profile: Profile.DEV });
    new StorageClassV1(p.stack(Layer.BASE), "Fast", { metadata: { name: "fast" }, storageProvisioner: "csi.example.com", volumeBindingMode: "Immediate" });
    expect(synthError(p.stack(Layer.BASE))).toContain("[shop-base/Fast] MSP-STORAGE-BINDING: volumeBindingMode is Immediate.");
  });

  test("suppressions are checked: a known rule, a reason of at least 10 characters", () => {
    const platform = (suppressions: unknown) => new MicroservicePlatform(testApp(), "shop", { target: Target.kind(), profile: Profile.DEV, policy: { suppressions: suppressions as never } });
    expect(failure(() => platform([{ rule: "MSP-POD-TOKEN", reason: "because" }]))).toBe(
      "[shop.policy] the suppression of MSP-POD-TOKEN needs a reason of at least 10 characters (received: \"because\"). Say why the finding is accepted: it is recorded in the synthesized output.",
    );
    expect(failure(() => platform([{ rule: "MSP-POD-EVERYTHING", reason: "a long enough reason" }]))).toContain('suppression of an unknown rule "MSP-POD-EVERYTHING"');
    expect(() => platform([{ rule: "MSP-POD-TOKEN", reason: "a long enough reason", when: "x" }])).toThrow(PlatformConfigError);
  });
});
