import { App, Testing, TerraformStack } from "cdktf";
import { parse } from "yaml";
import {
  Broker, BrokerOptions, MicroservicePlatform, Mirror, OffloadCredentials, OffloadStore, Profile, Protocol, Target,
} from "../lib";
import { BLUEPRINTS } from "../stacks/blueprints";
import { resourcesOf, stackNames, testApp } from "./helpers";

const eks = () => Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"] });
const MQTT = Protocol.mqtt({ handlerImage: "registry.example.com/pulsar/mqtt-handler:4.0.10.1" });

function build(broker: BrokerOptions = {}, profile = Profile.PRODUCTION, target = eks(), mirror?: Mirror) {
  const app = testApp();
  const platform = new MicroservicePlatform(app, "shop", { target, profile, broker, mirror });
  return { app, platform };
}

function synth(app: App): Record<string, any> {
  return Object.fromEntries(stackNames(app).map((n) => [n, JSON.parse(Testing.synth(app.node.findChild(n) as TerraformStack, true))]));
}

function releases(stacks: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const stack of Object.values(stacks)) for (const r of Object.values<any>(stack.resource?.helm_release ?? {})) out[r.name] = r;
  return out;
}
const pulsarValues = (stacks: Record<string, any>) => parse(releases(stacks).pulsar.values[0]);

