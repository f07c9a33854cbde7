import { Keda, MicroservicePlatform, Mirror, Profile, Target } from "../lib";
import { failure, resourcesOf, synthStack, testApp } from "./helpers";

function shop(profile = Profile.PRODUCTION, target = Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"] }), mirror?: Mirror) {
  const app = testApp();
  const platform = new MicroservicePlatform(app, "shop", { target, profile, mirror, broker: false });
  return { app, platform };
}

describe("Team", () => {
  test("is a restricted namespace with default-deny ingress, a quota, default resources and RBAC", () => {
    const { app, platform } = shop();
    platform.addTeam("checkout", { editGroups: ["devs"], viewGroups: ["sre"], allowIngressFromNamespaces: ["catalog"] });
    const out = synthStack(app, "shop-base");
    // in the base layer: the namespace exists before anything is planned in it
    const [ns] = resourcesOf(out, "kubernetes_namespace_v1").filter((n) => n.metadata.name === "checkout");
    expect(ns.metadata.name).toBe("checkout");
    expect(ns.metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "restricted", "platform.cdktf.io/platform": "shop" });
    const policies = resourcesOf(out, "kubernetes_network_policy_v1").filter((p) => String(p.metadata.namespace).includes("checkout"));
    const policy = policies.find((p) => p.metadata.name === "default-ingress");
    expect(policy.spec.pod_selector).toEqual({});
    expect(policy.spec.policy_types).toEqual(["Ingress"]);
    expect(policy.spec.ingress[0].from).toEqual([
      { namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "checkout" } } },
      { namespace_selector: { match_expressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["catalog"] }] } },
    ]);
    // The platform's components are not admitted wholesale: each admits itself, to its ports (admitComponent).
    expect(resourcesOf(out, "kubernetes_resource_quota_v1")[0].spec.hard).toEqual({ "requests.cpu": "32", "requests.memory": "64Gi", "limits.memory": "64Gi", pods: "200" });
    expect(resourcesOf(out, "kubernetes_limit_range_v1")[0].spec.limit[0]).toMatchObject({ type: "Container", default: { memory: "512Mi" } });
    const bindings = resourcesOf(out, "kubernetes_role_binding_v1");
    expect(bindings.map((b) => [b.role_ref.name, b.subject[0].name])).toEqual([["edit", "devs"], ["view", "sre"]]);
  });

  test("denies egress except to DNS, its namespace, the platform's components and what it lists; \"open\" opts out", () => {
    const { app, platform } = shop();
    platform.addTeam("checkout", { egress: { toNamespaces: ["catalog"], toCidrs: [{ cidr: "10.20.0.0/16", ports: [5432] }] } });
    platform.addTeam("legacy", { egress: "open" });
    const out = synthStack(app, "shop-base");
    const egress = resourcesOf(out, "kubernetes_network_policy_v1").filter((p) => p.metadata.name === "default-egress");
    // "legacy" opted out: one policy, the checkout team's.
    expect(egress.map((p) => p.metadata.namespace)).toEqual([expect.stringContaining("checkout")]);
    const [checkout] = egress;
    expect(checkout.spec).toMatchObject({ pod_selector: {}, policy_types: ["Egress"] });
    expect(checkout.spec.egress).toEqual([
      { to: [{ namespace_selector: { match_expressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["kube-system"] }] } }], ports: [{ port: "53", protocol: "UDP" }, { port: "53", protocol: "TCP" }] },
      { to: [{ namespace_selector: { match_expressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["checkout", "catalog"] }] } }] },
      { to: [{ namespace_selector: { match_labels: { "platform.cdktf.io/system": "true", "platform.cdktf.io/platform": "shop" } } }] },
      { to: [{ ip_block: { cidr: "10.20.0.0/16" } }], ports: [{ port: "5432", protocol: "TCP" }] },
    ]);
    expect(() => platform.addTeam("bad", { egress: { toCidrs: [{ cidr: "10.20.0.0" }] } })).toThrow('[shop-base/Teams/bad] egress.toCidrs[0].cidr must be a CIDR such as "10.20.0.0/16" (received: "10.20.0.0"). Use e.g. "10.20.0.0/16".');
  });

  test("carries the target's workload-identity namespace labels (ACK RRSA)", () => {
    const { app, platform } = shop(Profile.PRODUCTION, Target.ack({ region: "cn-hangzhou", zones: ["h", "i", "j"] }));
    platform.addTeam("t1", { quota: false });
    const out = synthStack(app, "shop-base");
    const [ns] = resourcesOf(out, "kubernetes_namespace_v1").filter((n) => n.metadata.name === "t1");
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(ns.metadata.labels["pod-identity.alibabacloud.com/injection"]).toBe("on");
    expect(resourcesOf(out, "kubernetes_resource_quota_v1")).toEqual([]);
  });

  test("fails on an unknown team option", () => {
    const { platform } = shop();
    expect(() => platform.addTeam("t1", { quotas: false } as any)).toThrow(/\[shop-base\/Teams\/t1\] unknown option "quotas"/);
  });
});

