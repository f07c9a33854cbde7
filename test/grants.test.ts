import { App, Testing, TerraformStack } from "cdktf";
import { ExternalBroker, MicroservicePlatform, Profile, Target } from "../lib";
import { resourcesOf, stackNames, testApp } from "./helpers";

const eks = () => Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"] });

function synth(app: App): Record<string, any> {
  return Object.fromEntries(stackNames(app).map((n) => [n, JSON.parse(Testing.synth(app.node.findChild(n) as TerraformStack, true))]));
}
const envOf = (deployment: any) => Object.fromEntries(deployment.spec.template.spec.container[0].env.map((e: any) => [e.name, e.value ?? e.value_from]));
const syncSpec = (stack: any) => JSON.parse(resourcesOf(stack, "kubernetes_config_map_v1").find((c) => c.metadata.name === "pulsar-sync").data["spec.json"]);

describe("broker grants", () => {
  const app = testApp();
  const platform = new MicroservicePlatform(app, "shop", { target: eks(), profile: Profile.PRODUCTION });
  const checkout = platform.addTeam("checkout");
  const orders = platform.broker.addTenant("shop").addNamespace("orders");
  const placed = orders.addTopic("placed", { partitions: 6 });
  const publisher = platform.addService("publisher", { team: checkout, image: "shop/publisher:1.0.0" });
  const auditor = platform.addService("auditor", { team: checkout, image: "shop/auditor:1.0.0" });
  placed.grantProduce(publisher);
  placed.grantConsume(publisher);
  orders.grantConsume(auditor);
  const stacks = synth(app);
  const apps = stacks["shop-apps"];
  const deployment = (name: string) => resourcesOf(apps, "kubernetes_deployment_v1").find((d) => d.metadata.name === name);

  test("a granted service gets the broker URL, its token by Secret reference and, with TLS, the CA", () => {
    expect(envOf(deployment("publisher"))).toEqual({
      PULSAR_URL: "pulsar+ssl://pulsar-broker.shop-pulsar.svc.cluster.local:6651",
      PULSAR_AUTH_TOKEN: { secret_key_ref: { name: "publisher-pulsar", key: "token" } },
      PULSAR_AUTH_TOKEN_FILE: "/var/run/secrets/pulsar/token",
      PULSAR_TLS_TRUST_CERTS_FILE_PATH: "/var/run/secrets/pulsar/ca.crt",
    });
    const spec = deployment("publisher").spec.template.spec;
    expect(spec.volume).toContainEqual({ name: "secret-0", secret: { secret_name: "publisher-pulsar" } });
    expect(spec.container[0].volume_mount).toContainEqual({ name: "secret-0", mount_path: "/var/run/secrets/pulsar", read_only: true });
  });

  test("the sync spec carries each permission for the service's role, and the credentials to mint", () => {
    const spec = syncSpec(apps);
    const ns = spec.tenants.find((t: any) => t.name === "shop").namespaces[0];
    expect(ns.permissions).toEqual({ "checkout.auditor": ["consume"] });
    expect(ns.topics).toEqual([{ name: "placed", partitions: 6, permissions: { "checkout.publisher": ["consume", "produce"] } }]);
    expect(spec.credentials).toEqual([
      { role: "checkout.auditor", namespace: "checkout", secret: "auditor-pulsar" },
      { role: "checkout.publisher", namespace: "checkout", secret: "publisher-pulsar" },
    ]);
    expect(spec.signingKeyFile).toBe("/pulsar/sync/signing-key/key");
    expect(spec.caFile).toBe("/pulsar/sync/ca/ca.crt");
    expect(platform.broker.defaultNamespace.actionsOf("checkout.publisher")).toEqual([]);
    expect(placed.actionsOf("checkout.publisher")).toEqual(["consume", "produce"]);
  });

  test("the sync Job may create Secrets in the team's namespace and read or update only the declared ones", () => {
    const roles = resourcesOf(apps, "kubernetes_role_v1").filter((r) => r.metadata.name === "pulsar-sync-credentials");
    expect(roles).toHaveLength(1);
    expect(roles[0].metadata.namespace).toBe("checkout");
    expect(roles[0].rule).toEqual([
      { api_groups: [""], resources: ["secrets"], verbs: ["create"] },
      { api_groups: [""], resources: ["secrets"], verbs: ["get", "update"], resource_names: ["auditor-pulsar", "publisher-pulsar"] },
    ]);
    const [binding] = resourcesOf(apps, "kubernetes_role_binding_v1").filter((r) => r.metadata.name === "pulsar-sync-credentials");
    expect(binding.subject).toEqual([{ kind: "ServiceAccount", name: expect.stringContaining("kubernetes_service_account_v1.broker_Sync_ServiceAccount"), namespace: "shop-pulsar" }]);
    const [job] = resourcesOf(apps, "kubernetes_job_v1");
    expect(job.spec.template.spec.automount_service_account_token).toBe(true);
    expect(job.spec.template.spec.volume).toContainEqual({ name: "signing-key", secret: { secret_name: "pulsar-token-symmetric-key", items: [{ key: "SECRETKEY", path: "key" }] } });
  });

  test("no token, key or password is in any synthesized stack", () => {
    const text = JSON.stringify(stacks);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/); // a JWT
    expect(text).not.toMatch(/"(token|password|secret)"\s*:\s*"[^$/][^"]*"/i);
  });

  test("fails if a service of another platform is granted", () => {
    const other = new MicroservicePlatform(app, "other", { target: Target.kind(), profile: Profile.DEV, broker: false });
    const stranger = other.addService("stranger", { image: "x/y:1" });
    expect(() => placed.grantProduce(stranger)).toThrow(
      '[shop/broker] service other-apps/Teams/other-apps/stranger belongs to platform "other", not to this broker\'s platform "shop" (received: "other-apps/Teams/other-apps/stranger"). Grant each platform\'s services on its own broker (or add an ExternalBroker pointing at the other one).',
    );
  });
});

