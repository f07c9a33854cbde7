import { Construct } from "constructs";
import { KubernetesConnection, MicroservicePlatform, Mirror, ObjectStorageService, OffloadCredentials, OffloadStore, Profile, Target } from "../lib";
import { failure, testApp } from "./helpers";

const scope = new Construct(undefined as any, "shop");

describe("Target factories", () => {
  test("EKS expands zone suffixes and knows its storage, load balancers, identity and object store", () => {
    const t = Target.eks({ region: "eu-west-1", zones: ["a", "b", "eu-west-1c"] });
    expect(t.kind).toBe("eks");
    expect(t.zones).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    expect(t.zoneLabel).toBe("topology.kubernetes.io/zone");
    expect(t.storage.provisioner).toBe("ebs.csi.aws.com");
    expect(t.internalLoadBalancerAnnotations["service.beta.kubernetes.io/aws-load-balancer-scheme"]).toBe("internal");
    expect(t.objectStorage).toEqual({ service: ObjectStorageService.S3, region: "eu-west-1" });
    expect(t.workloadIdentity?.serviceAccountAnnotation).toBe("eks.amazonaws.com/role-arn");
    expect(t.connection.kubeconfigFile).toEqual({ path: "~/.kube/config", context: "platform" });
  });

  test("GKE, AKS, TKE and ACK name their zones the way their nodes do", () => {
    expect(Target.gke({ region: "europe-west1", zones: ["b", "c", "d"] }).zones).toEqual(["europe-west1-b", "europe-west1-c", "europe-west1-d"]);
    expect(Target.aks({ region: "westeurope", zones: ["1", "2", "3"] }).zones).toEqual(["westeurope-1", "westeurope-2", "westeurope-3"]);
    expect(Target.tke({ region: "ap-guangzhou", zones: ["3", "4", "6"] }).zones).toEqual(["ap-guangzhou-3", "ap-guangzhou-4", "ap-guangzhou-6"]);
    expect(Target.ack({ region: "cn-hangzhou", zones: ["h", "i", "j"] }).zones).toEqual(["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"]);
  });

  test("each cloud's default kubeconfig context matches its CLI", () => {
    expect(Target.gke({ region: "europe-west1", zones: ["b"], project: "shop-prod", clusterName: "c1" }).connection.kubeconfigFile?.context).toBe("gke_shop-prod_europe-west1_c1");
    expect(Target.kind({ clusterName: "dev" }).connection.kubeconfigFile?.context).toBe("kind-dev");
    expect(Target.k3s().connection.kubeconfigFile?.context).toBe("default");
    const own = KubernetesConnection.kubeconfig({ path: "/etc/kube.yaml", context: "mine" });
    expect(Target.eks({ region: "us-east-1", zones: ["a"], connection: own }).connection.kubeconfigFile).toEqual({ path: "/etc/kube.yaml", context: "mine" });
  });

  test("clouds without a usable workload identity say so, and TKE/ACK use S3-compatible endpoints", () => {
    const tke = Target.tke({ region: "ap-guangzhou", zones: ["3"] });
    expect(tke.workloadIdentity).toBeUndefined();
    expect(tke.objectStorage.endpoint).toBe("https://cos.ap-guangzhou.myqcloud.com");
    expect(tke.internalLoadBalancerAnnotations).toEqual({});
    expect(Target.tke({ region: "ap-guangzhou", zones: ["3"], internalSubnetId: "subnet-1" }).internalLoadBalancerAnnotations).toEqual({
      "service.kubernetes.io/qcloud-loadbalancer-internal-subnetid": "subnet-1",
    });
    const ack = Target.ack({ region: "cn-hangzhou", zones: ["h"] });
    expect(ack.objectStorage).toEqual({ service: ObjectStorageService.ALIYUN_OSS, region: "cn-hangzhou", endpoint: "https://oss-cn-hangzhou-internal.aliyuncs.com" });
    expect(ack.workloadIdentity?.namespaceLabels).toEqual({ "pod-identity.alibabacloud.com/injection": "on" });
    expect(Target.aks({ region: "westeurope", zones: ["1"] }).workloadIdentity?.podLabels).toEqual({ "azure.workload.identity/use": "true" });
  });

  test("k3s is a single node with local-path storage and a filesystem for cold data", () => {
    const t = Target.k3s();
    expect(t.singleNode).toBe(true);
    expect(t.zones).toEqual([]);
    expect(t.storage.provisioner).toBe("rancher.io/local-path");
    expect(t.objectStorage.service).toBe(ObjectStorageService.FILESYSTEM);
    expect(Target.k3s({ zones: ["rack1", "rack2", "rack3"] }).singleNode).toBe(false);
  });

  test("custom targets keep what they are given and default the zone label", () => {
    const t = Target.custom({
      kind: "onprem",
      zones: ["r1", "r2", "r3"],
      storage: { provisioner: "csi.example.com" },
      objectStorage: { service: ObjectStorageService.MINIO, endpoint: "https://minio" },
      connection: KubernetesConnection.kubeconfig({ context: "dc1" }),
    });
    expect(t.zoneLabel).toBe("topology.kubernetes.io/zone");
    expect(t.connection.kubeconfigFile?.context).toBe("dc1");
    expect(() => t.validate(scope, 3)).not.toThrow();
  });
});