describe("Microservice", () => {
  test("PRODUCTION: 3 replicas spread over zones and nodes, a PDB, restricted security, probes, resources", () => {
    const { app, platform } = shop();
    platform.addService("orders", { image: "shop/orders:1.4.2", port: 9000, secretEnv: { DB_PASSWORD: { secretName: "orders-db", key: "password" } } });
    const out = synthStack(app, "shop-apps");
    const [deployment] = resourcesOf(out, "kubernetes_deployment_v1");
    expect(deployment.wait_for_rollout).toBe("${var.wait_for_rollout}");
    expect(deployment.spec.replicas).toBe("3");
    const pod = deployment.spec.template.spec;
    expect(pod.security_context).toMatchObject({ run_as_non_root: true, run_as_user: "10001", seccomp_profile: { type: "RuntimeDefault" } });
    expect(pod.automount_service_account_token).toBe(false);
    expect(pod.topology_spread_constraint).toEqual([
      {
        max_skew: 1,
        topology_key: "topology.kubernetes.io/zone",
        when_unsatisfiable: "ScheduleAnyway",
        label_selector: [{ match_labels: { "app.kubernetes.io/name": "orders", "app.kubernetes.io/instance": "shop" } }],
      },
      {
        max_skew: 1,
        topology_key: "kubernetes.io/hostname",
        when_unsatisfiable: "ScheduleAnyway",
        label_selector: [{ match_labels: { "app.kubernetes.io/name": "orders", "app.kubernetes.io/instance": "shop" } }],
      },
    ]);
    const [container] = pod.container;
    expect(container.security_context).toMatchObject({ allow_privilege_escalation: false, read_only_root_filesystem: true, capabilities: { drop: ["ALL"] } });
    expect(container.resources).toEqual({ requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } });
    expect(container.readiness_probe.http_get.path).not.toBe(container.liveness_probe.http_get.path);
    expect(container.env).toEqual([{ name: "DB_PASSWORD", value_from: { secret_key_ref: { name: "orders-db", key: "password" } } }]);
    const [pdb] = resourcesOf(out, "kubernetes_pod_disruption_budget_v1");
    expect(pdb.spec).toEqual({ max_unavailable: "1", selector: { match_labels: deployment.spec.selector.match_labels } });
    const [service] = resourcesOf(out, "kubernetes_service_v1");
    expect(service.spec).toMatchObject({ type: "ClusterIP", selector: deployment.spec.selector.match_labels, port: [{ port: 9000, target_port: "http" }] });
    expect(resourcesOf(out, "kubernetes_service_account_v1")[0].automount_service_account_token).toBe(false);
  });

  test("EDGE: one replica, no spread, no PDB; images come through the mirror", () => {
    const { app, platform } = shop(Profile.EDGE, Target.k3s(), Mirror.of({ imageRegistry: "registry.local:5000", imagePullSecrets: ["local-registry"] }));
    const svc = platform.addService("till", { image: "docker.io/example/till:5.2.0" });
    expect(svc.url).toMatch(/^http:\/\/till\..*\.svc:8080$/);
    const out = synthStack(app, "shop-apps");
    const [deployment] = resourcesOf(out, "kubernetes_deployment_v1");
    expect(deployment.spec.replicas).toBe("1");
    expect(deployment.spec.template.spec.topology_spread_constraint).toBeUndefined();
    expect(deployment.spec.template.spec.container[0].image).toBe("registry.local:5000/example/till:5.2.0");
    expect(deployment.spec.template.spec.image_pull_secrets).toEqual([{ name: "local-registry" }]);
    expect(deployment.spec.template.spec.container[0].resources.limits.memory).toBe("128Mi");
    expect(resourcesOf(out, "kubernetes_pod_disruption_budget_v1")).toEqual([]);
  });

  test("fails if the image has no tag or uses latest", () => {
    const { platform } = shop();
    expect(() => platform.addService("a", { image: "shop/orders" })).toThrow(
      '[shop-apps/Teams/shop-apps/a] image needs an explicit tag other than latest (or a digest), so every deploy runs what was reviewed (received: "shop/orders"). Pin a version, e.g. "shop/orders:1.4.2", or a digest "shop/orders@sha256:...".',
    );
    expect(() => platform.addService("b", { image: "registry.local:5000/orders:latest" })).toThrow(/explicit tag other than latest/);
    expect(() => platform.addService("c", { image: "registry.local:5000/orders@sha256:abc" })).not.toThrow();
  });

  test("fails on root, bad ports, bad quantities and a variable set twice", () => {
    const { platform } = shop();
    expect(() => platform.addService("a", { image: "x/y:1", runAsUser: 0 })).toThrow("[shop-apps/Teams/shop-apps/a] runAsUser must be at least 1 (received: 0). Use e.g. 10001.");
    expect(() => platform.addService("b", { image: "x/y:1", port: 70000 })).toThrow("[shop-apps/Teams/shop-apps/b] port must be at most 65535 (received: 70000). Use e.g. 8080.");
    expect(() => platform.addService("c", { image: "x/y:1", resources: { cpu: "1 core", memory: "1Gi", memoryLimit: "1Gi" } })).toThrow(/resources.cpu must be a Kubernetes quantity \(a string such as "16" or "500m" for CPU, "32Gi" for memory\) \(received: "1 core"\)/);
    expect(() => platform.addService("d", { image: "x/y:1", env: { A: "1" }, secretEnv: { A: { secretName: "s", key: "k" } } })).toThrow(/environment variable "A" is set twice/);
    expect(() => platform.addService("e", { image: "x/y:1", replica: 2 } as any)).toThrow(/unknown option "replica"/);
  });
});

