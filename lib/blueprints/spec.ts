import { Static, TObject, TOptional, TProperties, TSchema, Type } from "@sinclair/typebox";
import { bool, dnsSubdomain, list, optional, options, str, text } from "../schemas/kit";
import {
  BrokerOptions, CloudTargetOptions, ClusterEndpointOptions, GkeTargetOptions, KubeconfigOptions, LocalTargetOptions, MirrorOptions, PlatformProps, ProfileOverrides, ProtocolHandlerOptions, TkeTargetOptions,
} from "../schemas/platform";
import { ExposeOptions, ServiceOptions, TeamOptions } from "../schemas/workloads";
import { PulsarNamespaceOptions, TenantOptions, TopicOptions } from "../schemas/broker";
import {
  AutoscaleOptions, CertManagerOptions, ConfigEntryOptions, ConsulOptions, CronTriggerOptions, DaprRuntimeOptions, DaprServiceOptions, DaprSubscribeOptions, DaprTeamComponentOptions, ExternalBrokerOptions,
  FilesystemOffloadOptions, HttpTriggerOptions, KafkaLagOptions, KedaOptions, MinioOptions, NacosMysqlOptions, NacosOptions, ObjectStoreOptions, PrometheusTriggerOptions, PulsarBacklogOptions, SearchStoreOptions,
  TracingOptions, UtilizationOptions,
} from "../schemas/components";

/**
 * The platform spec: a blueprint as data (YAML or JSON). It reuses the options schemas of
 * lib/schemas for every options object; only where the TypeScript API takes an instance (a
 * Target, a Profile, a component, a trigger, an offload store) does the file say which one by a
 * single key (`target: { eks: {...} }`, `- http: {}`), and where it takes a topic, team or service
 * object, the file names it.
 *
 * This module loads TypeBox: only the schema generator, the tests and a failing spec load it
 * (valid specs are checked by lib/generated/spec-validator.ts).
 */

/** Keys that are names of objects (services, teams): a DNS-1123 label. */
const LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
/** A Pulsar tenant, namespace or topic name. */
const PULSAR_NAME = "[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}";
/** A key of a Secret. */
const secretKey = (example: string) => text("^[-._a-zA-Z0-9]+$", example, 253, "a Secret key (letters, digits, '-', '_', '.')");

function omit<T extends TProperties, K extends keyof T & string>(properties: T, ...keys: K[]): Omit<T, K> {
  return Object.fromEntries(Object.entries(properties).filter(([k]) => !keys.includes(k as K))) as Omit<T, K>;
}

/** An object with exactly one of the listed keys: which factory, store or trigger, and its options. */
function oneOf<T extends TProperties>(choices: T, example: Record<string, unknown>, what: string) {
  const optionalChoices = Object.fromEntries(Object.entries(choices).map(([k, v]) => [k, optional(v)])) as { [K in keyof T]: TOptional<T[K]> };
  return Type.Object(optionalChoices, {
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    description: `${what}: exactly one of ${Object.keys(choices).join(", ")}`,
    examples: [example],
  });
}

/** A declaration whose options are all optional: a key left empty in YAML (`dapr:`) is null, and means its defaults, as `{}` does. */
function orEmpty<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()], { description: "its options (a map), or nothing for its defaults", examples: [{}] });
}

/** A map whose keys are names matching `pattern` (other keys are refused). */
function named<T extends TSchema>(pattern: string, value: T, what: string, example: Record<string, unknown>) {
  return Type.Record(Type.String({ pattern }), value, { additionalProperties: false, description: `${what} by name`, examples: [example] });
}

/** How the providers reach the cluster (`KubernetesConnection.kubeconfig/cluster`). */
const Connection = oneOf({ kubeconfig: KubeconfigOptions, cluster: ClusterEndpointOptions }, { kubeconfig: { context: "prod" } }, "how the providers reach the cluster");

