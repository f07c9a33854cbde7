import type { IServiceBinding } from "../core/bindings";
import { IComponentContext, IPlatformComponent, notInstalled } from "../core/component";
import { check, checkKnownOptions, PlatformConfigError } from "../core/errors";
import { PulsarAction, PulsarNamespace, PulsarTenant, PulsarTopic, TenantOptions, TopicOptions, ITenancyOwner } from "./tenancy";

/** Where a granted service finds its broker credentials (token, and CA when TLS is on). */
export const PULSAR_CREDENTIALS_DIR = "/var/run/secrets/pulsar";

/** Environment variables a granted service gets. */
export const PULSAR_ENV = {
  /** The broker's `pulsar://` or `pulsar+ssl://` URL. */
  url: "PULSAR_URL",
  /** The service's JWT (from its credentials Secret). */
  token: "PULSAR_AUTH_TOKEN",
  /** The same token as a file, re-read by clients that support `file://` tokens when it is rotated. */
  tokenFile: "PULSAR_AUTH_TOKEN_FILE",
  /** The CA that signed the broker's certificate (TLS only). */
  trustCertsFile: "PULSAR_TLS_TRUST_CERTS_FILE_PATH",
} as const;

/** A service's credentials for the broker: its role, and the Secret in its namespace that holds the token. */
export interface ServiceCredentials {
  /** The Pulsar role (the JWT subject): `<namespace>.<service>`. */
  readonly role: string;
  /** Namespace of the service (plain name). */
  readonly namespaceName: string;
  /** Namespace of the service, as a reference. */
  readonly namespace: string;
  /** Secret in the service's namespace: key `token`, and `ca.crt` when the broker's CA is private. */
  readonly secretName: string;
}

/** A message broker that services and grants use: the platform's own Pulsar, or an external one. */
export interface IBroker extends IPlatformComponent, ITenancyOwner {
  /** `pulsar://` (or `pulsar+ssl://`) URL. */
  readonly pulsarUrl: string;
  /** Admin REST URL. */
  readonly adminUrl: string;
  /** Whether clients must use TLS. */
  readonly tls: boolean;
  /** Kafka bootstrap servers (`host:9092`); an error when the broker does not speak Kafka. */
  readonly kafkaBootstrap: string;
  /** MQTT endpoint; an error when the broker does not speak MQTT. */
  readonly mqttEndpoint: string;
  /** AMQP endpoint; an error when the broker does not speak AMQP. */
  readonly amqpEndpoint: string;
  /** RocketMQ name server endpoint; an error when the broker does not speak RocketMQ. */
  readonly rocketmqEndpoint: string;
  /** Declares a tenant (the same name returns the same tenant). */
  addTenant(name: string, options?: TenantOptions): PulsarTenant;
  /** A topic in `public/default`, for the simple case. */
  topic(name: string, options?: TopicOptions): PulsarTopic;
  /** The `public/default` namespace. */
  readonly defaultNamespace: PulsarNamespace;
  /** Wires a service to the broker (URL, token by reference, CA) without granting anything yet; returns its credentials. */
  connect(service: IServiceBinding): ServiceCredentials;
}

/** Whether a component is a broker. */
export function isBroker(component: unknown): component is IBroker {
  return component instanceof BrokerBase;
}

/**
 * What every broker shares: tenants, namespaces and topics declared in code, and grants that give
 * a service's role a permission and the service its token by Secret reference. Subclasses say how
 * the declared state reaches the broker and whether the platform mints the tokens.
 */
export abstract class BrokerBase implements IBroker {
  public readonly key = "broker";
  public abstract readonly pulsarUrl: string;
  public abstract readonly adminUrl: string;
  public abstract readonly tls: boolean;
  public abstract readonly kafkaBootstrap: string;
  public abstract readonly mqttEndpoint: string;
  public abstract readonly amqpEndpoint: string;
  public abstract readonly rocketmqEndpoint: string;
  private installContext?: IComponentContext;
  private readonly tenants = new Map<string, PulsarTenant>();
  private readonly connected = new Map<IServiceBinding, ServiceCredentials>();

  /** Where errors about this broker point. */
  public get site(): string {
    return this.installContext?.site ?? this.constructor.name;
  }

