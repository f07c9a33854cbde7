import { App, Testing, TerraformStack } from "cdktf";
import { parse } from "yaml";
import { Consul, DaprRuntime, MicroservicePlatform, Nacos, NacosStorage, PlatformConfigError, Profile, Target, TraceStorage, Tracing } from "../lib";
import { failure, resourcesOf, stackNames, terraformString, testApp } from "./helpers";

const eks = () => Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"] });

function synth(app: App): Record<string, any> {
  return Object.fromEntries(stackNames(app).map((n) => [n, JSON.parse(Testing.synth(app.node.findChild(n) as TerraformStack, true))]));
}
const byName = (stack: any, type: string, name: string) => resourcesOf(stack, type).find((r) => r.metadata?.name === name);
const envOf = (deployment: any) => Object.fromEntries(deployment.spec.template.spec.container[0].env.map((e: any) => [e.name, e.value ?? e.value_from]));

function platformWith(registry: Nacos | Consul, profile = Profile.PRODUCTION, target = eks()) {
  const app = testApp();
  const platform = new MicroservicePlatform(app, "shop", { target, profile, components: [registry] });
  return { app, platform };
}


describe("Nacos (PRODUCTION)", () => {
  const nacos = new Nacos();
  const { app, platform } = platformWith(nacos);
  const orders = platform.addTeam("orders");
  const api = platform.addService("orders-api", { image: "shop/orders:1.4.2", team: orders, health: { readinessPath: "/ready", livenessPath: "/live" } });
  nacos.config("orders-api", "settings.yaml", "timeout: 5s\ngreeting: ${name}\n", { team: orders, format: "yaml" });
  nacos.config("DEFAULT_GROUP", "common.json", { region: "eu-west-1", dbPassword: "${DB_PASSWORD}" });
  const stacks = synth(app);
  const base = stacks["shop-base"];
  const apps = stacks["shop-apps"];
  const sts = resourcesOf(base, "kubernetes_stateful_set_v1")[0];
  const pod = sts.spec.template.spec;
  const container = pod.container[0];
  const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.value_from]));

  test("3 members, one per zone (hard spread, minDomains 3), never two on a node, a disruption budget of one", () => {
    expect(sts.spec.replicas).toBe("3");
    expect(sts.spec.pod_management_policy).toBe("Parallel");
    expect(pod.topology_spread_constraint[0]).toMatchObject({ topology_key: "topology.kubernetes.io/zone", max_skew: 1, when_unsatisfiable: "DoNotSchedule", min_domains: 3 });
    expect(pod.affinity.pod_anti_affinity.required_during_scheduling_ignored_during_execution[0].topology_key).toBe("kubernetes.io/hostname");
    expect(byName(base, "kubernetes_pod_disruption_budget_v1", "nacos").spec.max_unavailable).toBe("1");
    expect(pod.priority_class_name).toBe("shop-platform-critical");
    expect(sts.spec.volume_claim_template[0].spec).toMatchObject({ storage_class_name: "shop-zonal", resources: { requests: { storage: "10Gi" } } });
  });

  test("cluster mode on embedded storage, members found by their stable names", () => {
    expect(env.MODE).toBe("cluster");
    expect(env.EMBEDDED_STORAGE).toBe("embedded");
    expect(env.NACOS_SERVERS).toBe([0, 1, 2].map((i) => `nacos-${i}.nacos-headless.shop-registry.svc.cluster.local:8848`).join(" "));
    expect(byName(base, "kubernetes_service_v1", "nacos-headless").spec).toMatchObject({ cluster_ip: "None", publish_not_ready_addresses: true });
  });

  test("auth on, the token and the identity read from the generated Secret, never written", () => {
    expect(env.NACOS_AUTH_ENABLE).toBe("true");
    for (const [name, key] of [["NACOS_AUTH_TOKEN", "token"], ["NACOS_AUTH_IDENTITY_KEY", "identity-key"], ["NACOS_AUTH_IDENTITY_VALUE", "identity-value"]]) {
      expect(env[name]).toEqual({ secret_key_ref: { name: "nacos-auth", key } });
    }
    // The generator Job runs before the members, and no Secret object is in Terraform.
    expect(sts.depends_on[0]).toMatch(/^kubernetes_job_v1\./);
    for (const stack of Object.values(stacks)) expect(resourcesOf(stack, "kubernetes_secret_v1")).toEqual([]);
  });

  test("restricted pod security, a read-only root filesystem with writable conf, logs, data and tmp, probes on the health endpoints", () => {
    expect(pod.security_context).toMatchObject({ run_as_non_root: true, run_as_user: "10001", seccomp_profile: { type: "RuntimeDefault" } });
    for (const c of [container, pod.init_container[0]]) {
      expect(c.security_context).toMatchObject({ allow_privilege_escalation: false, read_only_root_filesystem: true, run_as_non_root: true, capabilities: { drop: ["ALL"] } });
      expect(c.resources.requests.cpu).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
    }
    expect(container.volume_mount.map((m: any) => m.mount_path).sort()).toEqual(["/home/nacos/conf", "/home/nacos/data", "/home/nacos/logs", "/tmp"]);
    expect(container.readiness_probe.http_get.path).toBe("/nacos/v1/console/health/readiness");
    expect(container.liveness_probe.http_get.path).toBe("/nacos/v1/console/health/liveness");
    expect(env.JAVA_OPT).toContain("-XX:MaxDirectMemorySize=");
    expect(automountOf(pod)).toBe(false);
    expect(pod.service_account_name).toMatch(/kubernetes_service_account_v1\.registry_ServiceAccount_/);
  });

  test("member ports only inside the registry's namespace; client ports only from the platform's namespaces", () => {
    const namespacePolicy = byName(base, "kubernetes_network_policy_v1", "default-ingress");
    const registryPolicies = resourcesOf(base, "kubernetes_network_policy_v1").filter((p) => String(p.metadata.namespace).includes("registry_Namespace"));
    expect(registryPolicies).toHaveLength(2);
    const defaultIngress = registryPolicies.find((p) => p.metadata.name === "default-ingress");
    expect(defaultIngress.spec.ingress[0].from).toEqual([{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "shop-registry" } } }]);
    expect(namespacePolicy).toBeDefined();
    const clients = registryPolicies.find((p) => p.metadata.name === "nacos-clients");
    expect(clients.spec.ingress[0].ports.map((p: any) => p.port).sort()).toEqual(["8848", "9848"]);
    expect(clients.spec.ingress[0].from).toEqual([{ namespace_selector: { match_labels: { "platform.cdktf.io/platform": "shop" } } }]);
  });

  test("services get the address, their team's namespace and credentials by reference (nacos-sdk and Spring Cloud Alibaba names)", () => {
    const deployment = resourcesOf(apps, "kubernetes_deployment_v1").find((d) => d.metadata.name === "orders-api");
    const e = envOf(deployment);
    const ref = (key: string) => ({ secret_key_ref: { name: "registry-credentials", key } });
    expect(e).toMatchObject({
      NACOS_SERVER_ADDR: "nacos.shop-registry.svc.cluster.local:8848",
      NACOS_NAMESPACE: "orders",
      NACOS_USERNAME: ref("username"),
      NACOS_PASSWORD: ref("password"),
      SPRING_CLOUD_NACOS_SERVERADDR: "nacos.shop-registry.svc.cluster.local:8848",
      SPRING_CLOUD_NACOS_USERNAME: ref("username"),
      SPRING_CLOUD_NACOS_PASSWORD: ref("password"),
      SPRING_CLOUD_NACOS_DISCOVERY_NAMESPACE: "orders",
      SPRING_CLOUD_NACOS_CONFIG_NAMESPACE: "orders",
      SPRING_CLOUD_NACOS_DISCOVERY_SERVICE: "orders-api",
      SPRING_CLOUD_NACOS_DISCOVERY_PORT: "8080",
    });
    expect(api.url).toBe("http://orders-api.orders.svc:8080");
    expect(nacos.credentialsOf(orders).password).toEqual({ secretName: "registry-credentials", key: "password" });
  });

  test("the sync Job publishes every team and entry, literally, and may write only the credentials Secret in each team namespace", () => {
    const config = byName(apps, "kubernetes_config_map_v1", "nacos-sync");
    const spec = JSON.parse(terraformString(config.data["spec.json"]));
    expect(spec.teams.map((t: any) => t.namespace)).toEqual(["orders"]);
    expect(spec.configs).toEqual([
      { namespace: "orders", group: "orders-api", dataId: "settings.yaml", format: "yaml", content: "timeout: 5s\ngreeting: ${name}\n" },
      { namespace: "shop-shared", group: "DEFAULT_GROUP", dataId: "common.json", format: "json", content: JSON.stringify({ region: "eu-west-1", dbPassword: "${DB_PASSWORD}" }, null, 2) },
    ]);
    // Terraform would evaluate "${name}": the JSON holds "$${name}".
    expect(config.data["spec.json"]).toContain("$${name}");
    const role = resourcesOf(apps, "kubernetes_role_v1").find((r) => r.metadata.name === "nacos-sync" && r.metadata.namespace === "orders");
    expect(role.rule).toEqual([
      { api_groups: [""], resources: ["secrets"], verbs: ["create"] },
      { api_groups: [""], resources: ["secrets"], verbs: ["get", "update"], resource_names: ["registry-credentials"] },
    ]);
    const job = resourcesOf(apps, "kubernetes_job_v1").find((j) => j.metadata.name === "nacos-sync");
    expect(job.spec.template.spec.container[0].image).toBe("docker.io/library/python:3.13.9-alpine3.22");
    expect(job.spec.template.spec.container[0].volume_mount.map((m: any) => m.mount_path)).toContain("/var/run/registry/admin-password");
  });

  test("the platform's registry is this component", () => {
    expect(platform.registry).toBe(nacos);
    expect(nacos.namespaceOf(orders)).toBe("orders");
  });
});

