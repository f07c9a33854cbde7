import type { IServiceBinding, ITeam } from "../core/bindings";
import { IComponentContext, IPlatformComponent, notInstalled } from "../core/component";
import { check, PlatformConfigError } from "../core/errors";
import { isDnsSubdomain } from "../core/names";
import { checkOptionsSchema } from "../core/validate";
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

/** Credentials for the broker: a role, and the Secret in its namespace that holds its token. */
export interface ServiceCredentials {
  /** The Pulsar role (the JWT subject): `<namespace>.<name>` (a service's name, or a principal such as "dapr.sidecars"). */
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
  /** Whether credentials Secrets carry the broker's CA (`ca.crt`: a private CA). */
  readonly suppliesCa: boolean;
  /** Kafka bootstrap servers (`host:9092`); an error when the broker does not speak Kafka. */
  readonly kafkaBootstrap: string;
  /**
   * Where credentials Secrets hold the Kafka listener's SASL/PLAIN username and password, when
   * the platform mints them (its own broker speaking Kafka). @default - none
   */
  readonly kafkaCredentialKeys?: { readonly username: string; readonly password: string };
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
  /** Credentials of a principal of a team that is not one service (e.g. the team's Dapr sidecars): role `<namespace>.<name>`, Secret `<name>-pulsar`. */
  credentialsFor(team: ITeam, name: string): ServiceCredentials;
  /** Gives credentials the actions on a namespace or topic (a permission only; the holder is wired by whoever asked for the credentials). */
  grantTo(resource: PulsarNamespace | PulsarTopic, credentials: ServiceCredentials, actions: readonly PulsarAction[]): void;
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
  private readonly issued = new Map<string, ServiceCredentials>();

  /** Where errors about this broker point. */
  public get site(): string {
    return this.installContext?.site ?? this.constructor.name;
  }

  public install(context: IComponentContext): void {
    this.installContext = context;
    this.installBroker(context);
  }

  public addTenant(name: string, options: TenantOptions = {}): PulsarTenant {
    checkOptionsSchema(`${this.site}/Tenant(${name})`, "TenantOptions", options);
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
    this.grantTo(resource, this.connect(service), actions);
  }

  public grantTo(resource: PulsarNamespace | PulsarTopic, credentials: ServiceCredentials, actions: readonly PulsarAction[]): void {
    const tenant = resource instanceof PulsarTopic ? resource.namespace.tenant : resource.tenant;
    check(tenant.owner === this, this.site, `${resource.fullName} belongs to another broker`, resource.fullName, "Grant on the topics of the broker the service's platform uses.");
    check(this.issued.get(credentials.role) === credentials, this.site, `credentials of role "${credentials.role}" were not issued by this broker`, credentials.role, "Get them from broker.connect(service) or broker.credentialsFor(team, name).");
    resource.permissions.allow(credentials.role, actions);
  }

  public credentialsFor(team: ITeam, name: string): ServiceCredentials {
    const context = this.context;
    if (!team || typeof team !== "object" || typeof team.namespaceName !== "string") {
      throw new PlatformConfigError(this.site, "credentials are issued to a team of the platform", team, "Pass a Team that platform.addTeam() returned.");
    }
    this.checkOwnPlatform(context, "team", team, "Use each platform's own broker for its teams.");
    check(isDnsSubdomain(name, 200), this.site, "a principal name must be lowercase letters, digits, '-' and '.'", name, 'Use e.g. "dapr.sidecars".');
    const role = `${team.namespaceName}.${name}`;
    const existing = this.issued.get(role);
    if (existing) return existing;
    const credentials: ServiceCredentials = { role, namespaceName: team.namespaceName, namespace: team.namespace, secretName: `${name}-pulsar` };
    this.issued.set(role, credentials);
    this.credentialsIssued(credentials);
    return credentials;
  }

  public connect(service: IServiceBinding): ServiceCredentials {
    const context = this.context;
    if (!service || typeof service !== "object" || typeof service.addEnv !== "function" || !service.team) {
      throw new PlatformConfigError(this.site, "grants take a service of the platform", service, "Pass the Microservice that platform.addService() returned.");
    }
    this.checkOwnPlatform(context, "service", service, "Grant each platform's services on its own broker (or add an ExternalBroker pointing at the other one).");
    const existing = this.connected.get(service);
    if (existing) return existing;
    const credentials = this.credentialsFor(service.team, service.serviceName);
    this.connected.set(service, credentials);
    service.addEnv(PULSAR_ENV.url, this.pulsarUrl);
    service.addEnv(PULSAR_ENV.token, { secretName: credentials.secretName, key: "token" });
    service.addEnv(PULSAR_ENV.tokenFile, `${PULSAR_CREDENTIALS_DIR}/token`);
    if (this.tls && this.suppliesCa) service.addEnv(PULSAR_ENV.trustCertsFile, `${PULSAR_CREDENTIALS_DIR}/ca.crt`);
    service.mountSecret(credentials.secretName, PULSAR_CREDENTIALS_DIR);
    this.wireProtocols(service, credentials);
    return credentials;
  }

  /** Wires a connected service to the broker's other listeners (e.g. Kafka's), with the same credentials. */
  protected wireProtocols(_service: IServiceBinding, _credentials: ServiceCredentials): void {}

  /** One platform's objects are never wired into another's broker (another cluster). */
  private checkOwnPlatform(context: IComponentContext, what: string, owned: ITeam | IServiceBinding, fix: string): void {
    if (owned.platform === context.platform) return;
    throw new PlatformConfigError(
      this.site,
      `${what} ${owned.node.path} belongs to platform "${owned.platform.platformName}", not to this broker's platform "${context.platform.platformName}"`,
      owned.node.path,
      fix,
    );
  }

  /** The installed context; an error when the broker is used before it is on a platform. */
  protected get context(): IComponentContext {
    if (!this.installContext) throw notInstalled(this.constructor.name);
    return this.installContext;
  }

  /** The tenants declared so far, in declaration order (read-only: for reports such as the diagram). */
  public get declaredTenants(): readonly PulsarTenant[] {
    return [...this.tenants.values()];
  }

  /** The services connected so far, in order, with the credentials (role) each holds: a service's grants are its role's permissions. */
  public get connections(): ReadonlyMap<IServiceBinding, ServiceCredentials> {
    return new Map(this.connected);
  }

  /** The credentials handed out so far. */
  protected get credentials(): ServiceCredentials[] {
    return [...this.issued.values()];
  }

  /** Tenants, namespaces, topics and permissions as the sync job reads them. */
  protected tenancySpec(): Record<string, unknown> {
    return { tenants: [...this.tenants.values()].map((t) => t.toSpec()) };
  }

  public abstract readonly suppliesCa: boolean;

  /** Creates the broker's objects. */
  protected abstract installBroker(context: IComponentContext): void;

  /** Called once per credentials issued (e.g. to let the sync Job write their Secret). */
  protected abstract credentialsIssued(credentials: ServiceCredentials): void;
}
