import { Layer, MicroservicePlatform, Profile, Target } from "../lib";
import { resourcesOf, stackNames, synthStack, testApp } from "./helpers";

const eks = () => Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"] });

describe("MicroservicePlatform layering", () => {
  test("creates the base stack at once and other layers on first use, each depending on the lower ones", () => {
    const app = testApp();
    const p = new MicroservicePlatform(app, "shop", { target: eks(), broker: false });
    expect(stackNames(app)).toEqual(["shop-base"]);
    const apps = p.stack(Layer.APPS);
    const system = p.stack(Layer.SYSTEM);
    expect(stackNames(app)).toEqual(["shop-apps", "shop-base", "shop-system"]);
    expect(system.dependencies.map((s) => s.node.id)).toEqual(["shop-base"]);
    expect(apps.dependencies.map((s) => s.node.id).sort()).toEqual(["shop-base", "shop-system"]);
    expect(p.stack(Layer.APPS)).toBe(apps);
  });

  test("the base stack holds a WaitForFirstConsumer zonal StorageClass and the platform's PriorityClass", () => {
    const app = testApp();
    new MicroservicePlatform(app, "shop", { target: eks(), broker: false });
    const base = synthStack(app, "shop-base");
    expect(resourcesOf(base, "kubernetes_storage_class_v1")).toEqual([
      expect.objectContaining({
        metadata: expect.objectContaining({ name: "shop-zonal" }),
        storage_provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true" },
        volume_binding_mode: "WaitForFirstConsumer",
        reclaim_policy: "Retain",
        allow_volume_expansion: true,
      }),
    ]);
    expect(resourcesOf(base, "kubernetes_priority_class_v1")[0]).toMatchObject({ metadata: { name: "shop-platform-critical" }, value: 1000000, global_default: false });
    expect(base.provider.kubernetes[0]).toEqual({ config_path: "${var.kubeconfig_path}", config_context: "${var.kube_context}" });
    expect(base.variable.kube_context.default).toBe("platform");
    expect(base.provider.helm).toBeUndefined();
  });

  test("DEV volumes are deleted with their claims", () => {
    const app = testApp();
    new MicroservicePlatform(app, "dev", { target: Target.kind(), profile: Profile.DEV, broker: false });
    expect(resourcesOf(synthStack(app, "dev-base"), "kubernetes_storage_class_v1")[0].reclaim_policy).toBe("Delete");
  });
});

describe("MicroservicePlatform bad input", () => {
  test("fails if the platform name is not a DNS label", () => {
    expect(() => new MicroservicePlatform(testApp(), "Shop_EU", { target: eks() })).toThrow(
      '[Shop_EU] the platform name must be a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 40 characters) (received: "Shop_EU"). Use a name such as "shop-eu".',
    );
  });

  test("fails if PRODUCTION is given fewer than 3 zones, naming the platform", () => {
    expect(() => new MicroservicePlatform(testApp(), "shop", { target: Target.eks({ region: "eu-west-1", zones: ["a"] }), profile: Profile.PRODUCTION })).toThrow(
      /^\[shop\/Target.eks\] this profile needs at least 3 zones .* but 1 was given/,
    );
  });

  test("fails on an unknown platform option", () => {
    expect(() => new MicroservicePlatform(testApp(), "shop", { target: eks(), profle: Profile.DEV } as any)).toThrow(
      '[shop] unknown option "profle" (received: "profle"). Known options are: target, profile, mirror, broker, components, prometheusOperator, policy.',
    );
  });

  test("fails without a target", () => {
    expect(() => new MicroservicePlatform(testApp(), "shop", {} as any)).toThrow(/\[shop\] target is required \(received: undefined\)\. Give it, e\.g\. Target\.eks\(/);
  });

  test("fails if two platforms share a name", () => {
    const app = testApp();
    new MicroservicePlatform(app, "shop", { target: eks() });
    expect(() => new MicroservicePlatform(app, "shop", { target: eks() })).toThrow(/There is already a Construct with name 'shop'/);
  });

  test("fails if a team or a service is added twice, or is not a DNS label", () => {
    const p = new MicroservicePlatform(testApp(), "shop", { target: eks() });
    p.addTeam("payments");
    expect(() => p.addTeam("payments")).toThrow('[shop] team "payments" is added twice (received: "payments"). Add each team once and keep the returned Team to add services to it.');
    expect(() => p.addTeam("Payments Team")).toThrow(/\[shop\] the team name must be a DNS-1123 label .*Use a name such as "payments-team"/);
    p.addService("orders", { image: "shop/orders:1.0.0" });
    expect(() => p.addService("orders", { image: "shop/orders:1.0.0" })).toThrow(/service "orders" is added twice to team "shop-apps"/);
  });
});