function automountOf(pod: any): boolean {
  return pod.automount_service_account_token;
}

describe("Nacos in DEV and EDGE", () => {
  test("one standalone member, no disruption budget, smaller sizes", () => {
    const { app, platform } = platformWith(new Nacos(), Profile.EDGE, Target.k3s());
    platform.addService("web", { image: "shop/web:1.0.0" });
    const base = synth(app)["edge-base".replace("edge", "shop")];
    const sts = resourcesOf(base, "kubernetes_stateful_set_v1")[0];
    const env = Object.fromEntries(sts.spec.template.spec.container[0].env.map((e: any) => [e.name, e.value ?? e.value_from]));
    expect(sts.spec.replicas).toBe("1");
    expect(env.MODE).toBe("standalone");
    expect(env.NACOS_SERVERS).toBeUndefined();
    expect(byName(base, "kubernetes_pod_disruption_budget_v1", "nacos")).toBeUndefined();
    expect(sts.spec.template.spec.topology_spread_constraint).toBeUndefined();
  });

  test("auth may be turned off outside production: no credentials are handed out then", () => {
    const nacos = new Nacos({ auth: false });
    const { app, platform } = platformWith(nacos, Profile.DEV, Target.kind());
    platform.addService("web", { image: "shop/web:1.0.0" });
    const stacks = synth(app);
    const e = envOf(resourcesOf(stacks["shop-apps"], "kubernetes_deployment_v1")[0]);
    expect(e.NACOS_SERVER_ADDR).toBe("nacos.shop-registry.svc.cluster.local:8848");
    expect(e.NACOS_PASSWORD).toBeUndefined();
    expect(resourcesOf(stacks["shop-base"], "kubernetes_job_v1")).toHaveLength(0);
  });

  test("an external MySQL: its password by reference, the JDBC settings as values", () => {
    const nacos = new Nacos({ storage: NacosStorage.mysql({ host: "mysql.db.svc", database: "nacos", username: "nacos", password: { secretName: "nacos-db", key: "password" } }) });
    const { app } = platformWith(nacos, Profile.DEV, Target.kind());
    const sts = resourcesOf(synth(app)["shop-base"], "kubernetes_stateful_set_v1")[0];
    const env = Object.fromEntries(sts.spec.template.spec.container[0].env.map((e: any) => [e.name, e.value ?? e.value_from]));
    expect(env).toMatchObject({
      SPRING_DATASOURCE_PLATFORM: "mysql",
      MYSQL_SERVICE_HOST: "mysql.db.svc",
      MYSQL_SERVICE_DB_NAME: "nacos",
      MYSQL_SERVICE_PASSWORD: { secret_key_ref: { name: "nacos-db", key: "password" } },
    });
    expect(env.EMBEDDED_STORAGE).toBeUndefined();
  });
});

