import { Type } from "@sinclair/typebox";
import { bool, dnsLabel, dnsSubdomain, helmValues, instance, list, optional, options, quantity, secretRef, str, text, whole } from "./kit";

const logLevel = Type.Union(["debug", "info", "warn", "error"].map((l) => Type.Literal(l)), { description: "debug, info, warn or error", examples: ["info"] });
const url = (example: string) => text("^[a-z][a-z0-9+.-]*://\\S+$", example, 2048, "a URL (scheme://host...)");

/** `new Keda(...)`. */
export const KedaOptions = options({ http: optional(bool()), values: optional(helmValues()), httpValues: optional(helmValues()) });

/** `service.autoscale(...)`. */
export const AutoscaleOptions = options({
  triggers: list(instance("a ScaleTrigger", "ScaleTrigger.http()"), ["ScaleTrigger.http()"], 20),
  minReplicas: optional(whole(0, 1000, 1)),
  maxReplicas: optional(whole(1, 1000, 10)),
  cooldownSeconds: optional(whole(0, 86400, 300)),
  pollingSeconds: optional(whole(1, 3600, 30)),
  behavior: optional(
    options({
      scaleUp: optional(Type.Record(Type.String(), Type.Unknown(), { examples: [{ stabilizationWindowSeconds: 0 }] })),
      scaleDown: optional(Type.Record(Type.String(), Type.Unknown(), { examples: [{ stabilizationWindowSeconds: 300 }] })),
    }),
  ),
});

/** `new Nacos(...)`. */
export const NacosOptions = options({
  members: optional(whole(1, 9, 3)),
  storage: optional(instance("a NacosStorage", "NacosStorage.embedded()")),
  auth: optional(bool()),
  authSecret: optional(text("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", "nacos-auth", 253, "the name of an existing Secret (never the token itself)")),
  volumeSize: optional(quantity("10Gi")),
  sharedNamespace: optional(dnsLabel("shared")),
});

/** `NacosStorage.mysql(...)`. */
export const NacosMysqlOptions = options({
  host: dnsSubdomain("mysql.data.svc"),
  port: optional(whole(1, 65535, 3306)),
  database: text("^[A-Za-z0-9_$]{1,64}$", "nacos", 64, "a MySQL database name"),
  username: str("nacos", 256),
  password: secretRef(),
  params: optional(str("characterEncoding=utf8&useSSL=true", 1024)),
});

/** `new Consul(...)`. */
export const ConsulOptions = options({
  servers: optional(whole(1, 9, 3)),
  volumeSize: optional(quantity("10Gi")),
  sharedPrefix: optional(text("^[A-Za-z0-9][-A-Za-z0-9_.]*$", "shared", 128, "a KV prefix (letters, digits, '-', '_', '.')")),
  values: optional(helmValues()),
});

/** `new DaprRuntime(...)`. */
export const DaprRuntimeOptions = options({
  scheduler: optional(bool()),
  enableAllServices: optional(bool(false)),
  logLevel: optional(logLevel),
  tracing: optional(bool()),
  values: optional(helmValues()),
});

/** `dapr.enable(service, ...)`. */
export const DaprServiceOptions = options({
  appProtocol: optional(Type.Union(["http", "grpc", "h2c", "https", "grpcs"].map((p) => Type.Literal(p)), { description: "http, grpc, h2c, https or grpcs", examples: ["http"] })),
  sidecarResources: optional(options({ cpu: quantity("100m"), memory: quantity("128Mi"), memoryLimit: quantity("256Mi") })),
  logLevel: optional(logLevel),
});

/** `service.subscribe(topic, ...)`. */
export const DaprSubscribeOptions = options({
  route: text("^/\\S*$", "/orders", 1024, "a path starting with '/'"),
  deadLetter: optional(instance("a PulsarTopic", "namespace.addTopic(\"orders-dlq\")")),
  scaleToZero: optional(bool()),
});

/** `dapr.addComponent(team, ...)`. */
export const DaprTeamComponentOptions = options({
  name: dnsLabel("orders-state"),
  type: text("^[a-z0-9]+(\\.[a-z0-9.-]+)+$", "state.redis", 128, "a Dapr component type such as \"state.redis\""),
  version: optional(text("^v[0-9]+(alpha[0-9]*|beta[0-9]*)?$", "v1", 16, "a component version such as \"v1\"")),
  metadata: optional(list(options({ name: str("redisHost", 256), value: optional(Type.String({ maxLength: 65536, examples: ["redis:6379"] })), secretKeyRef: optional(secretRef()) }), [{ name: "redisHost", value: "redis:6379" }], 200)),
  users: list(instance("a service", "platform.addService(...)"), ["orders"], 1000),
});

/** `new Tracing(...)`. */
export const TracingOptions = options({
  storage: optional(instance("a TraceStorage", "TraceStorage.elasticsearch({ urls })")),
  collectorReplicas: optional(whole(1, 100, 3)),
  samplingRate: optional(Type.Number({ minimum: 0, maximum: 1, examples: [0.1] })),
  metricsEndpoint: optional(url("http://prometheus.monitoring:9090/api/v1/write")),
  collectorValues: optional(helmValues()),
  jaegerValues: optional(helmValues()),
});