const withConnection = <T extends TObject>(schema: T) => options({ ...omit(schema.properties, "connection"), connection: optional(Connection) });
const cloud = withConnection(CloudTargetOptions);
const local = withConnection(LocalTargetOptions);

/** `Target.eks/gke/aks/tke/ack/k3s/kind(options)`. */
export const TargetSpec = oneOf(
  { eks: cloud, gke: withConnection(GkeTargetOptions), aks: cloud, tke: withConnection(TkeTargetOptions), ack: cloud, k3s: local, kind: local },
  { eks: { region: "eu-west-1", zones: ["a", "b", "c"] } },
  "where the platform runs",
);

const PROFILES = ["production", "dev", "edge"] as const;
/** `Profile.PRODUCTION` or `Profile.PRODUCTION.with({...})`. */
export const ProfileSpec = Type.Union(
  [
    ...PROFILES.map((p) => Type.Literal(p)),
    oneOf({ production: ProfileOverrides, dev: ProfileOverrides, edge: ProfileOverrides }, { production: { statelessReplicas: 5 } }, "a profile with overrides"),
  ],
  { description: 'production, dev or edge, or one of them with overrides ({ production: { statelessReplicas: 5 } })', examples: ["production"] },
);

/** `OffloadCredentials.fromStackVariables()`, `.fromSecret(name, keys)`, `.workloadIdentity(identity)`. */
const Credentials = Type.Union(
  [
    Type.Literal("fromStackVariables"),
    oneOf(
      {
        fromSecret: options({ secretName: dnsSubdomain("offload-keys"), idKey: optional(secretKey("id")), secretKey: optional(secretKey("secret")) }),
        workloadIdentity: str("arn:aws:iam::111122223333:role/pulsar-offload", 2048),
      },
      { workloadIdentity: "arn:aws:iam::111122223333:role/pulsar-offload" },
      "how the brokers authenticate to the store",
    ),
  ],
  { description: 'fromStackVariables, { fromSecret: { secretName } } or { workloadIdentity: "..." }', examples: ["fromStackVariables"] },
);

const bucket = str("platform-pulsar-offload", 255);
const objectStore = options({ bucket, ...omit(ObjectStoreOptions.properties, "credentials"), credentials: Credentials });

/** `OffloadStore.s3/gcs/azureBlob/tencentCos/aliyunOss/minio/filesystem(...)`. */
export const OffloadSpec = oneOf(
  {
    s3: objectStore,
    gcs: objectStore,
    azureBlob: objectStore,
    tencentCos: objectStore,
    aliyunOss: objectStore,
    minio: options({ bucket, ...omit(MinioOptions.properties, "credentials"), credentials: Credentials }),
    filesystem: FilesystemOffloadOptions,
  },
  { s3: { bucket: "platform-pulsar-offload", credentials: "fromStackVariables" } },
  "where cold ledgers go",
);

/** `Protocol.kafka/mqtt/amqp/rocketmq(options)`. */
const ProtocolSpec = oneOf(
  { kafka: ProtocolHandlerOptions, mqtt: ProtocolHandlerOptions, amqp: ProtocolHandlerOptions, rocketmq: ProtocolHandlerOptions },
  { mqtt: { handlerImage: "registry.example.com/pulsar/mqtt-handler:4.0.10.1" } },
  "a protocol handler",
);

/** The broker shortcut's options, or false for none (then name an externalBroker in components). */
export const BrokerSpec = Type.Union(
  [Type.Literal(false), options({ ...omit(BrokerOptions.properties, "protocols", "offload"), protocols: optional(list(ProtocolSpec, [{ mqtt: { handlerImage: "registry.example.com/pulsar/mqtt-handler:4.0.10.1" } }], 4)), offload: optional(OffloadSpec) })],
  { description: "the broker's options, or false for none", examples: [{ bookies: 6 }] },
);