describe("Nacos fails", () => {
  test("with an even number of members, in PRODUCTION and anywhere", () => {
    expect(failure(() => platformWith(new Nacos({ members: 4 })))).toBe(
      "[shop/registry] Nacos members must be odd: JRaft needs a majority, so 4 members survive no more failures than 3 (received: 4). Use 3 or 5.",
    );
    expect(failure(() => platformWith(new Nacos({ members: 2 }), Profile.DEV, Target.kind()))).toContain("Nacos members must be odd");
  });

  test("with a single member where the profile spreads over zones", () => {
    expect(failure(() => platformWith(new Nacos({ members: 1 })))).toContain("Nacos needs at least 3 members (one per zone)");
  });

  test("with auth disabled in PRODUCTION", () => {
    expect(failure(() => platformWith(new Nacos({ auth: false })))).toBe(
      '[shop/registry] Nacos auth cannot be turned off in the production profile: every pod of the cluster could read and change every service\'s configuration (received: "auth: false"). Remove auth: false (services get their credentials by reference).',
    );
  });

  test("with a literal token or password, which is never echoed", () => {
    const token = "c2VjcmV0LXRva2VuLW9mLWF0LWxlYXN0LTMyLWJ5dGVzLWxvbmc=";
    const asSecretName = failure(() => platformWith(new Nacos({ authSecret: token })));
    expect(asSecretName).toContain("authSecret must be the name of an existing Secret (never the token itself)");
    expect(asSecretName).not.toContain(token);
    expect(failure(() => platformWith(new Nacos({ token } as never)))).toContain('unknown option "token"');
    const mysql = failure(() =>
      platformWith(new Nacos({ storage: NacosStorage.mysql({ host: "db", database: "nacos", username: "nacos", password: "hunter2-password" as never }) }), Profile.DEV, Target.kind()),
    );
    expect(mysql).toContain("mysql.password must be a Secret reference { secretName, key }, never the secret itself");
    expect(mysql).not.toContain("hunter2");
  });

  test("with MySQL storage and no Secret reference for the password", () => {
    expect(failure(() => platformWith(new Nacos({ storage: NacosStorage.mysql({ host: "db", database: "nacos", username: "nacos" } as never) }), Profile.DEV, Target.kind()))).toBe(
      '[shop/registry.storage] mysql.password is required (received: undefined). Give it, e.g. {"secretName":"orders-db","key":"password"}.',
    );
    expect(failure(() => platformWith(new Nacos({ storage: NacosStorage.mysql({ host: "db", database: "nacos", username: "nacos", password: { secretName: "", key: "p" } }) }), Profile.DEV, Target.kind()))).toContain(
      `mysql.password.secretName must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.') (received: "")`,
    );
  });

  test("with a config entry that looks like a secret, which is never echoed", () => {
    const nacos = new Nacos();
    platformWith(nacos);
    const cases: [string, string | Record<string, unknown>][] = [
      ["object key", { db: { password: "hunter2" } }],
      ["properties line", "db.url=jdbc:mysql://db\nspring.datasource.password=hunter2\n"],
      ["YAML line", "client:\n  apiKey: hunter2\n"],
      ["JWT", { header: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcmRlcnMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ" }],
      ["PEM", "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"],
      ["AWS key id", { storage: "AKIAIOSFODNN7EXAMPLE" }],
      ["JSON text", '{"db": {"password": "hunter2"}}'],
      ["XML", "<config><password>hunter2</password></config>"],
      ["URL with a password", { dsn: "postgres://app:hunter2@db:5432/orders" }],
      ["properties with a space", "spring.datasource.password hunter2"],
    ];
    for (const [what, content] of cases) {
      const message = failure(() => nacos.config("orders", `${what.replace(/\W/g, "-")}.cfg`, content));
      expect([what, message]).toEqual([what, expect.stringContaining("looks like it holds a secret")]);
      expect(message).toContain("Keep secrets in Kubernetes Secrets");
      expect(message).not.toContain("hunter2");
    }
    // Placeholders the app resolves, and names that only mention a secret, are fine.
    expect(failure(() => nacos.config("orders", "ok.yaml", "password: ${DB_PASSWORD}\npasswordMinLength: 12\n"))).toBe("");
    expect(failure(() => nacos.config("orders", "ok.json", { tokenTtlSeconds: "" }))).toBe("");
    expect(failure(() => nacos.config("orders", "ok2.json", { db: { passwordSecretName: "orders-db", url: "https://db.example.com" } }))).toBe("");
  });

  test("with a config entry declared twice with different content, or bad names", () => {
    const nacos = new Nacos();
    platformWith(nacos);
    nacos.config("g", "a.yaml", "x: 1");
    expect(failure(() => nacos.config("g", "a.yaml", "x: 1"))).toBe("");
    expect(failure(() => nacos.config("g", "a.yaml", "x: 2"))).toContain("declared twice in namespace shop-shared with different content");
    expect(failure(() => nacos.config("g g", "a.yaml", "x"))).toContain("a config group must be");
    expect(failure(() => nacos.config("g", "a.yaml", ["x"] as never))).toContain("must be text or an object");
    expect(failure(() => nacos.config("..", "a.yaml", "x"))).toContain("a config group must be");
  });

  test("with a team on the shared namespace, a dotted shared namespace, or MySQL storage without options", () => {
    const nacos = new Nacos();
    const { platform } = platformWith(nacos);
    expect(failure(() => platform.addTeam("sneaky", { namespace: "shop-shared" }))).toContain("team sneaky's namespace is the registry's shared namespace, which every team reads");
    expect(failure(() => platformWith(new Nacos({ sharedNamespace: "a.b" })))).toContain("sharedNamespace must be a DNS-1123 label");
    expect(failure(() => platformWith(new Nacos({ storage: NacosStorage.mysql(undefined as never) }), Profile.DEV, Target.kind()))).toBe("[shop/registry.storage] mysql must be an object (received: undefined). See the option's documentation.");
  });

  test("with a team of another platform", () => {
    const nacos = new Nacos();
    platformWith(nacos);
    const other = new MicroservicePlatform(testApp(), "other", { target: Target.kind(), profile: Profile.DEV, broker: false });
    expect(failure(() => nacos.namespaceOf(other.addTeam("intruders")))).toContain("the registry only takes teams of its own platform");
    expect(failure(() => nacos.config("g", "a", "x", { team: other.defaultTeam }))).toContain("the registry only takes teams of its own platform");
  });

  test("when read before it is installed, and when a platform has two registries or none", () => {
    expect(failure(() => new Nacos().address)).toContain("Nacos is not installed on a platform yet");
    expect(failure(() => platformWith(new Nacos()).platform.addComponent(new Consul()))).toContain('two components have the key "registry" (Nacos and Consul)');
    const bare = new MicroservicePlatform(testApp(), "bare", { target: Target.kind(), profile: Profile.DEV, broker: false });
    expect(failure(() => bare.registry)).toContain("this platform has no service registry");
  });
});

describe("Consul (PRODUCTION)", () => {
  const consul = new Consul();
  const app = testApp();
  const dapr = new DaprRuntime({ enableAllServices: true });
  const platform = new MicroservicePlatform(app, "shop", {
    target: eks(),
    components: [consul, dapr, new Tracing({ storage: TraceStorage.memory({ productionReason: "tests keep no traces at all" }) })],
  });
  const orders = platform.addTeam("orders");
  platform.addService("orders-api", { image: "shop/orders:1.4.2", team: orders, health: { readinessPath: "/ready", livenessPath: "/live" } });
  consul.config("orders-api", "data", "timeout: 5s", { team: orders, format: "yaml" });
  const stacks = synth(app);
  const chart = Object.values<any>(stacks["shop-system"].resource.helm_release).find((r) => r.name === "consul");
  const values = parse(terraformString(chart.values[0]));

  test("the official chart at its pin: 3 servers, ACLs, gossip encryption and TLS (HTTPS only), no second mesh", () => {
    expect(chart).toMatchObject({ chart: "consul", version: "1.9.11", repository: "https://helm.releases.hashicorp.com", namespace: "shop-registry" });
    expect(values.global).toMatchObject({
      name: "consul",
      datacenter: "shop",
      image: "docker.io/hashicorp/consul:1.22.7",
      acls: { manageSystemACLs: true },
      gossipEncryption: { autoGenerate: true },
      tls: { enabled: true, enableAutoEncrypt: true, verify: true, httpsOnly: true },
    });
    expect(values.server).toMatchObject({ replicas: 3, bootstrapExpect: 3, storageClass: "shop-zonal", priorityClassName: "shop-platform-critical", disruptionBudget: { enabled: true, maxUnavailable: 1 } });
    expect(values.connectInject.enabled).toBe(false);
  });

  test("servers request CPU without the chart's 100m CPU limit surviving the merge (a request above its limit is refused)", () => {
    // The chart's values.yaml at v1.9.11 sets server.resources.limits.cpu: 100m; null deletes it in Helm's merge.
    expect(values.server.resources).toEqual({ requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi", cpu: null } });
  });

  test("servers spread one per zone and apart on nodes, given as the YAML text the chart's tpl expects", () => {
    expect(typeof values.server.topologySpreadConstraints).toBe("string");
    expect(parse(values.server.topologySpreadConstraints)[0]).toMatchObject({
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "DoNotSchedule",
      minDomains: 3,
      labelSelector: { matchLabels: { app: "consul", release: "consul", component: "server" } },
    });
    expect(parse(values.server.affinity).podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe("kubernetes.io/hostname");
  });

  test("services get the HTTPS address, the CA and their team's token by reference, in the variables Consul's API clients read", () => {
    const deployment = resourcesOf(stacks["shop-apps"], "kubernetes_deployment_v1").find((d) => d.metadata.name === "orders-api");
    const env = envOf(deployment);
    expect(env).toMatchObject({
      CONSUL_HTTP_ADDR: "consul-server.shop-registry.svc:8501",
      CONSUL_HTTP_SSL: "true",
      CONSUL_CACERT: "/var/run/secrets/registry/ca.crt",
      CONSUL_HTTP_TOKEN: { secret_key_ref: { name: "registry-credentials", key: "token" } },
      CONSUL_KV_PREFIX: "orders/",
    });
    expect(Object.keys(env).filter((k) => k.startsWith("SPRING_CLOUD_CONSUL"))).toEqual([]);
    const volumes = deployment.spec.template.spec.volume;
    expect(volumes.find((v: any) => v.secret?.secret_name === "registry-credentials" && !v.secret.items)).toBeDefined();
  });

  test("Dapr resolves and registers app ids through Consul, its token by Secret reference and the CA mounted into daprd", () => {
    const configuration = resourcesOf(stacks["shop-apps"], "kubernetes_manifest").map((m) => m.manifest).find((m) => m.kind === "Configuration" && m.metadata.namespace === "orders");
    expect(configuration.spec.nameResolution).toEqual({
      component: "consul",
      version: "v1",
      configuration: {
        client: { address: "consul-server.shop-registry.svc:8501", scheme: "https", tlsConfig: { caFile: "/var/run/secrets/registry-sidecar/ca.crt" } },
        selfRegister: true,
        selfDeregister: true,
        queryOptions: { useCache: true, filter: '"DAPR_PORT" in Service.Meta' },
      },
    });
    const deployment = resourcesOf(stacks["shop-apps"], "kubernetes_deployment_v1").find((d) => d.metadata.name === "orders-api");
    const annotations = deployment.spec.template.metadata.annotations;
    expect(annotations["dapr.io/env-from-secret"]).toBe("CONSUL_HTTP_TOKEN=registry-credentials:token");
    expect(annotations["dapr.io/volume-mounts"]).toBe("sidecar-secret-0:/var/run/secrets/registry-sidecar");
    // Consul's servers health-check daprd from outside the pod: it listens on the pod's address (the team's policies still apply).
    expect(annotations["dapr.io/sidecar-listen-addresses"]).toBe("0.0.0.0");
    expect(deployment.spec.template.spec.volume.find((v: any) => v.name === "sidecar-secret-0").secret).toEqual({ secret_name: "registry-credentials", items: [{ key: "ca.crt", path: "ca.crt" }] });
  });

  test("the sync Job runs after the release with the chart's bootstrap token and CA, and knows each team's services", () => {
    const apps = stacks["shop-apps"];
    const job = resourcesOf(apps, "kubernetes_job_v1").find((j) => j.metadata.name === "consul-sync");
    const volumes = job.spec.template.spec.volume.filter((v: any) => v.secret).map((v: any) => v.secret);
    expect(volumes).toEqual([
      { secret_name: "consul-bootstrap-acl-token", items: [{ key: "token", path: "token" }] },
      { secret_name: "consul-ca-cert", items: [{ key: "tls.crt", path: "ca.crt" }] },
    ]);
    const spec = JSON.parse(terraformString(byName(apps, "kubernetes_config_map_v1", "consul-sync").data["spec.json"]));
    expect(spec.url).toBe("https://consul-server.shop-registry.svc:8501");
    expect(spec.teams.find((t: any) => t.namespace === "orders").services).toEqual(["orders-api"]);
    expect(spec.configs).toEqual([{ namespace: "orders", group: "orders-api", dataId: "data", format: "yaml", content: "timeout: 5s" }]);
  });

  test("the servers reach daprd's HTTP port in each team namespace (the registrations' health checks), nothing else", () => {
    const checks = resourcesOf(stacks["shop-apps"], "kubernetes_network_policy_v1").filter((p) => p.metadata.name === "consul-health-checks");
    expect(checks.map((p) => p.metadata.namespace)).toEqual(["orders"]);
    expect(checks[0].spec.ingress).toEqual([
      { from: [{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "shop-registry" } }, pod_selector: { match_labels: { app: "consul", release: "consul", component: "server" } } }], ports: [{ port: "3500", protocol: "TCP" }] },
    ]);
  });

  test("only the HTTPS and TLS gRPC ports are open to the platform's namespaces", () => {
    const clients = resourcesOf(stacks["shop-base"], "kubernetes_network_policy_v1").find((p) => p.metadata.name === "consul-clients");
    expect(clients.spec.ingress[0].ports.map((p: any) => p.port)).toEqual(["8501", "8502"]);
  });
});

describe("Consul fails", () => {
  test("with an even number of servers in PRODUCTION", () => {
    expect(failure(() => platformWith(new Consul({ servers: 4 })))).toBe(
      "[shop/registry] Consul servers must be odd: Raft needs a majority, so 4 servers survive no more failures than 3 (received: 4). Use 3 or 5.",
    );
    expect(failure(() => platformWith(new Consul({ servers: 1 })))).toContain("Consul needs at least 3 servers (one per zone)");
  });

  test("when its values turn ACLs, gossip encryption or TLS off", () => {
    expect(failure(() => platformWith(new Consul({ values: { global: { acls: { manageSystemACLs: false } } } })))).toContain("global.acls.manageSystemACLs cannot be turned off");
    expect(failure(() => platformWith(new Consul({ values: { global: { tls: { httpsOnly: false } } } })))).toContain("global.tls.httpsOnly cannot be turned off");
  });
});
