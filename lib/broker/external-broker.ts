import type { SecretKeyRef } from "../core/bindings";
import { IComponentContext } from "../core/component";
import { Layer } from "../core/context";
import { check, checkKnownOptions, PlatformConfigError } from "../core/errors";
import { checkDnsLabel } from "../core/names";
import { BrokerBase, ServiceCredentials } from "./broker-base";
import { BrokerSync } from "./broker-sync";
import { PulsarAction, PulsarNamespace, PulsarTopic } from "./tenancy";
import { checkOptionsSchema } from "../core/validate";

/** How the platform administers an external broker: Secrets in a namespace you manage. */
export interface ExternalBrokerAdmin {
  /** Existing namespace where the sync Job runs and reads the Secrets below. */
  readonly namespace: string;
  /** A superuser token of the broker (the health check and tenant writes need one). */
  readonly token: SecretKeyRef;
  /** The broker's Pulsar cluster that tenants are allowed on. @default - its only cluster, read from the admin API */
  readonly clusterName?: string;
  /** The broker's HS256 signing key (raw bytes): given, the platform mints each service's token. @default - you provide each service's `<service>-pulsar` Secret */
  readonly signingKey?: SecretKeyRef;
  /** CA of a private broker certificate, copied next to minted tokens. @default - the broker's certificate is publicly trusted */
  readonly ca?: SecretKeyRef;
}

/** Options of `ExternalBroker`. */
export interface ExternalBrokerOptions {
  /** The broker's client URL: `pulsar://host:6650` or `pulsar+ssl://host:6651`. */
  readonly pulsarUrl: string;
  /** The broker's admin REST URL: `https://host:8443` (or http://). */
  readonly adminUrl: string;
  /** Lets the platform apply tenants, namespaces, topics and permissions. @default - nothing is applied; grants are refused */
  readonly admin?: ExternalBrokerAdmin;
  /** Endpoints of the protocols the broker speaks besides Pulsar's. @default {} */
  readonly endpoints?: ExternalBrokerEndpoints;
}

/** Protocol endpoints of an external broker, as its clients should use them. */
export interface ExternalBrokerEndpoints {
  /** Kafka bootstrap servers (`host:9092`). @default - none */
  readonly kafka?: string;
  /** MQTT URL. @default - none */
  readonly mqtt?: string;
  /** AMQP URL. @default - none */
  readonly amqp?: string;
  /** RocketMQ name server (`host:9876`). @default - none */
  readonly rocketmq?: string;
}

const ADMIN_OPTIONS = ["namespace", "token", "clusterName", "signingKey", "ca"];

/**
 * A Pulsar the platform does not run (a managed service, another cluster's), referenced by its
 * endpoints: services are wired to it and granted on it like on the platform's own broker. With
 * `admin`, a sync Job in your namespace applies what the code declares (tenants, namespaces,
 * topics, permissions) and, with the signing key, mints service tokens; without a signing key,
 * each granted service reads its token from a Secret `<service>-pulsar` (key `token`) that you
 * provide in its namespace (e.g. through External Secrets).
 */
export class ExternalBroker extends BrokerBase {
  public readonly pulsarUrl: string;
  public readonly adminUrl: string;
  public readonly tls: boolean;
  private readonly admin?: ExternalBrokerAdmin;
  private readonly endpoints: ExternalBrokerEndpoints;
  private sync?: BrokerSync;

