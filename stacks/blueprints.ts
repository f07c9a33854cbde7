import { Construct } from "constructs";
import { IMAGES, MicroservicePlatform, MicroservicePlatformProps, OffloadCredentials, OffloadStore, Profile, Target } from "../lib";

/**
 * The default blueprints: one platform per place it runs, each with its broker offloading cold
 * data to the place's own store, and in its default team a small HTTP service (podinfo) granted
 * to publish on the `public/default/hello` topic: its token, URL and CA arrive by reference.
 *
 * Cloud blueprints read the object-store keys at deploy time from sensitive stack variables
 * (`TF_VAR_offload_credential_id`, `TF_VAR_offload_credential_secret`); edge and local keep cold
 * data on a volume.
 */
export const BLUEPRINTS: Record<string, (scope: Construct) => MicroservicePlatform> = {
  /** kind (or minikube) on a laptop. */
  local: (scope) =>
    blueprint(scope, "local", { target: Target.kind(), profile: Profile.DEV, broker: { offload: OffloadStore.filesystem({ size: "5Gi" }) } }),
  /** k3s on one edge node. */
  edge: (scope) =>
    blueprint(scope, "edge", { target: Target.k3s(), profile: Profile.EDGE, broker: { offload: OffloadStore.filesystem({ size: "5Gi" }) } }),
  /** Amazon EKS across three zones, cold data in S3. */
  aws: (scope) =>
    blueprint(scope, "aws", {
      target: Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"], clusterName: "platform" }),
      profile: Profile.PRODUCTION,
      broker: { offload: OffloadStore.s3("aws-platform-pulsar-offload", { credentials: OffloadCredentials.fromStackVariables() }) },
    }),
  /** Google GKE across three zones, cold data in GCS. */
  gcp: (scope) =>
    blueprint(scope, "gcp", {
      target: Target.gke({ region: "europe-west1", zones: ["b", "c", "d"], project: "my-project", clusterName: "platform" }),
      profile: Profile.PRODUCTION,
      broker: { offload: OffloadStore.gcs("gcp-platform-pulsar-offload", { credentials: OffloadCredentials.fromStackVariables() }) },
    }),
  /** Azure AKS across three zones, cold data in Blob Storage. */
  azure: (scope) =>
    blueprint(scope, "azure", {
      target: Target.aks({ region: "westeurope", zones: ["1", "2", "3"], clusterName: "platform" }),
      profile: Profile.PRODUCTION,
      broker: { offload: OffloadStore.azureBlob("pulsar-offload", { credentials: OffloadCredentials.fromStackVariables() }) },
    }),
  /** Tencent Cloud TKE across three zones, cold data in COS. */
  tencent: (scope) =>
    blueprint(scope, "tencent", {
      target: Target.tke({ region: "ap-guangzhou", zones: ["3", "4", "6"], clusterName: "platform" }),
      profile: Profile.PRODUCTION,
      broker: { offload: OffloadStore.tencentCos("tencent-platform-pulsar-offload-1250000000", { credentials: OffloadCredentials.fromStackVariables() }) },
    }),
};

/** A platform with a demo service in its default team, granted to publish on a topic. */
function blueprint(scope: Construct, name: string, props: MicroservicePlatformProps): MicroservicePlatform {
  const platform = new MicroservicePlatform(scope, name, props);
  const hello = platform.addService("hello", {
    image: `${IMAGES.demoService.repository}:${IMAGES.demoService.tag}`,
    port: 9898,
    health: { readinessPath: "/readyz", livenessPath: "/healthz" },
  });
  platform.broker.topic("hello").grantProduce(hello);
  return platform;
}
