import { Testing, TerraformStack } from "cdktf";
import { edgeSite } from "../examples/edge-site";
import { onpremCluster } from "../examples/onprem-cluster";
import { shopOnEks } from "../examples/shop-on-eks";
import { resourcesOf, stackNames, testApp } from "./helpers";

// Every example synthesizes with validations, and says what it claims to.
describe("examples", () => {
  const synth = (build: (app: any) => unknown) => {
    const app = testApp();
    build(app);
    return Object.fromEntries(stackNames(app).map((n) => [n, JSON.parse(Testing.synth(app.node.findChild(n) as TerraformStack, true))]));
  };

  test("shop-on-eks: two teams, three services, secrets only by reference", () => {
    const stacks = synth(shopOnEks);
    expect(Object.keys(stacks)).toEqual(["shop-apps", "shop-base", "shop-system"]);
    expect(resourcesOf(stacks["shop-apps"], "kubernetes_deployment_v1").map((d) => d.metadata.name).sort()).toEqual(["orders", "payments", "products"]);
    expect(JSON.stringify(stacks)).not.toMatch(/password"\s*:\s*"[^$]/i);
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
});