describe("team namespaces have one owner", () => {
  const dev = () => new MicroservicePlatform(testApp(), "shop", { target: Target.kind(), profile: Profile.DEV });

  test("two teams on one namespace are refused, naming the first owner", () => {
    const p = dev();
    p.addTeam("a", { namespace: "shared" });
    expect(failure(() => p.addTeam("b", { namespace: "shared" }))).toBe(
      '[shop-base/Teams/b/Namespace] namespace "shared" is already shop-base/Teams/a\'s: two owners would share its quota, policies and credentials (received: "shared"). Give each team its own namespace, distinct from the platform\'s component namespaces (<platform>-<component>).',
    );
  });

  test("a team on a component's namespace is refused, and so is a component on a team's", () => {
    const p = dev();
    expect(failure(() => p.addTeam("t", { namespace: "shop-pulsar" }))).toContain('namespace "shop-pulsar" is already shop-base/broker\'s');
    p.addTeam("keda-lovers", { namespace: "shop-keda" });
    expect(failure(() => p.addComponent(new Keda()))).toContain('namespace "shop-keda" is already shop-base/Teams/keda-lovers\'s');
  });

  test("Kubernetes' own namespaces are refused", () => {
    for (const namespace of ["kube-system", "default"]) expect(failure(() => dev().addTeam("t", { namespace }))).toContain(`namespace "${namespace}" belongs to Kubernetes itself`);
  });
});

test("a team's groups and allowed namespaces must be lists (YAML- or JSON-loaded input)", () => {
  const p = new MicroservicePlatform(testApp(), "shop", { target: Target.kind(), profile: Profile.DEV });
  expect(() => p.addTeam("a", { editGroups: "devs" as never })).toThrow('[shop-base/Teams/a] editGroups must be a list (received: "devs"). Use e.g. ["shop-devs"].');
  expect(() => p.addTeam("b", { viewGroups: [""] })).toThrow('[shop-base/Teams/b] viewGroups[0] must not be empty (received: ""). Use e.g. "shop-auditors".');
  expect(() => p.addTeam("c", { allowIngressFromNamespaces: "catalog" as never })).toThrow('[shop-base/Teams/c] allowIngressFromNamespaces must be a list (received: "catalog"). Use e.g. ["storefront"].');
});