describe("Broker in PRODUCTION (3 zones)", () => {
  const { app, platform } = build({ protocols: [MQTT] });
  const stacks = synth(app);
  const v = pulsarValues(stacks);

  test("runs without ZooKeeper: Oxia with 3 servers, one per zone, replication factor 3", () => {
    expect(v.components).toMatchObject({ zookeeper: false, oxia: true, bookkeeper: true, broker: true, proxy: true, autorecovery: true });
    expect(v.oxia.replicationFactor).toBe(3);
    expect(v.oxia.server.replicas).toBe(3);
    expect(v.oxia.server.topologySpreadConstraints[0]).toMatchObject({ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", minDomains: 3, maxSkew: 1 });
    expect(v.oxia.server.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual({ app: "pulsar", release: "pulsar", component: "oxia-server" });
    expect(v.oxia.server.storageClassName).toBe("shop-zonal");
    // the chart has no PDB for Oxia: the platform adds one
    const pdb = resourcesOf(stacks["shop-base"], "kubernetes_pod_disruption_budget_v1").find((p) => p.metadata.name === "pulsar-oxia-server");
    expect(pdb.spec).toEqual({ max_unavailable: "1", selector: { match_labels: { app: "pulsar", release: "pulsar", component: "oxia-server" } } });
  });

  test("keeps every acknowledged entry in two zones: 2 bookies per zone, E/Qw/Qa 3/3/2, racks enforced", () => {
    expect(v.bookkeeper.replicaCount).toBe(6);
    expect(v.bookkeeper.topologySpreadConstraints[0]).toMatchObject({ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", minDomains: 3 });
    expect(v.bookkeeper.affinity).toEqual({ anti_affinity: true, type: "requiredDuringSchedulingIgnoredDuringExecution", anti_affinity_topology_key: "kubernetes.io/hostname" });
    expect(v.bookkeeper.pdb).toEqual({ usePolicy: true, maxUnavailable: 1 });
    expect(v.bookkeeper.volumes.journal.storageClassName).toBe("shop-zonal");
    expect(v.broker.configData).toMatchObject({
      managedLedgerDefaultEnsembleSize: "3",
      managedLedgerDefaultWriteQuorum: "3",
      managedLedgerDefaultAckQuorum: "2",
      PULSAR_PREFIX_bookkeeperClientRackawarePolicyEnabled: "true",
      PULSAR_PREFIX_bookkeeperClientMinNumRacksPerWriteQuorum: "2",
      PULSAR_PREFIX_bookkeeperClientEnforceMinNumRacksPerWriteQuorum: "true",
    });
  });

  test("autorecovery resolves each bookie's zone from the node labels itself, best effort, with the right to read them", () => {
    expect(v.autorecovery.configData).toMatchObject({
      PULSAR_PREFIX_ensemblePlacementPolicy: "org.apache.bookkeeper.client.RackawareEnsemblePlacementPolicy",
      PULSAR_PREFIX_reppDnsResolverClass: "org.apache.bookkeeper.net.ScriptBasedMapping",
      PULSAR_PREFIX_networkTopologyScriptFileName: "/pulsar/rack/zone-of.py",
      PULSAR_PREFIX_minNumRacksPerWriteQuorum: "2",
      PULSAR_PREFIX_enforceMinNumRacksPerWriteQuorum: "false",
    });
    expect(v.autorecovery.extraVolumes).toEqual([{ name: "rack-script", configMap: { name: "pulsar-rack-script", defaultMode: 0o555 } }]);
    expect(v.autorecovery.extraVolumeMounts).toEqual([{ name: "rack-script", mountPath: "/pulsar/rack", readOnly: true }]);
    const base = stacks["shop-base"];
    const script = resourcesOf(base, "kubernetes_config_map_v1").find((c) => c.metadata.name === "pulsar-rack-script");
    expect(script.data["zone-of.py"]).toContain('BOOKIE_SELECTOR = "app=pulsar,release=pulsar,component=bookie"');
    const subjects = resourcesOf(base, "kubernetes_role_binding_v1").concat(resourcesOf(base, "kubernetes_cluster_role_binding_v1")).map((b) => b.subject);
    expect(subjects).toEqual([[{ kind: "ServiceAccount", name: "pulsar-recovery", namespace: "shop-pulsar" }], [{ kind: "ServiceAccount", name: "pulsar-recovery", namespace: "shop-pulsar" }]]);
    expect(resourcesOf(base, "kubernetes_cluster_role_v1")[0].rule).toEqual([{ api_groups: [""], resources: ["nodes"], verbs: ["get"] }]);
  });

  test("only the broker's own namespace reaches every port; the platform's namespaces get the TLS client ports", () => {
    const policies = resourcesOf(stacks["shop-base"], "kubernetes_network_policy_v1").filter((p) => p.metadata.namespace === "shop-pulsar" || String(p.metadata.namespace).includes("broker_Namespace"));
    const defaultIngress = policies.find((p) => p.metadata.name === "default-ingress");
    expect(defaultIngress.spec.ingress).toEqual([{ from: [{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "shop-pulsar" } } }] }]);
    const clients = policies.find((p) => p.metadata.name === "pulsar-clients");
    expect(clients.spec.ingress[0].ports.map((p: any) => p.port)).toEqual(["6651", "8443", "1883"]);
  });

  test("the chart's init containers get resources; broker and bookie pods run non-root with RuntimeDefault seccomp", () => {
    expect(v.initContainer.resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } });
    for (const part of ["broker", "bookkeeper"]) {
      expect(v[part].securityContext).toEqual({ fsGroup: 0, fsGroupChangePolicy: "OnRootMismatch", runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    }
    expect(v.oxia.server.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
  });

  test("registers each bookie's rack from its node's zone, again whenever the bookie count changes", () => {
    const apps = stacks["shop-apps"];
    const [config] = resourcesOf(apps, "kubernetes_config_map_v1").filter((c) => c.metadata.name === "pulsar-sync");
    const spec = JSON.parse(config.data["spec.json"]);
    expect(spec.racks).toEqual({ namespace: "shop-pulsar", bookies: 6, bookieSelector: "app=pulsar,release=pulsar,component=bookie", zoneLabel: "topology.kubernetes.io/zone" });
    expect(spec.adminUrl).toBe("https://pulsar-broker.shop-pulsar.svc.cluster.local:8443");
    expect(config.data["sync.py"]).toContain("/admin/v2/bookies/racks-info/");
    expect(resourcesOf(apps, "kubernetes_job_v1")[0].wait_for_completion).toBe("${var.wait_for_rollout}");
    const revision = (bookies: number) => {
      const { app: a } = build({ bookies });
      return resourcesOf(synth(a)["shop-apps"], "kubernetes_job_v1")[0].metadata.annotations["platform.cdktf.io/revision"];
    };
    expect(revision(9)).not.toBe(revision(6));
    expect(resourcesOf(apps, "kubernetes_cluster_role_v1")[0].rule).toEqual([{ api_groups: [""], resources: ["nodes"], verbs: ["get"] }]);
  });

  test("brokers and proxies: 3 each, spread hard over zones, PDBs, on the platform priority", () => {
    for (const part of ["broker", "proxy"]) {
      expect(v[part].replicaCount).toBe(3);
      expect(v[part].pdb).toEqual({ usePolicy: true, maxUnavailable: 1 });
      // Hard, so a zone holds at most its share: losing one leaves two of three serving (zone analysis).
      expect(v[part].topologySpreadConstraints[0]).toMatchObject({ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", minDomains: 3 });
      expect(v[part].priorityClassName).toBe("shop-platform-critical");
    }
  });

  test("JWT authentication, authorization and TLS, with cert-manager installed first; no bundled metrics stack", () => {
    expect(v.auth).toEqual({ authentication: { enabled: true, jwt: { enabled: true, usingSecretKey: true, generateSecrets: { enabled: true } } }, authorization: { enabled: true } });
    expect(v.tls).toEqual({ enabled: true, broker: { enabled: true }, proxy: { enabled: true }, bookie: { enabled: true } });
    expect(v.certs.internal_issuer.enabled).toBe(true);
    expect(v["victoria-metrics-k8s-stack"].enabled).toBe(false);
    const rel = releases(stacks);
    expect(rel.pulsar.depends_on).toEqual([expect.stringMatching(/^helm_release\.cert-manager_Chart/)]);
    const certManager = parse(rel["cert-manager"].values[0]);
    expect(certManager.crds).toEqual({ enabled: true, keep: true });
    // the API server reaches the webhook through the namespace's default-deny
    const webhookPolicy = resourcesOf(stacks["shop-base"], "kubernetes_network_policy_v1").find((p) => p.metadata.name === "cert-manager-webhook");
    expect(webhookPolicy.spec.ingress[0].ports).toEqual([{ port: String(certManager.webhook.securePort), protocol: "TCP" }]);
    expect(platform.broker.pulsarUrl).toBe("pulsar+ssl://pulsar-broker.shop-pulsar.svc.cluster.local:6651");
  });

  test("MQTT: handler NAR copied by an init container, listener configured, Service port and typed endpoint", () => {
    expect(v.broker.configData).toMatchObject({
      PULSAR_PREFIX_messagingProtocols: "mqtt",
      PULSAR_PREFIX_protocolHandlerDirectory: "/pulsar/protocols",
      PULSAR_PREFIX_mqttListeners: "mqtt://0.0.0.0:1883",
      // MoP lets anonymous clients in unless its own authentication is on
      PULSAR_PREFIX_mqttAuthenticationEnabled: "true",
      PULSAR_PREFIX_mqttAuthenticationMethods: "token",
      PULSAR_PREFIX_mqttAuthorizationEnabled: "true",
    });
    expect(v.broker.initContainers[0]).toMatchObject({ image: "registry.example.com/pulsar/mqtt-handler:4.0.10.1", command: ["sh", "-c", "cp /protocols/*.nar /pulsar/protocols/"] });
    expect(v.broker.extraVolumeMounts).toEqual([{ name: "protocol-handlers", mountPath: "/pulsar/protocols" }]);
    const [svc] = resourcesOf(stacks["shop-base"], "kubernetes_service_v1");
    expect(svc.spec.port).toEqual([{ name: "mqtt", port: 1883, target_port: "1883", protocol: "TCP" }]);
    expect(svc.spec.selector).toEqual({ app: "pulsar", release: "pulsar", component: "broker" });
    expect(platform.broker.mqttEndpoint).toBe("mqtt://pulsar-protocols.shop-pulsar.svc.cluster.local:1883");
    expect(() => platform.broker.kafkaBootstrap).toThrow('[shop/broker] the broker does not speak kafka (received: ["mqtt"]). Add Protocol.kafka({ handlerImage: ... }) to the broker\'s protocols.');
  });

  test("MQTT: a connected service gets the endpoint and its own token as the MQTT password, by reference; no Kafka variables", () => {
    const { app: a, platform: p } = build({ protocols: [MQTT] });
    const sensor = p.addService("sensor", { image: "shop/sensor:1.0.0" });
    p.broker.topic("readings").grantProduce(sensor);
    const deployment = resourcesOf(synth(a)["shop-apps"], "kubernetes_deployment_v1").find((d) => d.metadata.name === "sensor");
    const env = Object.fromEntries(deployment.spec.template.spec.container[0].env.map((e: any) => [e.name, e.value ?? e.value_from.secret_key_ref]));
    expect(env).toMatchObject({
      MQTT_URL: "mqtt://pulsar-protocols.shop-pulsar.svc.cluster.local:1883",
      MQTT_USERNAME: "shop-apps.sensor",
      MQTT_PASSWORD: { name: "sensor-pulsar", key: "token" },
    });
    expect(Object.keys(env).filter((k) => k.includes("KAFKA"))).toEqual([]);
  });

  test("the namespace enforces baseline (the chart sets no container security), clients reach brokers on their ports only", () => {
    const base = stacks["shop-base"];
    const ns = resourcesOf(base, "kubernetes_namespace_v1").find((n) => n.metadata.name === "shop-pulsar");
    expect(ns.metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" });
    const policy = resourcesOf(base, "kubernetes_network_policy_v1").find((p) => p.metadata.name === "pulsar-clients");
    expect(policy.spec.ingress[0].ports.map((p: any) => p.port)).toEqual(["6651", "8443", "1883"]);
  });
});

describe("Broker in small profiles", () => {
  test("DEV: one of everything, quorums of 1, no TLS and no cert-manager, no rack mapping", () => {
    const { app } = build({}, Profile.DEV, Target.kind());
    const stacks = synth(app);
    const v = pulsarValues(stacks);
    expect([v.bookkeeper.replicaCount, v.broker.replicaCount, v.proxy.replicaCount, v.oxia.server.replicas, v.oxia.replicationFactor]).toEqual([1, 1, 1, 1, 1]);
    expect(v.broker.configData).toMatchObject({ managedLedgerDefaultEnsembleSize: "1", managedLedgerDefaultWriteQuorum: "1", managedLedgerDefaultAckQuorum: "1" });
    expect(v.tls).toBeUndefined();
    expect(v.auth.authentication.enabled).toBe(true);
    expect(Object.keys(releases(stacks))).toEqual(["pulsar"]);
    const cfg = resourcesOf(stacks["shop-apps"], "kubernetes_config_map_v1").find((c) => c.metadata.name === "pulsar-sync");
    expect(JSON.parse(cfg.data["spec.json"]).racks).toBeUndefined();
    expect(resourcesOf(stacks["shop-apps"], "kubernetes_cluster_role_v1")).toEqual([]);
  });

  test("EDGE: one node, no proxy, no autorecovery, no anti-affinity, the smallest sizes", () => {
    const { app, platform } = build({}, Profile.EDGE, Target.k3s());
    const v = pulsarValues(synth(app));
    expect(v.components).toMatchObject({ proxy: false, autorecovery: false, toolset: false });
    expect(v.affinity.anti_affinity).toBe(false);
    expect(v.bookkeeper.topologySpreadConstraints).toEqual([]);
    expect(v.broker.resources.limits.memory).toBe("768Mi");
    expect(platform.broker.adminUrl).toBe("http://pulsar-broker.shop-pulsar.svc.cluster.local:8080");
  });
});

describe("Broker tiered storage", () => {
  const render = (offload: OffloadStore, target = eks(), profile = Profile.PRODUCTION) => {
    const { app } = build({ offload }, profile, target);
    const stacks = synth(app);
    return { stacks, v: pulsarValues(stacks), json: JSON.stringify(stacks) };
  };

  test("S3 with a Secret: driver, bucket, region, threshold, lag; keys by secretKeyRef", () => {
    const { v } = render(OffloadStore.s3("shop-offload", { credentials: OffloadCredentials.fromSecret("s3-keys") }));
    expect(v.broker.configData).toMatchObject({
      PULSAR_PREFIX_managedLedgerOffloadDriver: "aws-s3",
      PULSAR_PREFIX_managedLedgerOffloadBucket: "shop-offload",
      PULSAR_PREFIX_managedLedgerOffloadRegion: "eu-west-1",
      PULSAR_PREFIX_managedLedgerOffloadThresholdInBytes: String(10 * 1024 ** 3),
      PULSAR_PREFIX_managedLedgerOffloadDeletionLagMs: "14400000",
    });
    expect(v.broker.extraEnvs).toEqual([
      { name: "AWS_ACCESS_KEY_ID", valueFrom: { secretKeyRef: { name: "s3-keys", key: "AWS_ACCESS_KEY_ID" } } },
      { name: "AWS_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: { name: "s3-keys", key: "AWS_SECRET_ACCESS_KEY" } } },
    ]);
  });

  test("S3 with workload identity: the IRSA role on the brokers' ServiceAccount, no key", () => {
    const { v } = render(OffloadStore.s3("shop-offload", { credentials: OffloadCredentials.workloadIdentity("arn:aws:iam::111122223333:role/x") }));
    expect(v.broker.service_account.annotations).toEqual({ "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/x" });
    expect(v.broker.extraEnvs).toBeUndefined();
  });

  test("GCS mounts the service-account key file from the Secret", () => {
    const { v } = render(OffloadStore.gcs("shop-offload", { credentials: OffloadCredentials.fromSecret("gcs-key") }), Target.gke({ region: "europe-west1", zones: ["b", "c", "d"] }));
    expect(v.broker.configData).toMatchObject({ PULSAR_PREFIX_managedLedgerOffloadDriver: "google-cloud-storage", PULSAR_PREFIX_gcsManagedLedgerOffloadServiceAccountKeyFile: "/pulsar/gcs/key.json" });
    expect(v.broker.extraVolumes).toEqual([{ name: "gcs-key", secret: { secretName: "gcs-key" } }]);
  });

  test("Azure Blob reads the account and key the driver expects", () => {
    const { v } = render(OffloadStore.azureBlob("offload", { credentials: OffloadCredentials.fromSecret("az") }), Target.aks({ region: "westeurope", zones: ["1", "2", "3"] }));
    expect(v.broker.configData.PULSAR_PREFIX_managedLedgerOffloadDriver).toBe("azureblob");
    expect(v.broker.extraEnvs.map((e: any) => e.name)).toEqual(["AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_ACCESS_KEY"]);
  });

  test("Tencent COS and MinIO go through the S3 driver with their endpoints", () => {
    const cos = render(OffloadStore.tencentCos("offload-125", { credentials: OffloadCredentials.fromSecret("cos") }), Target.tke({ region: "ap-guangzhou", zones: ["3", "4", "6"] })).v;
    expect(cos.broker.configData).toMatchObject({ PULSAR_PREFIX_managedLedgerOffloadDriver: "aws-s3", PULSAR_PREFIX_managedLedgerOffloadServiceEndpoint: "https://cos.ap-guangzhou.myqcloud.com" });
    const minio = render(OffloadStore.minio("offload", { endpoint: "http://minio.storage.svc:9000", credentials: OffloadCredentials.fromSecret("minio") }), Target.k3s(), Profile.EDGE).v;
    expect(minio.broker.configData).toMatchObject({ PULSAR_PREFIX_managedLedgerOffloadDriver: "aws-s3", PULSAR_PREFIX_managedLedgerOffloadServiceEndpoint: "http://minio.storage.svc:9000" });
  });

  test("a filesystem store on one node: a claim on the platform's storage class and a Hadoop profile", () => {
    const { stacks, v } = render(OffloadStore.filesystem({ size: "5Gi" }), Target.k3s(), Profile.EDGE);
    expect(v.broker.configData).toMatchObject({ PULSAR_PREFIX_managedLedgerOffloadDriver: "filesystem", PULSAR_PREFIX_fileSystemURI: "file:///", PULSAR_PREFIX_fileSystemProfilePath: "/pulsar/conf/offload/core-site.xml" });
    const [claim] = resourcesOf(stacks["shop-base"], "kubernetes_persistent_volume_claim_v1");
    expect(claim.spec).toMatchObject({ storage_class_name: "shop-zonal", resources: { requests: { storage: "5Gi" } } });
    const profile = resourcesOf(stacks["shop-base"], "kubernetes_config_map_v1").find((c) => c.metadata.name === "pulsar-offload-profile");
    expect(profile.data["core-site.xml"]).toContain("<name>hadoop.tmp.dir</name><value>/pulsar/offload</value>");
  });

  test("keys from sensitive stack variables never appear in the synthesized JSON", () => {
    const { stacks, json } = render(OffloadStore.s3("shop-offload", { credentials: OffloadCredentials.fromStackVariables() }));
    const base = stacks["shop-base"];
    expect(base.variable.offload_credential_id).toMatchObject({ sensitive: true, type: "string" });
    expect(base.variable.offload_credential_secret.default).toBeUndefined();
    const [secret] = resourcesOf(base, "kubernetes_secret_v1");
    expect(secret.data).toEqual({ id: "${var.offload_credential_id}", secret: "${var.offload_credential_secret}" });
    expect(json).not.toMatch(/AKIA/);
  });

  test("fails if offload credentials are given as a literal, without echoing them", () => {
    const literal = { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "very-secret" } as any;
    expect(() => build({ offload: OffloadStore.s3("shop-offload", { credentials: literal }) })).toThrow(
      '[shop/broker/OffloadStore.s3] credentials must be a reference, never a literal key (it would be written into the Terraform state and the synthesized JSON) (received: {"accessKeyId":"<redacted>","secretAccessKey":"<redacted>"}). Use OffloadCredentials.fromSecret("<existing secret>") or OffloadCredentials.workloadIdentity("<role or service account>").',
    );
  });

  test("fails if several brokers would share a ReadWriteOnce filesystem claim, or Azure is given an identity", () => {
    expect(() => build({ offload: OffloadStore.filesystem() })).toThrow(/a filesystem store needs a volume every broker can mount, but 3 brokers would share a ReadWriteOnce claim/);
    expect(() => build({ offload: OffloadStore.filesystem({ existingClaim: "nfs-offload" }) })).not.toThrow();
    expect(() => build({ offload: OffloadStore.azureBlob("container1", { credentials: OffloadCredentials.workloadIdentity("id") }) }, Profile.PRODUCTION, Target.aks({ region: "westeurope", zones: ["1", "2", "3"] }))).toThrow(
      /Pulsar's azureblob driver reads only keys, not workload identities/,
    );
  });
});

describe("Broker bad input", () => {
  test("fails if the chart's own broker or proxy autoscaler could shrink below the topology (it is their one autoscaler)", () => {
    expect(() => build({ values: { broker: { autoscaling: { enabled: true, minReplicas: 1, maxReplicas: 6 } } } })).toThrow(
      "[shop/broker] the chart's broker autoscaler must keep at least the topology's 3 brokers (minReplicas), which the zone spread and disruption budget are planned for (received: 1). Set values.broker.autoscaling.minReplicas to 3 or more, or lower brokers in the broker options.",
    );
    expect(() => build({ values: { proxy: { autoscaling: { enabled: true } } } })).toThrow(/proxy autoscaler must keep at least the topology's 3 proxies .*received: "proxy.autoscaling without minReplicas"/);
    expect(() => build({ values: { broker: { autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 9 } } } })).not.toThrow();
  });

  test("fails if the ensemble is smaller than the write quorum", () => {
    expect(() => build({ ensembleSize: 2, writeQuorum: 3, ackQuorum: 2 })).toThrow(
      "[shop/broker] ensembleSize (E=2) must be >= writeQuorum (Qw=3): each entry is written to Qw of the E bookies (received: 2). Raise ensembleSize to 3 or lower writeQuorum.",
    );
  });

  test("fails if the ack quorum exceeds the write quorum", () => {
    expect(() => build({ ensembleSize: 3, writeQuorum: 2, ackQuorum: 3 }, Profile.DEV, Target.kind())).toThrow(
      /\[shop\/broker\] ackQuorum \(Qa=3\) must be <= writeQuorum \(Qw=2\)/,
    );
  });

  test("fails on an even number of Oxia servers in PRODUCTION", () => {
    expect(() => build({ metadataReplicas: 4 })).toThrow(/\[shop\/broker\] metadataReplicas must be odd: Oxia keeps a majority, and 4 servers survive no more failures than 3 \(received: 4\)/);
  });

  test("fails with fewer than 2 bookies per zone in PRODUCTION", () => {
    expect(() => build({ bookies: 5 })).toThrow(
      "[shop/broker] a 3-zone broker needs at least 2 bookies per zone (6), so that after losing a zone enough bookies remain for an ensemble (received: 5). Use bookies: 6 or more.",
    );
  });

  test("fails on Kafka without a handler image, saying what would work", () => {
    expect(() => build({ protocols: [Protocol.KAFKA] })).toThrow(
      /\[shop\/broker\] Kafka needs a protocol handler image: .* streamnative\/kop \(archived 2024-01\) is not maintained; its last release is 3\.1\.1\.1 \(received: "Protocol.KAFKA"\)\. Build an image holding the handler's NAR built for Pulsar 4\.0/,
    );
  });

  test("fails on Kafka's last release (built for Pulsar 3.1) against Pulsar 4.0", () => {
    expect(() => build({ protocols: [Protocol.kafka({ handlerImage: "registry.example.com/kop:3.1.1.1" })] })).toThrow(
      '[shop/broker] the Kafka handler 3.1.1.1 is built for Pulsar 3.1, but the broker runs Pulsar 4.0.12; a handler only loads into the Pulsar line it was built for (received: "registry.example.com/kop:3.1.1.1"). streamnative/kop (archived 2024-01) has no release for Pulsar 4.0: build the handler from source against Pulsar 4.0.12 and tag it 4.0.x.y, or drop Kafka.',
    );
    expect(() => build({ protocols: [Protocol.kafka({ handlerImage: "registry.example.com/kop:4.0.12.1" })] })).not.toThrow();
  });

  test("fails on a protocol listed twice, or an unknown option", () => {
    expect(() => build({ protocols: [MQTT, MQTT] })).toThrow(/protocol MQTT is listed twice/);
    expect(() => build({ bookie: 6 } as any)).toThrow(/\[shop\] broker has an unknown option "bookie" \(received: "bookie"\)\. Known options are: protocols, offload, .*bookies/);
  });
});

describe("tenants, namespaces and topics", () => {
  test("are declared in code and handed to the sync job, whose revision follows them", () => {
    const specOf = (withTopic: boolean) => {
      const { app, platform } = build({}, Profile.DEV, Target.kind());
      const ns = platform.broker.addTenant("shop", { adminRoles: ["shop-admin"] }).addNamespace("orders", { retention: { minutes: 60, sizeMb: 100 }, offloadThresholdBytes: 0 });
      ns.addTopic("placed", { partitions: 3 });
      if (withTopic) platform.broker.topic("audit");
      const apps = synth(app)["shop-apps"];
      const cfg = resourcesOf(apps, "kubernetes_config_map_v1").find((c) => c.metadata.name === "pulsar-sync");
      return { spec: JSON.parse(cfg.data["spec.json"]), revision: resourcesOf(apps, "kubernetes_job_v1")[0].metadata.annotations["platform.cdktf.io/revision"] };
    };
    const a = specOf(false);
    expect(a.spec.tenants).toEqual([
      { name: "shop", adminRoles: ["shop-admin"], namespaces: [{ name: "orders", retention: { retentionTimeInMinutes: 60, retentionSizeInMB: 100 }, offloadThresholdBytes: 0, topics: [{ name: "placed", partitions: 3 }] }] },
    ]);
    const b = specOf(true);
    expect(b.spec.tenants[1]).toEqual({ name: "public", adminRoles: [], namespaces: [{ name: "default", topics: [{ name: "audit", partitions: 0 }] }] });
    expect(b.revision).not.toBe(a.revision);
  });

  test("fail on bad names and shrinking redeclarations", () => {
    const { platform } = build({}, Profile.DEV, Target.kind());
    const ns = platform.broker.addTenant("shop").addNamespace("orders");
    expect(ns.addTopic("placed").fullName).toBe("persistent://shop/orders/placed");
    expect(() => ns.addTopic("placed", { partitions: 2 })).toThrow(/topic "placed" is declared twice with different partitions/);
    expect(() => ns.addTopic("bad/name")).toThrow(/the topic name may hold letters/);
  });
});

test("Broker is exported for users who compose their own platform", () => {
  expect(typeof Broker).toBe("function");
});
