// A platform on an on-premises cluster whose rooms are its zones, reached through an API
// endpoint and an OIDC exec plugin instead of a kubeconfig. When the cluster is created by a
// stack of your own, pass its attributes instead (e.g. `eks.endpoint`): cdktf wires the
// cross-stack reference and orders the stacks.
// Run: npx ts-node --transpile-only examples/onprem-cluster.ts
import { App } from "cdktf";
import { Construct } from "constructs";
import { KubernetesConnection, MicroservicePlatform, ObjectStorageService, Profile, Target } from "../lib";

export function onpremCluster(scope: Construct): MicroservicePlatform {
  const platform = new MicroservicePlatform(scope, "onprem", {
    target: Target.custom({
      kind: "onprem",
      zones: ["dc1-room-a", "dc1-room-b", "dc1-room-c"],
      storage: { provisioner: "csi.vsphere.vmware.com", parameters: { storagepolicyname: "zonal-gold" } },
      objectStorage: { service: ObjectStorageService.MINIO, endpoint: "https://minio.dc1.example.com" },
      connection: KubernetesConnection.cluster({
        host: "https://k8s.dc1.example.com:6443",
        clusterCaCertificate: "-----BEGIN CERTIFICATE-----\nMIIBexample\n-----END CERTIFICATE-----\n",
        exec: {
          apiVersion: "client.authentication.k8s.io/v1beta1",
          command: "kubectl",
          args: ["oidc-login", "get-token", "--oidc-issuer-url=https://sso.example.com", "--oidc-client-id=kubernetes"],
        },
      }),
    }),
    profile: Profile.PRODUCTION,
  });
  platform.addService("inventory", { image: "registry.dc1.example.com/inventory:7.0.3" });
  return platform;
}

if (require.main === module) {
  const app = new App();
  onpremCluster(app);
  app.synth();
}
