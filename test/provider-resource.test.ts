import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformProvider, TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { emitThroughForTests, ResourceConfigs } from "../lib/core/provider-resource";
import { MicroservicePlatform, Profile, Target } from "../lib";
import { outputOf, synthEverything } from "./everything";

/** The generated binding of each resource type: module and class. */
const BINDINGS: Record<keyof ResourceConfigs, [string, string]> = {
  kubernetes_cluster_role_binding_v1: ["@cdktf/provider-kubernetes/lib/cluster-role-binding-v1", "ClusterRoleBindingV1"],
  kubernetes_cluster_role_v1: ["@cdktf/provider-kubernetes/lib/cluster-role-v1", "ClusterRoleV1"],
  kubernetes_config_map_v1: ["@cdktf/provider-kubernetes/lib/config-map-v1", "ConfigMapV1"],
  kubernetes_deployment_v1: ["@cdktf/provider-kubernetes/lib/deployment-v1", "DeploymentV1"],
  kubernetes_ingress_v1: ["@cdktf/provider-kubernetes/lib/ingress-v1", "IngressV1"],
  kubernetes_job_v1: ["@cdktf/provider-kubernetes/lib/job-v1", "JobV1"],
  kubernetes_limit_range_v1: ["@cdktf/provider-kubernetes/lib/limit-range-v1", "LimitRangeV1"],
  kubernetes_manifest: ["@cdktf/provider-kubernetes/lib/manifest", "Manifest"],
  kubernetes_namespace_v1: ["@cdktf/provider-kubernetes/lib/namespace-v1", "NamespaceV1"],
  kubernetes_network_policy_v1: ["@cdktf/provider-kubernetes/lib/network-policy-v1", "NetworkPolicyV1"],
  kubernetes_persistent_volume_claim_v1: ["@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1", "PersistentVolumeClaimV1"],
  kubernetes_pod_disruption_budget_v1: ["@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1", "PodDisruptionBudgetV1"],
  kubernetes_priority_class_v1: ["@cdktf/provider-kubernetes/lib/priority-class-v1", "PriorityClassV1"],
  kubernetes_resource_quota_v1: ["@cdktf/provider-kubernetes/lib/resource-quota-v1", "ResourceQuotaV1"],
  kubernetes_role_binding_v1: ["@cdktf/provider-kubernetes/lib/role-binding-v1", "RoleBindingV1"],
  kubernetes_role_v1: ["@cdktf/provider-kubernetes/lib/role-v1", "RoleV1"],
  kubernetes_secret_v1: ["@cdktf/provider-kubernetes/lib/secret-v1", "SecretV1"],
  kubernetes_service_account_v1: ["@cdktf/provider-kubernetes/lib/service-account-v1", "ServiceAccountV1"],
  kubernetes_service_v1: ["@cdktf/provider-kubernetes/lib/service-v1", "ServiceV1"],
  kubernetes_stateful_set_v1: ["@cdktf/provider-kubernetes/lib/stateful-set-v1", "StatefulSetV1"],
  kubernetes_storage_class_v1: ["@cdktf/provider-kubernetes/lib/storage-class-v1", "StorageClassV1"],
  helm_release: ["@cdktf/provider-helm/lib/release", "Release"],
};
const PROVIDER_BINDINGS = {
  kubernetes: ["@cdktf/provider-kubernetes/lib/provider", "KubernetesProvider"],
  helm: ["@cdktf/provider-helm/lib/provider", "HelmProvider"],
} as const;

type Ctor<T> = new (scope: Construct, id: string, config: unknown) => T;
const load = <T>([module, name]: readonly [string, string]): Ctor<T> => require(module)[name] as Ctor<T>;