/** `TraceStorage.elasticsearch(...)`, `.opensearch(...)`. */
export const SearchStoreOptions = options({
  urls: list(url("https://es.logging:9200"), ["https://es.logging:9200"], 20),
  username: optional(str("jaeger", 256)),
  password: optional(secretRef()),
  indexPrefix: optional(dnsLabel("shop")),
});

/** `new CertManager(...)`. */
export const CertManagerOptions = options({ namespace: optional(dnsLabel("cert-manager")), values: optional(helmValues()) });

/** `new ExternalBroker(...)`. */
export const ExternalBrokerOptions = options({
  pulsarUrl: text("^pulsar(\\+ssl)?://\\S+$", "pulsar+ssl://pulsar.example.com:6651", 2048, "a pulsar:// or pulsar+ssl:// URL"),
  adminUrl: text("^https?://\\S+$", "https://pulsar.example.com:8443", 2048, "an http(s) URL"),
  admin: optional(
    options({
      namespace: dnsLabel("pulsar-admin"),
      token: secretRef(),
      clusterName: optional(str("prod", 256)),
      signingKey: optional(secretRef()),
      ca: optional(secretRef()),
    }),
  ),
  endpoints: optional(
    options({
      kafka: optional(str("kafka.example.com:9093", 2048)),
      mqtt: optional(str("mqtts://mqtt.example.com:8883", 2048)),
      amqp: optional(str("amqps://amqp.example.com:5671", 2048)),
      rocketmq: optional(str("rocketmq.example.com:9876", 2048)),
    }),
  ),
});

/** `OffloadStore.s3/gcs/azureBlob/tencentCos/aliyunOss(bucket, ...)`. */
export const ObjectStoreOptions = options({
  credentials: instance("OffloadCredentials", "OffloadCredentials.fromSecret(\"offload-keys\")"),
  region: optional(text("^[a-z0-9-]+$", "eu-west-1", 63, "a region name")),
});

/** `OffloadStore.minio(bucket, ...)`. */
export const MinioOptions = options({ endpoint: url("http://minio.storage:9000"), credentials: instance("OffloadCredentials", "OffloadCredentials.fromSecret(\"minio-keys\")") });

/** `OffloadStore.filesystem(...)`. */
export const FilesystemOffloadOptions = options({ existingClaim: optional(dnsSubdomain("offload-data")), size: optional(quantity("100Gi")) });

/** `registry.config(group, dataId, content, ...)`. */
export const ConfigEntryOptions = options({
  team: optional(instance("a Team", "platform.addTeam(\"checkout\")")),
  format: optional(Type.Union(["text", "json", "yaml", "properties", "xml", "html"].map((f) => Type.Literal(f)), { description: "text, json, yaml, properties, xml or html", examples: ["json"] })),
});

/** `ScaleTrigger.pulsarBacklog(topic, ...)`. */
export const PulsarBacklogOptions = options({
  subscription: text("^[A-Za-z0-9._-]{1,128}$", "billing", 128, "a Pulsar subscription name (a Dapr subscriber's is its app id)"),
  threshold: optional(whole(1, 1000000, 10)),
  activationThreshold: optional(whole(0, 1000000, 0)),
});

/** `ScaleTrigger.kafkaLag(topic, ...)`. */
export const KafkaLagOptions = options({
  consumerGroup: text("^[A-Za-z0-9._-]{1,249}$", "billing", 249, "a Kafka group id (letters, digits, '.', '_', '-')"),
  lagThreshold: optional(whole(1, 1000000, 10)),
  activationLagThreshold: optional(whole(0, 1000000, 0)),
  offsetResetPolicy: optional(Type.Union([Type.Literal("latest"), Type.Literal("earliest")], { description: "\"latest\" or \"earliest\"", examples: ["latest"] })),
});

/** `ScaleTrigger.http(...)`. */
export const HttpTriggerOptions = options({
  hosts: optional(Type.Array(text("^(\\*\\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", "orders.example.com", 253, "a host name"), { minItems: 1, maxItems: 50, examples: [["orders.example.com"]] })),
  pathPrefixes: optional(Type.Array(text("^/\\S*$", "/api", 1024, "a path starting with '/'"), { minItems: 1, maxItems: 50, examples: [["/api"]] })),
  targetConcurrency: optional(whole(1, 1000000, 100)),
  targetRequestRate: optional(whole(1, 1000000, 50)),
  ingress: optional(options({ host: text("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$", "orders.example.com", 253, "a DNS name with a domain"), className: optional(dnsSubdomain("nginx")), tlsSecret: optional(dnsSubdomain("orders-tls")) })),
});

/** `ScaleTrigger.cron(...)`. */
export const CronTriggerOptions = options({
  timezone: text("^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$", "Europe/Berlin", 64, "an IANA time zone"),
  start: str("0 8 * * 1-5", 128),
  end: str("0 18 * * 1-5", 128),
  desiredReplicas: whole(1, 1000000, 3),
});

/** `ScaleTrigger.prometheus(...)`. */
export const PrometheusTriggerOptions = options({
  serverAddress: text("^https?://\\S+$", "http://prometheus.monitoring.svc:9090", 2048, "an http(s) URL"),
  query: str("sum(rate(http_requests_total[2m]))", 4096),
  threshold: Type.Number({ exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER, examples: [100] }),
  activationThreshold: optional(Type.Number({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, examples: [0] })),
});

/** `ScaleTrigger.cpu(...)`, `.memory(...)`. */
export const UtilizationOptions = options({ utilization: whole(1, 1000, 70) });