test("DEV: no TLS, so no CA in the service's environment", () => {
  const app = testApp();
  const platform = new MicroservicePlatform(app, "dev", { target: Target.kind(), profile: Profile.DEV });
  const svc = platform.addService("api", { image: "x/y:1" });
  platform.broker.topic("events").grantProduce(svc);
  const [d] = resourcesOf(synth(app)["dev-apps"], "kubernetes_deployment_v1");
  expect(Object.keys(envOf(d))).toEqual(["PULSAR_URL", "PULSAR_AUTH_TOKEN", "PULSAR_AUTH_TOKEN_FILE"]);
  expect(envOf(d).PULSAR_URL).toBe("pulsar://pulsar-broker.dev-pulsar.svc.cluster.local:6650");
});

describe("an external broker", () => {
  const external = (admin?: object) =>
    new ExternalBroker({ pulsarUrl: "pulsar+ssl://pulsar.example.com:6651", adminUrl: "https://pulsar.example.com:8443", endpoints: { kafka: "kafka.example.com:9093" }, admin: admin as any });

  test("services are wired to it; with admin and a signing key the sync Job runs in your namespace and mints tokens", () => {
    const app = testApp();
    const broker = external({ namespace: "pulsar-admin", token: { secretName: "admin", key: "token" }, signingKey: { secretName: "jwt", key: "key" } });
    const platform = new MicroservicePlatform(app, "ext", { target: Target.kind(), profile: Profile.DEV, components: [broker] });
    expect(platform.broker).toBe(broker);
    expect(platform.broker.kafkaBootstrap).toBe("kafka.example.com:9093");
    const svc = platform.addService("api", { image: "x/y:1" });
    platform.broker.addTenant("acme").addNamespace("events").addTopic("clicks").grantProduce(svc);
    const stacks = synth(app);
    expect(Object.keys(stacks).sort()).toEqual(["ext-apps", "ext-base"]); // no release: nothing runs in the system layer
    const apps = stacks["ext-apps"];
    const [job] = resourcesOf(apps, "kubernetes_job_v1");
    expect(job.metadata.namespace).toBe("pulsar-admin");
    const spec = syncSpec(apps);
    expect(spec.adminUrl).toBe("https://pulsar.example.com:8443");
    expect(spec.racks).toBeUndefined();
    expect(spec.credentials).toEqual([{ role: "ext-apps.api", namespace: "ext-apps", secret: "api-pulsar" }]);
    const [d] = resourcesOf(apps, "kubernetes_deployment_v1");
    // a public CA: no CA file
    expect(Object.keys(envOf(d))).toEqual(["PULSAR_URL", "PULSAR_AUTH_TOKEN", "PULSAR_AUTH_TOKEN_FILE"]);
  });

  test("fails to grant without admin access, and names what to do", () => {
    const platform = new MicroservicePlatform(testApp(), "ext", { target: Target.kind(), profile: Profile.DEV, components: [external()] });
    const svc = platform.addService("api", { image: "x/y:1" });
    expect(() => platform.broker.topic("clicks").grantProduce(svc)).toThrow(
      "[ext/broker] cannot grant on persistent://public/default/clicks: the platform has no admin access to this external broker (received: \"persistent://public/default/clicks\"). Pass admin: { namespace, token } to ExternalBroker so the permission is applied, or wire the service with broker.connect(service) and grant on the broker yourself.",
    );
    expect(platform.broker.connect(svc).secretName).toBe("api-pulsar");
    expect(() => platform.broker.mqttEndpoint).toThrow(/no mqtt endpoint was given for this external broker/);
  });

  test("fails on a URL that is not a Pulsar URL", () => {
    expect(() => new ExternalBroker({ pulsarUrl: "http://pulsar:8080", adminUrl: "http://pulsar:8080" })).toThrow('[ExternalBroker] pulsarUrl must be a pulsar:// or pulsar+ssl:// URL (received: "http://pulsar:8080"). Use e.g. "pulsar+ssl://pulsar.example.com:6651".');
  });
});

test("errors about a tenant, a namespace or a topic name that object, not just the broker", () => {
  const p = new MicroservicePlatform(testApp(), "p", { target: Target.kind(), profile: Profile.DEV });
  const tenant = p.broker.addTenant("shop");
  expect(() => p.broker.addTenant("shop", { adminRoles: "admins" as never })).toThrow(/^\[p\/broker\] tenant "shop" is declared twice|^\[p\/broker\/Tenant\(shop\)\]/);
  expect(() => tenant.addNamespace("orders", { retention: { minutes: -5, sizeMb: 1 } })).toThrow("[p/broker/Namespace(shop/orders)] retention.minutes must be at least -1 (received: -5). Use e.g. 10080.");
  const orders = tenant.addNamespace("orders");
  expect(() => orders.addTopic("placed", { partitions: -1 })).toThrow("[p/broker/Topic(shop/orders/placed)] partitions must be at least 0 (received: -1). Use e.g. 3.");
  expect(() => tenant.addNamespace("orders", { retention: { minutes: 10, sizeMb: 10 } })).toThrow(/^\[p\/broker\/Namespace\(shop\/orders\)\] namespace "shop\/orders" is declared twice with different options/);
  expect(() => p.broker.addTenant("bad tenant")).toThrow(/^\[p\/broker\/Tenant\(bad tenant\)\] the tenant name may hold/);
});
