import { App } from "cdktf";
import { DaprRuntime, Keda, KubernetesConnection, MicroservicePlatform, Nacos, ObjectStorageService, Profile, ScaleTrigger, Target } from "../lib";
import { failure, stackNames, synthStack, testApp } from "./helpers";

/** What a shared blueprint could carry: a Terraform function call and a template directive. */
const HOSTILE = '${file("/etc/passwd")}%{ for x in ["a"] }${x}%{ endfor }';

/** Every synthesized stack of the app, as one JSON text. */
function synthAll(app: App): string {
  return stackNames(app)
    .map((name) => JSON.stringify(synthStack(app, name)))
    .join("\n");
}

/** Places where HOSTILE was written unescaped (Terraform would evaluate them), and escaped. */
function occurrences(json: string): { live: number; literal: number } {
  // In JSON text, the hostile string's quotes are escaped: \"/etc/passwd\".
  const live = json.match(/(?<!\$)\$\{file\(/g)?.length ?? 0;
  const liveDirectives = json.match(/(?<!%)%\{ for x/g)?.length ?? 0;
  const literal = json.match(/\$\$\{file\(/g)?.length ?? 0;
  return { live: live + liveDirectives, literal };
}

describe("escaping: literal text never becomes a Terraform expression", () => {
  test("${...} and %{...} in env, annotations, target maps, StorageClass parameters, Helm values, config entries, Dapr metadata and KEDA queries come out literal", () => {
    const app = testApp();
    const target = Target.custom({
      kind: "onprem",
      zones: ["z1", "z2", "z3"],
      storage: { provisioner: "csi.example.com", parameters: { tier: HOSTILE } },
      ingressClassName: "nginx",
      ingressAnnotations: { "example.com/ingress": HOSTILE },
      internalLoadBalancerAnnotations: { "example.com/internal": HOSTILE },
      objectStorage: { service: ObjectStorageService.MINIO, endpoint: "http://minio.storage:9000" },
      connection: KubernetesConnection.kubeconfig({ context: "onprem" }),
    });
    const dapr = new DaprRuntime();
    const p = new MicroservicePlatform(app, "shop", {
      target,
      profile: Profile.PRODUCTION,
      components: [new Nacos(), new Keda(), dapr],
      broker: { values: { broker: { configData: { PULSAR_PREFIX_note: HOSTILE } } } },
    });
    const api = p.addService("api", { image: "shop/api:1.0.0", env: { NOTE: HOSTILE }, serviceAccountAnnotations: { "example.com/role": HOSTILE } });
    api.addPodAnnotations({ "example.com/pod": HOSTILE });
    api.expose({ ingress: { host: "api.example.com" } });
    api.autoscale({ triggers: [ScaleTrigger.prometheus({ serverAddress: "http://prometheus.monitoring:9090", query: HOSTILE, threshold: 5 })] });
    p.addService("edge", { image: "shop/edge:1.0.0" }).expose({ loadBalancer: {} });
    p.registry.config("shop", "api.json", { note: HOSTILE });
    dapr.addComponent(p.defaultTeam, { name: "cache", type: "state.redis", metadata: [{ name: "redisHost", value: HOSTILE }], users: [api] });

    const { live, literal } = occurrences(synthAll(app));
    expect(live).toBe(0);
    // env, pod and ServiceAccount annotations, Ingress and LB annotations, StorageClass parameter,
    // Helm values, the config entry, Dapr metadata and the ScaledObject's query: each written escaped.
    expect(literal).toBeGreaterThanOrEqual(10);
  });

  test("annotation keys cannot carry an expression (they are checked); env names, which Kubernetes allows to hold '$' and '{', are escaped", () => {
    const app = testApp();
    const p = new MicroservicePlatform(app, "shop", { target: Target.kind(), profile: Profile.DEV });
    expect(failure(() => p.addService("a", { image: "shop/a:1.0.0", serviceAccountAnnotations: { [HOSTILE]: "x" } }))).toContain("is not a Kubernetes annotation key");
    const s = p.addService("b", { image: "shop/b:1.0.0" });
    expect(failure(() => s.addPodAnnotations({ "${var.x}": "1" }))).toContain("is not a Kubernetes annotation key");
    p.addService("c", { image: "shop/c:1.0.0", env: { [`A${HOSTILE.slice(0, 22)}`]: "x" } });
    expect(occurrences(JSON.stringify(synthStack(app, "shop-apps")))).toEqual({ live: 0, literal: 1 });
  });

  test("a token of cdktf's own (a reference to another resource) stays a reference", () => {
    const app = testApp();
    const p = new MicroservicePlatform(app, "shop", { target: Target.kind(), profile: Profile.DEV });
    p.addService("a", { image: "shop/a:1.0.0", env: { BROKER: p.broker.pulsarUrl } });
    const apps = JSON.stringify(synthStack(app, "shop-apps"));
    expect(apps).toContain("pulsar://pulsar-broker.shop-pulsar.svc.cluster.local:6650");
    expect(apps).toMatch(/"\$\{kubernetes_service_account_v1\./);
  });
});
