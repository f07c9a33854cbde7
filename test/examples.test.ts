import { Testing, TerraformStack } from "cdktf";
import { edgeSite } from "../examples/edge-site";
import { onpremCluster } from "../examples/onprem-cluster";
import { shopOnEks } from "../examples/shop-on-eks";
import { auditedPlatform } from "../examples/audit-log-component";
import { resourcesOf, stackNames, testApp } from "./helpers";

const SECRET_NAME = /pass(word)?|secret|token|credential|private.?key|api.?key|access.?key/i;

/** Every env entry of every container (in every stack) whose name says secret but whose value is a literal. */
function literalSecretsIn(stacks: Record<string, any>): string[] {
  const found: string[] = [];
  const walk = (stack: string, node: unknown): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(stack, n));
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "env" && Array.isArray(value)) {
        for (const e of value) {
          const file = typeof e?.value === "string" && /^\/(var\/run|etc|pulsar)\//.test(e.value); // a path to a mounted file, not the secret
          if (SECRET_NAME.test(String(e?.name)) && e.value !== undefined && !file) found.push(`${stack}: ${e.name}`);
        }
      }
      walk(stack, value);
    }
  };
  for (const [name, stack] of Object.entries(stacks)) walk(name, stack.resource ?? {});
  return found;
}

// Every example synthesizes with validations, and says what it claims to.
describe("examples", () => {
  const synth = (build: (app: any) => unknown) => {
    const app = testApp();
    build(app);
    return Object.fromEntries(stackNames(app).map((n) => [n, JSON.parse(Testing.synth(app.node.findChild(n) as TerraformStack, true))]));
  };

  test("shop-on-eks: two teams, four services, one on Dapr with a state store by reference, secrets only by reference", () => {
    const stacks = synth(shopOnEks);
    expect(Object.keys(stacks)).toEqual(["shop-apps", "shop-base", "shop-system"]);
    const deployments = resourcesOf(stacks["shop-apps"], "kubernetes_deployment_v1");
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(["billing", "orders", "payments", "products"]);
    const components = resourcesOf(stacks["shop-apps"], "kubernetes_manifest").map((m) => m.manifest).filter((m) => m.kind === "Component");
    const state = components.find((c) => c.metadata.name === "billing-state");
    expect(state.scopes).toEqual(["billing"]);
    expect(state.spec.metadata).toContainEqual({ name: "redisPassword", secretKeyRef: { name: "billing-redis", key: "password" } });
    expect(literalSecretsIn(stacks)).toEqual([]);
    const orders = deployments.find((d) => d.metadata.name === "orders");
    expect(orders.spec.template.spec.container[0].env).toContainEqual({ name: "DATABASE_PASSWORD", value_from: { secret_key_ref: { name: "orders-db", key: "password" } } });
    expect(orders.spec.template.spec.container[0].env).toContainEqual({ name: "PULSAR_AUTH_TOKEN", value_from: { secret_key_ref: { name: "orders-pulsar", key: "token" } } });
  });

  test("the secrets check finds a literal secret in an env entry", () => {
    const stack = { resource: { kubernetes_deployment_v1: { d: { spec: { template: { spec: { container: [{ env: [{ name: "DATABASE_PASSWORD", value: "hunter2" }, { name: "LOG_LEVEL", value: "info" }] }] } } } } } } };
    expect(literalSecretsIn({ s: stack })).toEqual(["s: DATABASE_PASSWORD"]);
  });

  test("edge-site: one node, everything pulled through the site's mirror", () => {
    const stacks = synth(edgeSite);
    const [till] = resourcesOf(stacks["store-042-apps"], "kubernetes_deployment_v1");
    expect(till.spec.template.spec.container[0].image).toBe("registry.store-042.local:5000/example/till:5.2.0");
  });

  test("onprem-cluster: providers reach the cluster through host, CA and an exec plugin", () => {
    const stacks = synth(onpremCluster);
    expect(stacks["onprem-base"].provider.kubernetes[0]).toMatchObject({ host: "https://k8s.dc1.example.com:6443", exec: [{ command: "kubectl" }] });
    expect(stacks["onprem-base"].variable).toBeUndefined();
  });

  test("audit-log-component: a component of one's own grants every service on its topic", () => {
    const stacks = synth(auditedPlatform);
    const [billing] = resourcesOf(stacks["audited-apps"], "kubernetes_deployment_v1");
    const env = billing.spec.template.spec.container[0].env.map((e: any) => e.name);
    expect(env).toEqual(["RECEIPT_TEMPLATE", "AUDIT_TOPIC", "PULSAR_URL", "PULSAR_AUTH_TOKEN", "PULSAR_AUTH_TOKEN_FILE"]);
    // escaped for Terraform, which hands the container "Invoice ${number} for %{customer}"
    expect(billing.spec.template.spec.container[0].env[0].value).toBe("Invoice $${number} for %%{customer}");
    const spec = JSON.parse(resourcesOf(stacks["audited-apps"], "kubernetes_config_map_v1").find((c) => c.metadata.name === "pulsar-sync").data["spec.json"]);
    expect(spec.tenants.find((t: any) => t.name === "platform").namespaces[0].topics[0].permissions).toEqual({ "audited-apps.billing": ["produce"] });
    expect(literalSecretsIn(stacks)).toEqual([]);
  });
});
