import { Aspects, LocalBackend, TerraformStack, Testing } from "cdktf";
import { IConstruct } from "constructs";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import {
  CertManager, ExternalBroker, IComponentContext, IPlatformComponent, IServiceBinding, Layer, MicroservicePlatform, Profile, Target,
} from "../lib";
import { resourcesOf, stackNames, synthStack, testApp } from "./helpers";

// Components written here use only the public contract (lib/index.ts), as a user's would.

/** Adds a plain object in the base layer, and an env var to every service. */
class Greeter implements IPlatformComponent {
  public readonly key = "greeter";
  public readonly requires?: readonly string[];
  public installed = 0;
  constructor(private readonly greeting = "hello", requires?: string[]) {
    this.requires = requires;
  }
  public install(context: IComponentContext): void {
    this.installed++;
    new ConfigMapV1(context.scope(Layer.BASE), "Greeting", {
      metadata: { name: "greeting", namespace: "default", labels: context.platform.labels("greeter", "greeting") },
      data: { greeting: this.greeting },
    });
  }
  public configureService(service: IServiceBinding): void {
    service.addEnv("GREETING", this.greeting);
  }
}

/** Needs the greeter, and a shared cert-manager. */
class Secured implements IPlatformComponent {
  public readonly key = "secured";
  public readonly requires = ["greeter"];
  public certManager?: CertManager;
  public install(context: IComponentContext): void {
    this.certManager = context.ensure(CertManager);
  }
}

/** Takes over every service's replica count, as an autoscaler would. */
class Autoscaler implements IPlatformComponent {
  public readonly key = "autoscaler";
  public install(): void {}
  public configureService(service: IServiceBinding): void {
    service.markAutoscaled();
  }
}

const eks = () => Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"] });
const env = (deployment: any) => Object.fromEntries(deployment.spec.template.spec.container[0].env.map((e: any) => [e.name, e.value ?? e.value_from]));

