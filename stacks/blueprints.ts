import { Construct } from "constructs";
import { MicroservicePlatform, Profile, Target } from "../lib";

/**
 * The default blueprints: one platform per place it runs. Each is the platform with its
 * default team namespace ready for services; components join every blueprint as they land.
 */
export const BLUEPRINTS: Record<string, (scope: Construct) => MicroservicePlatform> = {
  /** kind (or minikube) on a laptop. */
  local: (scope) => withDefaultTeam(new MicroservicePlatform(scope, "local", { target: Target.kind(), profile: Profile.DEV })),
  /** k3s on one edge node. */
  edge: (scope) => withDefaultTeam(new MicroservicePlatform(scope, "edge", { target: Target.k3s(), profile: Profile.EDGE })),
  /** Amazon EKS across three zones. */
  aws: (scope) =>
    withDefaultTeam(
      new MicroservicePlatform(scope, "aws", {
        target: Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"], clusterName: "platform" }),
        profile: Profile.PRODUCTION,
      }),
    ),
  /** Google GKE across three zones. */
  gcp: (scope) =>
    withDefaultTeam(
      new MicroservicePlatform(scope, "gcp", {
        target: Target.gke({ region: "europe-west1", zones: ["b", "c", "d"], project: "my-project", clusterName: "platform" }),
        profile: Profile.PRODUCTION,
      }),
    ),
  /** Azure AKS across three zones. */
  azure: (scope) =>
    withDefaultTeam(
      new MicroservicePlatform(scope, "azure", {
        target: Target.aks({ region: "westeurope", zones: ["1", "2", "3"], clusterName: "platform" }),
        profile: Profile.PRODUCTION,
      }),
    ),
  /** Tencent Cloud TKE across three zones. */
  tencent: (scope) =>
    withDefaultTeam(
      new MicroservicePlatform(scope, "tencent", {
        target: Target.tke({ region: "ap-guangzhou", zones: ["3", "4", "6"], clusterName: "platform" }),
        profile: Profile.PRODUCTION,
      }),
    ),
};

function withDefaultTeam(platform: MicroservicePlatform): MicroservicePlatform {
  void platform.defaultTeam;
  return platform;
}
