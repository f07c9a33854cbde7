// The floor of the bench: the smallest useful cdktf program (one provider, one resource),
// loaded the same way as the platform (per-resource provider modules).
import { App, TerraformStack } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";

const app = new App();
const stack = new TerraformStack(app, "floor");
new KubernetesProvider(stack, "kubernetes", { configPath: "~/.kube/config" });
new NamespaceV1(stack, "namespace", { metadata: { name: "floor" } });
app.synth();