/** `TraceStorage.memory/elasticsearch/opensearch(...)`. */
const TraceStorageSpec = oneOf(
  { memory: options({ productionReason: optional(str("demo platform: traces are kept for inspection only", 1024)) }), elasticsearch: SearchStoreOptions, opensearch: SearchStoreOptions },
  { elasticsearch: { urls: ["https://es.logging:9200"], username: "jaeger", password: { secretName: "jaeger-es", key: "password" } } },
  "where Jaeger keeps traces",
);

/** Components by kind, installed in the order listed (each after those it requires). */
export const ComponentsSpec = options(
  {
    nacos: optional(orEmpty(options({ ...omit(NacosOptions.properties, "storage"), storage: optional(Type.Union([Type.Literal("embedded"), oneOf({ mysql: NacosMysqlOptions }, { mysql: { host: "mysql.data.svc", database: "nacos", username: "nacos", password: { secretName: "nacos-db", key: "password" } } }, "Nacos's database")], { description: "embedded or { mysql: {...} }", examples: ["embedded"] })) }))),
    consul: optional(orEmpty(ConsulOptions)),
    dapr: optional(orEmpty(DaprRuntimeOptions)),
    tracing: optional(orEmpty(options({ ...omit(TracingOptions.properties, "storage"), storage: optional(TraceStorageSpec) }))),
    keda: optional(orEmpty(KedaOptions)),
    certManager: optional(orEmpty(CertManagerOptions)),
    externalBroker: optional(ExternalBrokerOptions),
  },
  "components by kind ({} or nothing for a component's defaults), installed in this order unless one requires another",
);

/** A topic: a name in `public/default` ("hello") or `tenant/namespace/topic`. */
const topicRef = text(`^(${PULSAR_NAME}/${PULSAR_NAME}/)?${PULSAR_NAME}$`, "shop/orders/placed", 200, 'a declared topic: "name" (in public/default) or "tenant/namespace/topic"');
/** A topic, or a whole namespace (`tenant/namespace`). */
const grantRef = text(`^(${PULSAR_NAME}/)?(${PULSAR_NAME}/)?${PULSAR_NAME}$`, "shop/orders/placed", 200, 'a declared topic ("name", "tenant/namespace/topic") or namespace ("tenant/namespace")');
const teamRef = text(LABEL, "checkout", 63, "the name of a team of the spec (or the default team, <platform>-apps)");
const serviceRef = text(LABEL, "orders", 63, "the name of a service of the spec");

/** `ScaleTrigger.*(...)`; backlog and lag triggers name their topic. */
const TriggerSpec = oneOf(
  {
    http: HttpTriggerOptions,
    cron: CronTriggerOptions,
    cpu: UtilizationOptions,
    memory: UtilizationOptions,
    prometheus: PrometheusTriggerOptions,
    pulsarBacklog: options({ topic: topicRef, ...PulsarBacklogOptions.properties }),
    kafkaLag: options({ topic: topicRef, ...KafkaLagOptions.properties }),
  },
  { http: {} },
  "a scale trigger",
);

const configContent = Type.Union([Type.String({ maxLength: 65536 }), Type.Record(Type.String(), Type.Unknown())], { description: "text or an object (written as JSON)", examples: [{ timeoutSeconds: 5 }] });
const configName = text("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$", "settings.json", 128, "1 to 128 letters, digits, '-', '_', '.' or ':', with a letter or digit first");

/** A service: its options, and what the TypeScript API does with it after `addService`. */
export const ServiceSpec = options({
  ...omit(ServiceOptions.properties, "team"),
  team: optional(teamRef),
  dapr: optional(options(DaprServiceOptions.properties, "puts the service on the sidecar runtime with these options (dapr.enable)")),
  publish: optional(list(topicRef, ["hello"], 100)),
  subscribe: optional(list(options({ topic: topicRef, ...omit(DaprSubscribeOptions.properties, "deadLetter"), deadLetter: optional(topicRef) }), [{ topic: "hello", route: "/echo" }], 100)),
  grants: optional(options({ produce: optional(list(grantRef, ["shop/orders/placed"], 100)), consume: optional(list(grantRef, ["shop/orders/placed"], 100)) }, "direct broker access: a permission for the service's role, its token and URL by reference")),
  // At least one trigger: a scaler with none would never scale.
  autoscale: optional(options({ ...omit(AutoscaleOptions.properties, "triggers"), triggers: Type.Array(TriggerSpec, { minItems: 1, maxItems: 20, examples: [[{ http: {} }]] }) })),
  expose: optional(ExposeOptions),
  config: optional(named(configName.pattern!, configContent, "config entries of the service (group = the service's name, in its team's namespace)", { "settings.json": { logLevel: "info" } })),
});