  public install(context: IComponentContext): void {
    this.installContext = context;
    this.installBroker(context);
  }

  public addTenant(name: string, options: TenantOptions = {}): PulsarTenant {
    checkKnownOptions(this.site, options, ["adminRoles"]);
    const existing = this.tenants.get(name);
    if (existing) {
      if (options.adminRoles !== undefined) {
        check(JSON.stringify(existing.adminRoles) === JSON.stringify(options.adminRoles), this.site, `tenant "${name}" is declared twice with different adminRoles`, options.adminRoles, `Declare them once (they are ${JSON.stringify(existing.adminRoles)}).`);
      }
      return existing;
    }
    const tenant = new PulsarTenant(this, name, options.adminRoles ?? []);
    this.tenants.set(name, tenant);
    return tenant;
  }

  public topic(name: string, options: TopicOptions = {}): PulsarTopic {
    return this.defaultNamespace.addTopic(name, options);
  }

  public get defaultNamespace(): PulsarNamespace {
    return this.addTenant("public").addNamespace("default");
  }

  public grantAccess(resource: PulsarNamespace | PulsarTopic, service: IServiceBinding, actions: readonly PulsarAction[]): void {
    const tenant = resource instanceof PulsarTopic ? resource.namespace.tenant : resource.tenant;
    check(tenant.owner === this, this.site, `${resource.fullName} belongs to another broker`, resource.fullName, "Grant on the topics of the broker the service's platform uses.");
    const credentials = this.connect(service);
    resource.permissions.allow(credentials.role, actions);
  }

  public connect(service: IServiceBinding): ServiceCredentials {
    const context = this.context;
    if (!service || typeof service !== "object" || typeof service.addEnv !== "function" || !service.team) {
      throw new PlatformConfigError(this.site, "grants take a service of the platform", service, "Pass the Microservice that platform.addService() returned.");
    }
    if (service.platform !== context.platform) {
      throw new PlatformConfigError(
        this.site,
        `service ${service.node.path} belongs to platform "${service.platform.platformName}", not to this broker's platform "${context.platform.platformName}"`,
        service.node.path,
        "Grant each platform's services on its own broker (or add an ExternalBroker pointing at the other one).",
      );
    }
    const existing = this.connected.get(service);
    if (existing) return existing;
    const credentials: ServiceCredentials = {
      role: `${service.team.namespaceName}.${service.serviceName}`,
      namespaceName: service.team.namespaceName,
      namespace: service.team.namespace,
      secretName: `${service.serviceName}-pulsar`,
    };
    this.connected.set(service, credentials);
    service.addEnv(PULSAR_ENV.url, this.pulsarUrl);
    service.addEnv(PULSAR_ENV.token, { secretName: credentials.secretName, key: "token" });
    service.addEnv(PULSAR_ENV.tokenFile, `${PULSAR_CREDENTIALS_DIR}/token`);
    if (this.tls && this.suppliesCa) service.addEnv(PULSAR_ENV.trustCertsFile, `${PULSAR_CREDENTIALS_DIR}/ca.crt`);
    service.mountSecret(credentials.secretName, PULSAR_CREDENTIALS_DIR);
    this.credentialsIssued(credentials);
    return credentials;
  }

  /** The installed context; an error when the broker is used before it is on a platform. */
  protected get context(): IComponentContext {
    if (!this.installContext) throw notInstalled(this.constructor.name);
    return this.installContext;
  }

  /** The credentials handed out so far. */
  protected get credentials(): ServiceCredentials[] {
    return [...this.connected.values()];
  }

  /** Tenants, namespaces, topics and permissions as the sync job reads them. */
  protected tenancySpec(): Record<string, unknown> {
    return { tenants: [...this.tenants.values()].map((t) => t.toSpec()) };
  }

  /** Whether the credentials Secret carries `ca.crt` (a private CA). */
  protected abstract readonly suppliesCa: boolean;

  /** Creates the broker's objects. */
  protected abstract installBroker(context: IComponentContext): void;

  /** Called once per service when it is first connected (e.g. to let the sync Job write its Secret). */
  protected abstract credentialsIssued(credentials: ServiceCredentials): void;
}
