// The floor of the bench: the smallest useful cdktf program (one provider, one resource), loaded
// the same way as the platform (per-resource provider modules). FLOOR_STACKS and
// FLOOR_RESOURCES (per stack) make the same program bigger: a plain-cdktf reference of a size.
import { App, TerraformStack } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";

const stacks = Number(process.env.FLOOR_STACKS ?? 1);
const resources = Number(process.env.FLOOR_RESOURCES ?? 1);
const app = new App();
for (let s = 0; s < stacks; s++) {
  const stack = new TerraformStack(app, stacks === 1 ? "floor" : `floor-${s}`);
  new KubernetesProvider(stack, "kubernetes", { configPath: "~/.kube/config" });
  for (let r = 0; r < resources; r++) new NamespaceV1(stack, resources === 1 ? "namespace" : `namespace-${r}`, { metadata: { name: `floor-${r}` } });
}
app.synth();