describe("the component contract", () => {
  test("a component plugs in, gets its own scope per layer, and configures services added before and after it", () => {
    const app = testApp();
    const platform = new MicroservicePlatform(app, "shop", { target: Target.kind(), profile: Profile.DEV, broker: false });
    const before = platform.addService("before", { image: "shop/before:1.0.0" });
    const greeter = new Greeter("hi");
    platform.addComponent(greeter);
    platform.addService("after", { image: "shop/after:1.0.0" });
    expect(platform.component(Greeter)).toBe(greeter);
    expect(platform.scopesOf(greeter).map((s) => s.node.path)).toEqual(["shop-base/greeter"]);
    expect(before.node.path).toBe("shop-apps/Teams/shop-apps/before");
    const apps = synthStack(app, "shop-apps");
    for (const d of resourcesOf(apps, "kubernetes_deployment_v1")) expect(env(d)).toEqual({ GREETING: "hi" });
    expect(resourcesOf(synthStack(app, "shop-base"), "kubernetes_config_map_v1")[0].data).toEqual({ greeting: "hi" });
  });

  test("components install after what they require, whatever the order they are listed in; shared cert-manager once", () => {
    const app = testApp();
    const secured = new Secured();
    const greeter = new Greeter();
    const platform = new MicroservicePlatform(app, "shop", { target: eks(), components: [secured, greeter] });
    expect(platform.components.map((c) => c.key)).toEqual(["broker", "cert-manager", "greeter", "secured"]);
    // the broker (TLS in PRODUCTION) and the second TLS consumer share one cert-manager
    expect(secured.certManager).toBe(platform.component(CertManager));
    const releases = resourcesOf(synthStack(app, "shop-system"), "helm_release").map((r) => r.name).sort();
    expect(releases).toEqual(["cert-manager", "pulsar"]);
  });

  test("an Aspect applied through a component's scopes reaches only that component", () => {
    const app = testApp();
    const greeter = new Greeter();
    const platform = new MicroservicePlatform(app, "shop", { target: Target.kind(), profile: Profile.DEV, components: [greeter] });
    const visited: string[] = [];
    for (const scope of platform.scopesOf(greeter)) Aspects.of(scope).add({ visit: (node: IConstruct) => void visited.push(node.node.path) });
    synthStack(app, "shop-base");
    expect(visited.length).toBeGreaterThan(0);
    expect(visited.every((p) => p.startsWith("shop-base/greeter"))).toBe(true);
  });

  test("fails if a required component is missing, naming both", () => {
    expect(() => new MicroservicePlatform(testApp(), "shop", { target: Target.kind(), profile: Profile.DEV, broker: false, components: [new Secured()] })).toThrow(
      '[shop] component "secured" requires component "greeter", which this platform does not have (received: "greeter"). Add a "greeter" component before "secured" (or list both in the platform\'s components), or remove "secured".',
    );
    const platform = new MicroservicePlatform(testApp(), "shop", { target: Target.kind(), profile: Profile.DEV, broker: false });
    expect(() => platform.addComponent(new Secured())).toThrow(/component "secured" requires component "greeter"/);
  });

  test("fails on two components with one key, a cycle, or something that is not a component", () => {
    expect(() => new MicroservicePlatform(testApp(), "a", { target: Target.kind(), profile: Profile.DEV, components: [new Greeter(), new Greeter()] })).toThrow(
      /\[a\] two components have the key "greeter" \(Greeter and Greeter\)/,
    );
    const cyclic = (key: string, requires: string[]): IPlatformComponent => ({ key, requires, install: () => undefined });
    expect(() => new MicroservicePlatform(testApp(), "b", { target: Target.kind(), profile: Profile.DEV, components: [cyclic("x", ["y"]), cyclic("y", ["x"])] })).toThrow(
      /components require each other in a cycle: x -> y -> x/,
    );
    expect(() => new MicroservicePlatform(testApp(), "c", { target: Target.kind(), profile: Profile.DEV, components: [{ key: "x" } as any] })).toThrow(
      /\[c\] a component must be an object with a key and an install\(\) method/,
    );
    expect(() => new MicroservicePlatform(testApp(), "d", { target: Target.kind(), profile: Profile.DEV, broker: {}, components: [new ExternalBroker({ pulsarUrl: "pulsar://p:6650", adminUrl: "http://p:8080" })] })).toThrow(
      /a broker is given both as the broker shortcut and in components/,
    );
  });

  test("a component's attributes before it is installed are a clear error", () => {
    expect(() => new CertManager().chart).toThrow("[CertManager] CertManager is not installed on a platform yet, so its attributes are not known (received: \"CertManager\"). Pass it in the platform's components (or call platform.addComponent()) before reading its attributes.");
  });
});