/** What the names of each map must look like, by their key pattern (for messages). */
export const KEY_FORMS: Record<string, string> = {
  [LABEL]: "a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit)",
  [`^${PULSAR_NAME}$`]: "a Pulsar name (letters, digits, '_', '.' and '-', starting with a letter or digit; at most 63)",
  [configName.pattern!]: "a config dataId (1 to 128 letters, digits, '-', '_', '.' or ':', starting with a letter or digit)",
};

/** Everything a platform spec says. */
export const PlatformSpecSchema = Type.Object(
  {
    $schema: optional(Type.String({ maxLength: 2048, description: "the JSON Schema of this file, for editors" })),
    name: optional(text(LABEL, "shop", 40, "a DNS-1123 label of at most 40 characters")),
    description: optional(Type.String({ maxLength: 4096, description: "what the platform is for (not synthesized)" })),
    target: TargetSpec,
    profile: optional(ProfileSpec),
    mirror: optional(MirrorOptions),
    broker: optional(BrokerSpec),
    components: optional(ComponentsSpec),
    prometheusOperator: optional(bool()),
    policy: optional(PlatformProps.properties.policy),
    topics: optional(named(`^${PULSAR_NAME}$`, orEmpty(TopicOptions), "topics of public/default", { hello: {} })),
    tenants: optional(
      named(
        `^${PULSAR_NAME}$`,
        options({
          ...TenantOptions.properties,
          namespaces: optional(named(`^${PULSAR_NAME}$`, options({ ...PulsarNamespaceOptions.properties, topics: optional(named(`^${PULSAR_NAME}$`, orEmpty(TopicOptions), "topics", { placed: { partitions: 6 } })) }), "namespaces", { orders: { topics: { placed: {} } } })),
        }),
        "broker tenants",
        { shop: { namespaces: { orders: { topics: { placed: { partitions: 6 } } } } } },
      ),
    ),
    teams: optional(named(LABEL, TeamOptions, "teams", { checkout: { editGroups: ["checkout-devs"] } })),
    services: optional(named(LABEL, ServiceSpec, "services", { orders: { image: "ghcr.io/example/orders:1.4.2" } })),
    daprComponents: optional(
      list(options({ team: teamRef, ...omit(DaprTeamComponentOptions.properties, "users"), users: list(serviceRef, ["billing"], 1000) }), [{ team: "checkout", name: "billing-state", type: "state.redis", users: ["billing"] }], 200),
    ),
    config: optional(list(options({ group: configName, dataId: configName, content: configContent, team: optional(teamRef), format: ConfigEntryOptions.properties.format }), [{ group: "DEFAULT_GROUP", dataId: "common.json", content: { region: "eu-west-1" } }], 1000)),
  },
  {
    additionalProperties: false,
    $id: "https://cdktf-microservice-platform.dev/schemas/platform-spec.schema.json",
    title: "Microservice platform spec",
    description: "A cdktf-microservice-platform blueprint as data: loadPlatformSpec() or `npm run synth:specs` synthesizes it.",
  },
);

/** A platform spec, as a YAML or JSON file holds it. */
export type PlatformSpec = Static<typeof PlatformSpecSchema>;
/** A service of a spec. */
export type ServiceSpecData = Static<typeof ServiceSpec>;