/** Synthesizes `build` into a fresh directory, through the library's thin classes or the generated bindings. */
function synthesize(build: (outdir: string) => void, through: "thin" | "bindings"): Map<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), `msp-diff-${through}-`));
  emitThroughForTests(
    through === "bindings"
      ? {
          resource: (scope, id, type, config) => new (load<TerraformResource>(BINDINGS[type]))(scope, id, config),
          provider: (scope, id, type, config) => new (load<TerraformProvider>(PROVIDER_BINDINGS[type]))(scope, id, config),
        }
      : {},
  );
  try {
    build(outdir);
    return outputOf(outdir);
  } finally {
    emitThroughForTests();
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Resource types in the synthesized stacks. */
function typesIn(output: Map<string, string>): Set<string> {
  const types = new Set<string>();
  for (const [file, text] of output) if (file.endsWith("cdk.tf.json")) for (const type of Object.keys(JSON.parse(text).resource ?? {})) types.add(type);
  return types;
}

/**
 * A platform whose maps have keys a snake_case conversion would change (capitals, dots,
 * slashes, dashes): labels, annotations, env names, data keys, selectors, quotas.
 */
function oddKeys(outdir: string): void {
  const app = new App({ outdir });
  const platform = new MicroservicePlatform(app, "odd", { target: Target.kind(), profile: Profile.DEV, broker: false });
  const team = platform.addTeam("payments", { quota: { cpu: "4", memory: "8Gi", pods: 40 }, editGroups: ["Payments-Editors"] });
  const service = platform.addService("ledger", {
    team,
    image: "example/ledger:1.0.0",
    env: { camelCase: "x", "UPPER_CASE": "y", "dotted.name": "z" },
    secretEnv: { dbPassword: { secretName: "ledger-db", key: "passWord" } },
    serviceAccountAnnotations: { "eks.amazonaws.com/roleArn": "arn:aws:iam::1:role/x", someKey: "v" },
  });
  service.addPodAnnotations({ "example.com/scrapeThis": "true", camelAnnotation: "1" });
  service.expose({ ingress: { host: "ledger.example.com", className: "nginx" } });
  app.synth();
}

describe("the thin provider resources write what the generated bindings write", () => {
  const thin = synthesize(synthEverything, "thin");
  const bindings = synthesize(synthEverything, "bindings");

  test("every file of every blueprint and example is byte-identical", () => {
    expect([...thin.keys()].sort()).toEqual([...bindings.keys()].sort());
    const differing = [...thin.keys()].filter((file) => thin.get(file) !== bindings.get(file));
    expect(differing).toEqual([]);
  });

  test("maps with keys snake_case would change are written as given", () => {
    const a = synthesize(oddKeys, "thin");
    const b = synthesize(oddKeys, "bindings");
    expect([...a.keys()].filter((file) => a.get(file) !== b.get(file))).toEqual([]);
    const all = [...a.values()].join("\n");
    for (const key of ["requests.cpu", "Payments-Editors", "camelCase", "dotted.name", "eks.amazonaws.com/roleArn", "example.com/scrapeThis", "passWord"]) expect(all).toContain(`"${key}"`);
  });

  test("the comparison covers every resource type the library emits", () => {
    const covered = new Set([...typesIn(thin), ...typesIn(synthesize(oddKeys, "thin"))]);
    expect([...Object.keys(BINDINGS)].filter((type) => !covered.has(type))).toEqual([]);
  });

  test("a difference would be caught: a binding that writes one more attribute changes the output", () => {
    const a = synthesize(oddKeys, "thin");
    const broken = mkdtempSync(join(tmpdir(), "msp-diff-broken-"));
    emitThroughForTests({
      resource: (scope, id, type, config) => {
        const r = new (load<TerraformResource>(BINDINGS[type]))(scope, id, config);
        if (type === "kubernetes_service_v1") r.addOverride("spec.session_affinity", "ClientIP");
        return r;
      },
    });
    try {
      oddKeys(broken);
      const changed = outputOf(broken);
      expect([...a.keys()].filter((file) => a.get(file) !== changed.get(file)).length).toBeGreaterThan(0);
    } finally {
      emitThroughForTests();
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