describe("services that components extend", () => {
  test("an autoscaled service has no replicas and keeps a disruption budget valid at any count", () => {
    const app = testApp();
    const platform = new MicroservicePlatform(app, "shop", { target: Target.kind(), profile: Profile.DEV, broker: false, components: [new Autoscaler()] });
    platform.addService("worker", { image: "shop/worker:1.0.0" });
    const apps = synthStack(app, "shop-apps");
    const [deployment] = resourcesOf(apps, "kubernetes_deployment_v1");
    expect(deployment.spec).not.toHaveProperty("replicas");
    // DEV gives one replica: without an autoscaler there is no PDB, with one there is, at maxUnavailable 1
    expect(resourcesOf(apps, "kubernetes_pod_disruption_budget_v1").map((p) => p.spec.max_unavailable)).toEqual(["1"]);
  });

  test("fails if replicas are set on a service an autoscaler owns", () => {
    const platform = new MicroservicePlatform(testApp(), "shop", { target: Target.kind(), profile: Profile.DEV, broker: false, components: [new Autoscaler()] });
    expect(() => platform.addService("worker", { image: "shop/worker:1.0.0", replicas: 3 })).toThrow(
      "[shop-apps/Teams/shop-apps/worker] replicas is set on a service that an autoscaler owns (received: 3). Remove replicas: the autoscaler's minimum and maximum decide the count.",
    );
  });

  test("env, annotations and Secret mounts added after construction are rendered; duplicates fail", () => {
    const app = testApp();
    const platform = new MicroservicePlatform(app, "shop", { target: Target.kind(), profile: Profile.DEV, broker: false });
    const svc = platform.addService("api", { image: "shop/api:1.0.0", env: { constructor: "x" } });
    svc.addEnv("DB_PASSWORD", { secretName: "db", key: "password" });
    svc.addPodAnnotations({ "example.com/team": "a" });
    svc.mountSecret("tls", "/var/run/tls");
    const [d] = resourcesOf(synthStack(app, "shop-apps"), "kubernetes_deployment_v1");
    expect(env(d)).toEqual({ constructor: "x", DB_PASSWORD: { secret_key_ref: { name: "db", key: "password" } } });
    expect(d.spec.template.metadata.annotations).toEqual({ "example.com/team": "a" });
    expect(d.spec.template.spec.volume).toContainEqual({ name: "secret-0", secret: { secret_name: "tls" } });
    expect(d.spec.template.spec.container[0].volume_mount).toContainEqual({ name: "secret-0", mount_path: "/var/run/tls", read_only: true });
    expect(() => svc.addEnv("DB_PASSWORD", "x")).toThrow(/environment variable "DB_PASSWORD" is set twice/);
    expect(() => svc.addPodAnnotations({ "example.com/team": "b" })).toThrow(/pod annotation "example.com\/team" is set twice with different values/);
    expect(() => svc.addEnv("A=B", "x")).toThrow(/environment variable name must be non-empty, without '='/);
  });

  test("fails if a memory request exceeds its limit", () => {
    const platform = new MicroservicePlatform(testApp(), "shop", { target: Target.kind(), profile: Profile.DEV, broker: false });
    expect(() => platform.addService("a", { image: "x/y:1", resources: { cpu: "100m", memory: "1Gi", memoryLimit: "512Mi" } })).toThrow(
      /resources.memory \(1Gi\) must not exceed resources.memoryLimit \(512Mi\)/,
    );
  });

  test("fails if a service is given a team of another platform", () => {
    const app = testApp();
    const a = new MicroservicePlatform(app, "a", { target: Target.kind(), profile: Profile.DEV, broker: false });
    const b = new MicroservicePlatform(app, "b", { target: Target.kind(), profile: Profile.DEV, broker: false });
    const team = b.addTeam("payments");
    expect(() => a.addService("api", { image: "x/y:1", team })).toThrow(/\[a\] service "api" is given a team that is not a team of this platform/);
  });
});

describe("stacks as users see them", () => {
  test("listing stacks creates none; forEachStack reaches existing and later stacks", () => {
    const app = testApp();
    const platform = new MicroservicePlatform(app, "shop", { target: Target.kind(), profile: Profile.DEV, broker: false });
    expect(platform.stacks.map((s) => s.node.id)).toEqual(["shop-base"]);
    expect(stackNames(app)).toEqual(["shop-base"]);
    const seen: string[] = [];
    platform.forEachStack((stack, layer) => {
      seen.push(`${stack.node.id}:${layer}`);
      new LocalBackend(stack, { path: `/state/${stack.node.id}.tfstate` });
    });
    platform.addService("api", { image: "x/y:1" });
    expect(seen).toEqual(["shop-base:base", "shop-apps:apps"]);
    expect(synthStack(app, "shop-apps").terraform.backend.local.path).toBe("/state/shop-apps.tfstate");
    // a user snapshot-tests a platform through its stacks
    for (const stack of platform.stacks) expect(Testing.synth(stack as TerraformStack)).toContain(stack.node.id === "shop-base" ? "kubernetes_storage_class_v1" : "kubernetes_deployment_v1");
  });

  test("literal ${...} and %{...} in env values, annotations and Dapr metadata reach Terraform escaped", () => {
    const app = testApp();
    const platform = new MicroservicePlatform(app, "shop", { target: Target.kind(), profile: Profile.DEV, broker: false });
    const svc = platform.addService("api", { image: "shop/api:1.0.0", env: { A: '${file("/etc/passwd")}', B: "%{ for x in y }x%{ endfor }" } });
    svc.addPodAnnotations({ "example.com/template": "${var.secret}" });
    const [d] = resourcesOf(synthStack(app, "shop-apps"), "kubernetes_deployment_v1");
    expect(d.spec.template.spec.container[0].env).toEqual([
      { name: "A", value: '$${file("/etc/passwd")}' },
      { name: "B", value: "%%{ for x in y }x%%{ endfor }" },
    ]);
    expect(d.spec.template.metadata.annotations).toEqual({ "example.com/template": "$${var.secret}" });
  });
});