  constructor(options: ExternalBrokerOptions) {
    super();
    const site = "ExternalBroker";
    checkOptionsSchema(site, "ExternalBrokerOptions", options);
    check(typeof options.pulsarUrl === "string" && /^pulsar(\+ssl)?:\/\/[^\s/]+$/.test(options.pulsarUrl), site, "pulsarUrl must be pulsar://host:port or pulsar+ssl://host:port", options.pulsarUrl, 'Use e.g. "pulsar+ssl://pulsar.example.com:6651".');
    check(typeof options.adminUrl === "string" && /^https?:\/\/[^\s]+$/.test(options.adminUrl), site, "adminUrl must be an http(s) URL", options.adminUrl, 'Use e.g. "https://pulsar.example.com:8443".');
    this.pulsarUrl = options.pulsarUrl;
    this.adminUrl = options.adminUrl;
    this.tls = options.pulsarUrl.startsWith("pulsar+ssl://");
    this.endpoints = options.endpoints ?? {};
    check(typeof this.endpoints === "object", site, "endpoints must be { kafka?, mqtt?, amqp?, rocketmq? }", options.endpoints, 'Use e.g. endpoints: { kafka: "kafka.example.com:9093" }.');
    checkKnownOptions(`${site}.endpoints`, this.endpoints, ["kafka", "mqtt", "amqp", "rocketmq"]);
    for (const [name, value] of Object.entries(this.endpoints)) {
      check(typeof value === "string" && /^\S+$/.test(value), `${site}.endpoints`, `the ${name} endpoint must be a host:port or URL`, value, 'Use e.g. "kafka.example.com:9093".');
    }
    if (options.admin !== undefined) {
      const admin = options.admin;
      check(!!admin && typeof admin === "object", site, "admin must be { namespace, token, signingKey?, ca? }", admin, 'Pass e.g. admin: { namespace: "pulsar-admin", token: { secretName: "pulsar-admin", key: "token" } }.');
      checkKnownOptions(`${site}.admin`, admin, ADMIN_OPTIONS);
      checkDnsLabel(`${site}.admin`, "the admin namespace", admin.namespace);
      if (admin.clusterName !== undefined) {
        check(typeof admin.clusterName === "string" && /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(admin.clusterName), `${site}.admin`, "clusterName must be a Pulsar cluster name", admin.clusterName, 'Use e.g. "pulsar-prod".');
      }
      for (const [name, ref] of [["token", admin.token], ["signingKey", admin.signingKey], ["ca", admin.ca]] as const) {
        if (ref === undefined && name !== "token") continue;
        check(!!ref && typeof ref.secretName === "string" && ref.secretName.length > 0 && typeof ref.key === "string" && ref.key.length > 0, `${site}.admin`, `${name} must reference a Secret key { secretName, key }`, ref, 'Use e.g. { secretName: "pulsar-admin", key: "token" }.');
      }
      this.admin = admin;
    }
  }

  public get kafkaBootstrap(): string {
    return this.endpoint("kafka");
  }
  public get mqttEndpoint(): string {
    return this.endpoint("mqtt");
  }
  public get amqpEndpoint(): string {
    return this.endpoint("amqp");
  }
  public get rocketmqEndpoint(): string {
    return this.endpoint("rocketmq");
  }

  public grantTo(resource: PulsarNamespace | PulsarTopic, credentials: ServiceCredentials, actions: readonly PulsarAction[]): void {
    if (!this.admin) {
      throw new PlatformConfigError(
        this.site,
        `cannot grant on ${resource.fullName}: the platform has no admin access to this external broker`,
        resource.fullName,
        "Pass admin: { namespace, token } to ExternalBroker so the permission is applied, or wire the service with broker.connect(service) and grant on the broker yourself.",
      );
    }
    super.grantTo(resource, credentials, actions);
  }

  private endpoint(name: keyof ExternalBrokerEndpoints): string {
    const value = this.endpoints[name];
    if (value === undefined) {
      throw new PlatformConfigError(this.site, `no ${name} endpoint was given for this external broker`, Object.keys(this.endpoints), `Pass endpoints: { ${name}: "..." } to ExternalBroker.`);
    }
    return value;
  }

  public get suppliesCa(): boolean {
    return !!this.admin?.signingKey && !!this.admin.ca;
  }

  protected credentialsIssued(credentials: ServiceCredentials): void {
    if (this.admin?.signingKey) this.sync?.allowWriting(credentials);
  }

  protected installBroker(context: IComponentContext): void {
    if (!this.admin) return;
    this.sync = new BrokerSync(context.scope(Layer.APPS), "Sync", {
      platform: context.platform,
      namespace: this.admin.namespace,
      adminUrl: this.adminUrl,
      clusterName: this.admin.clusterName,
      adminToken: this.admin.token,
      signingKey: this.admin.signingKey,
      ca: this.admin.ca,
      spec: () => this.tenancySpec(),
      credentials: () => this.credentials,
    });
  }
}