describe("Target validation", () => {
  test("fails if a 3-zone profile gets fewer than 3 zones", () => {
    expect(() => Target.eks({ region: "eu-west-1", zones: ["a", "b"] }).validate(scope, 3)).toThrow(
      '[shop/Target.eks] this profile needs at least 3 zones so that losing one keeps every quorum, but 2 were given (received: ["eu-west-1a","eu-west-1b"]). List 3 zones (e.g. zones: ["a", "b", "c"]), or use Profile.DEV for a single-zone cluster.',
    );
  });

  test("fails if a zone is listed twice", () => {
    expect(() => Target.gke({ region: "europe-west1", zones: ["b", "c", "b"] }).validate(scope, 3)).toThrow(
      '[shop/Target.gke] zone "europe-west1-b" is listed twice (received: ["europe-west1-b","europe-west1-c","europe-west1-b"]). List each zone once: replicas spread over distinct zones only.',
    );
    expect(() => Target.eks({ region: "eu-west-1", zones: ["a", "eu-west-1a", "b"] }).validate(scope, 1)).toThrow(/zone "eu-west-1a" is listed twice/);
  });

  test("fails on an unknown target option, naming the known ones", () => {
    expect(() => Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"], zone: "a" } as any).validate(scope, 3)).toThrow(
      '[Target.eks] unknown option "zone" (received: "zone"). Known options are: region, zones, clusterName, connection, ingressClassName, nodeSize.',
    );
    expect(() => Target.k3s({ nodes: 3 } as any).validate(scope, 1)).toThrow(/\[Target.k3s\] unknown option "nodes"/);
  });

  test("fails on a missing region or a malformed zone", () => {
    expect(() => Target.aks({ zones: ["1", "2", "3"] } as any).validate(scope, 3)).toThrow('[Target.aks] region is required (received: undefined). Give it, e.g. "eu-west-1".');
    expect(() => Target.eks({ region: "eu-west-1", zones: ["a", "b", "c d"] }).validate(scope, 3)).toThrow(`[Target.eks] zones[2] must be a zone name or suffix (letters, digits, '.', '_' and '-') (received: "c d"). Use e.g. "a".`);
  });

  test("fails if a single node is asked to hold three zones", () => {
    expect(() => Target.k3s().validate(scope, 3)).toThrow(/needs at least 3 zones/);
  });
});

describe("input that did not come from the type checker (regressions)", () => {
  const platform = (props: object) => new MicroservicePlatform(testApp(), "p", { target: Target.kind(), profile: Profile.DEV, ...props });

  test("a cloud target without options, or with zones that are not a list", () => {
    expect(failure(() => Target.eks(undefined as never))).toBe("[Target.eks] options must be an object (received: undefined). See the option's documentation.");
    expect(failure(() => Target.gke({ region: "europe-west1", zones: "abc" as never }))).toBe('[Target.gke] zones must be a list (received: "abc"). Use e.g. ["a","b","c"].');
  });

  test("image pull secrets that are not a list", () => {
    expect(failure(() => platform({ mirror: Mirror.of({ imagePullSecrets: "regcred" as never }) }))).toBe('[p/Mirror] imagePullSecrets must be a list (received: "regcred"). Use e.g. ["regcred"].');
  });

  test("an object store without options", () => {
    expect(failure(() => platform({ broker: { offload: (OffloadStore.gcs as (b: string) => OffloadStore)("bucket") } }))).toBe("[p/broker/OffloadStore.gcs] options must be an object (received: undefined). See the option's documentation.");
  });

  test("zones of another region, a credentials Secret without a name, an S3 store in a Google Cloud region", () => {
    const eks = (props: object = {}) => new MicroservicePlatform(testApp(), "p", { target: Target.eks({ region: "eu-west-1", zones: ["us-east-1a", "us-east-1b", "us-east-1c"] }), ...props });
    expect(failure(() => eks())).toBe('[p/Target.eks] zone "us-east-1a" is not in region eu-west-1 (received: "us-east-1a"). List zones of eu-west-1 (a suffix such as "a" is expanded to its full name).');
    const inRegion = (offload: OffloadStore) => new MicroservicePlatform(testApp(), "p", { target: Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"] }), broker: { offload } });
    expect(failure(() => inRegion(OffloadStore.s3("orders-offload", { credentials: OffloadCredentials.fromSecret("") })))).toContain("the credentials Secret's name must be a Secret name");
    expect(failure(() => inRegion(OffloadStore.s3("orders-offload", { credentials: OffloadCredentials.fromSecret("s3-keys"), region: "europe-west1" })))).toContain('region must be an AWS region name (received: "europe-west1")');
  });

  test("a profile setting given as a string", () => {
    expect(failure(() => platform({ profile: Profile.DEV.with({ requireTransportSecurity: "false" as never }) }))).toContain("requireTransportSecurity must be true or false");
  });
});
