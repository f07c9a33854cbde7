import type { IServiceBinding, ITeam, RegistryCredentials, SecretKeyRef } from "../core/bindings";
import { IComponentContext, notInstalled } from "../core/component";
import { Layer } from "../core/context";
import { waitForRolloutOf } from "../core/platform-stack";
import { NACOS_DEFAULTS, PROBE_TIMINGS, restrictedContainerSecurity, restrictedPodSecurity } from "../core/defaults";
import { check, PlatformConfigError } from "../core/errors";
import { isDnsSubdomain, selectorLabels } from "../core/names";
import { toProviderSpread, WorkloadRole } from "../core/placement";
import { isQuantity } from "../core/quantity";
import { checkSecretRef } from "../core/secrets";
import { PLATFORM_LABEL, SecureNamespace } from "../core/secure-namespace";
import { IMAGES } from "../core/versions";
import { JOB_PRELUDE } from "./job-prelude";
import { NACOS_AUTH_PROGRAM, NACOS_SYNC_PROGRAM } from "./nacos-programs";
import { REGISTRY_CREDENTIALS_SECRET, RegistryBase } from "./registry-base";
import { RegistryJob } from "./registry-job";
import { checkOptionsSchema } from "../core/validate";
import { emitResource, nameOf } from "../core/provider-resource";

/** An external MySQL database for Nacos (5.7 or 8), with the schema of the pinned Nacos version loaded. */
export interface NacosMysqlOptions {
  /** Host name of the database. */
  readonly host: string;
  /** Port. @default 3306 */
  readonly port?: number;
  /** Database (schema) name. */
  readonly database: string;
  /** User name (not a secret). */
  readonly username: string;
  /** The password, from an existing Secret in the registry's namespace ("<platform>-registry"). */
  readonly password: SecretKeyRef;
  /** JDBC URL parameters. @default "characterEncoding=utf8&connectTimeout=1000&socketTimeout=3000&autoReconnect=true&useSSL=true" */
  readonly params?: string;
}

/** Where Nacos keeps its data. */
export class NacosStorage {
  /** Each member keeps the data on its own volume, replicated by JRaft (Derby underneath): no database to run. */
  public static embedded(): NacosStorage {
    return new NacosStorage("embedded");
  }

  /** An external MySQL database, its password by Secret reference. */
  public static mysql(options: NacosMysqlOptions): NacosStorage {
    return new NacosStorage("mysql", options);
  }

  private constructor(
    /** "embedded" or "mysql". */
    public readonly kind: "embedded" | "mysql",
    /** The database, for "mysql". */
    public readonly mysql?: NacosMysqlOptions,
  ) {}
}

/** Options of `Nacos`. */
export interface NacosOptions {
  /** Members of the cluster: odd (JRaft needs a majority). @default - the profile's quorumSize (3 in PRODUCTION, 1 otherwise) */
  readonly members?: number;
  /** Where data is kept. @default NacosStorage.embedded() */
  readonly storage?: NacosStorage;
  /** Require a login for every API call; only DEV and EDGE profiles may turn it off. @default true */
  readonly auth?: boolean;
  /**
   * An existing Secret in the registry's namespace with keys `token` (base64 of at least 32
   * random bytes), `identity-key`, `identity-value` and `admin-password`.
   * @default - generated in the cluster by a Job on first install, never in Terraform
   */
  readonly authSecret?: string;
  /** Data volume of each member. @default - NACOS_DEFAULTS by profile size */
  readonly volumeSize?: string;
  /** The namespace where entries declared without a team live; every team may read it. @default "<platform>-shared" */
  readonly sharedNamespace?: string;
}

/** Client HTTP API, client gRPC (HTTP port + 1000), member gRPC (HTTP port + 1001), JRaft (HTTP port - 1000). */
export const NACOS_PORTS = { http: 8848, clientGrpc: 9848, memberGrpc: 9849, raft: 7848 } as const;
const NAME = "nacos";
const HOME = "/home/nacos";
const AUTH_KEYS = ["token", "identity-key", "identity-value", "admin-password"] as const;

interface Installed {
  readonly namespace: string;
  readonly host: string;
  readonly auth: boolean;
  readonly sync: RegistryJob;
}

/**
 * Nacos as the platform's service registry and config center, built from typed Kubernetes
 * objects (the upstream chart has no Helm repository and keeps the database password in a
 * ConfigMap): a StatefulSet of `members` (3 across zones in PRODUCTION, JRaft on embedded storage
 * or an external MySQL), a headless Service for the members and a client Service, a disruption
 * budget, the platform's priority class and the restricted security context.
 *
 * Auth is on: the token key, the server identity and the admin password come from a Secret that a
 * Job generates in the cluster (or that you name), never from Terraform. Each team gets a Nacos
 * namespace named after its Kubernetes namespace and a user that may read and write only there
 * (and read the shared namespace); its services receive the address, namespace and that user's
 * credentials by Secret reference. Configuration entries declared with `config()` are published
 * by an idempotent Job in the apps layer.
 *
 * Member traffic (JRaft 7848, member gRPC 9849) is admitted only inside the registry's namespace;
 * the client ports (HTTP 8848, gRPC 9848) only from the platform's namespaces.
 *
 * A platform component (key "registry"): everything but the sync Job is plain Kubernetes and lives
 * in the base layer, so services of every later layer find it running.
 */
export class Nacos extends RegistryBase {
  public readonly registryKind = "nacos";
  private readonly options: NacosOptions;
  private state?: Installed;

  constructor(options: NacosOptions = {}) {
    super();
    // Checked when installed, so errors name the platform's path.
    this.options = options;
  }

  /** `host:8848`: what Nacos clients take as their server address. */
  public get address(): string {
    return `${this.installed.host}:${NACOS_PORTS.http}`;
  }

  /** `http://host:8848/nacos`: the HTTP API. */
  public get url(): string {
    return `http://${this.address}/nacos`;
  }

  /** The registry's Kubernetes namespace. */
  public get namespace(): string {
    return this.installed.namespace;
  }

  protected get memberSelector(): Record<string, string> {
    return selectorLabels({ name: NAME, instance: this.context!.platform.platformName });
  }

  protected get sharedNamespace(): string {
    return this.options.sharedNamespace ?? `${this.context!.platform.platformName}-shared`;
  }

  public install(context: IComponentContext): void {
    this.context = context;
    const { platform, site } = context;
    const o = this.options;
    checkOptionsSchema(site, "NacosOptions", o);
    const production = platform.profile.zoneSpread || platform.profile.requireTransportSecurity;
    const members = this.consensusMembers(o.members, "members", "Nacos members", "JRaft");
    const auth = o.auth ?? true;
    check(typeof auth === "boolean", site, "auth must be true or false", auth, "Leave it unset: auth is on.");
    if (!auth && production) {
      throw new PlatformConfigError(site, `Nacos auth cannot be turned off in the ${platform.profile.name} profile: every pod of the cluster could read and change every service's configuration`, "auth: false", "Remove auth: false (services get their credentials by reference).");
    }
    if (o.authSecret !== undefined) {
      check(isDnsSubdomain(o.authSecret), site, "authSecret must be the name of an existing Secret (never the token itself)", "<redacted>", `Create a Secret with keys ${AUTH_KEYS.join(", ")} in the registry's namespace and pass its name, or leave authSecret unset to have one generated.`);
    }
    const storage = o.storage ?? NacosStorage.embedded();
    check(storage instanceof NacosStorage, site, "storage must come from NacosStorage.embedded() or NacosStorage.mysql({...})", storage, "Use NacosStorage.embedded() or NacosStorage.mysql({ host, database, username, password: { secretName, key } }).");
    if (storage.kind === "mysql") checkMysql(`${site}.storage`, storage.mysql!);
    const sizes = NACOS_DEFAULTS[platform.profile.size];
    const volumeSize = o.volumeSize ?? sizes.storage;
    check(isQuantity(volumeSize), site, "volumeSize must be a Kubernetes quantity", volumeSize, 'Use e.g. "10Gi".');
    if (o.sharedNamespace !== undefined) check(typeof o.sharedNamespace === "string" && /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(o.sharedNamespace), site, "sharedNamespace must be a DNS label (a Nacos namespace id takes no dots)", o.sharedNamespace, 'Use e.g. "shared".');

    const namespace = `${platform.platformName}-registry`;
    const host = `${NAME}.${namespace}.svc.cluster.local`;
    const authSecret = o.authSecret ?? `${NAME}-auth`;
    const selector = this.memberSelector;
    const labels = { ...platform.labels("registry", NAME), ...selector };
    const base = context.scope(Layer.BASE);

    // Same-namespace traffic only by default: members, and the registry's own Jobs.
    const ns = new SecureNamespace(base, "Namespace", { name: namespace, platformName: platform.platformName, system: true });
    emitResource(base, "ClientIngress", "kubernetes_network_policy_v1", {
      metadata: { name: "nacos-clients", namespace: ns.name, labels },
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { [PLATFORM_LABEL]: platform.platformName } } }],
            ports: [NACOS_PORTS.http, NACOS_PORTS.clientGrpc].map((port) => ({ port: String(port), protocol: "TCP" })),
          },
        ],
      },
    });

    const generator = !auth || o.authSecret
      ? undefined
      : new RegistryJob(base, "AuthSecret", {
          platform,
          name: `${NAME}-auth-secret`,
          namespace: ns.name,
          component: "registry",
          script: JOB_PRELUDE + NACOS_AUTH_PROGRAM,
          spec: () => ({ namespace, secret: authSecret, labels: platform.labels("registry", authSecret) }),
          ownSecrets: [authSecret],
        });

    const headless = emitResource(base, "MemberService", "kubernetes_service_v1", {
      metadata: { name: `${NAME}-headless`, namespace: ns.name, labels },
      spec: {
        clusterIp: "None",
        // Members must find each other before they are ready: the quorum forms only then.
        publishNotReadyAddresses: true,
        selector,
        port: Object.entries(NACOS_PORTS).map(([name, port]) => ({ name: portName(name), port, targetPort: portName(name), protocol: "TCP" })),
      },
    });
    emitResource(base, "ClientService", "kubernetes_service_v1", {
      metadata: { name: NAME, namespace: ns.name, labels },
      spec: {
        type: "ClusterIP",
        selector,
        // Clients derive the gRPC port from the HTTP port (+1000), so both are on the same name.
        port: [
          { name: "http", port: NACOS_PORTS.http, targetPort: "http", protocol: "TCP", appProtocol: "http" },
          { name: "client-grpc", port: NACOS_PORTS.clientGrpc, targetPort: "client-grpc", protocol: "TCP", appProtocol: "grpc" },
        ],
      },
    });

    // Its own identity, without an API token (Nacos never calls the Kubernetes API).
    const account = emitResource(base, "ServiceAccount", "kubernetes_service_account_v1", { metadata: { name: NAME, namespace: ns.name, labels }, automountServiceAccountToken: false });
    const authRef = (key: (typeof AUTH_KEYS)[number]) => ({ secretKeyRef: { name: authSecret, key } });
    const memberHosts = Array.from({ length: members }, (_, i) => `${NAME}-${i}.${NAME}-headless.${namespace}.svc.cluster.local:${NACOS_PORTS.http}`);
    const env: { name: string; value?: string; valueFrom?: object }[] = [
      { name: "MODE", value: members === 1 ? "standalone" : "cluster" },
      { name: "PREFER_HOST_MODE", value: "hostname" },
      { name: "NACOS_APPLICATION_PORT", value: String(NACOS_PORTS.http) },
      ...(members > 1 ? [{ name: "NACOS_SERVERS", value: memberHosts.join(" ") }] : []),
      { name: "JVM_XMS", value: sizes.heap },
      { name: "JVM_XMX", value: sizes.heap },
      { name: "JVM_XMN", value: sizes.youngGeneration },
      // JVM flags go in JAVA_OPT (the start script appends JAVA_OPT_EXT after -jar, as program arguments).
      { name: "JAVA_OPT", value: `-XX:MaxDirectMemorySize=${sizes.directMemory} -Djava.io.tmpdir=/tmp` },
      // Tomcat's work directory defaults to the image's home, which is read-only here.
      { name: "SERVER_TOMCAT_BASEDIR", value: "/tmp/tomcat" },
      { name: "NACOS_AUTH_ENABLE", value: String(auth) },
      ...(auth
        ? [
            { name: "NACOS_AUTH_TOKEN", valueFrom: authRef("token") },
            { name: "NACOS_AUTH_IDENTITY_KEY", valueFrom: authRef("identity-key") },
            { name: "NACOS_AUTH_IDENTITY_VALUE", valueFrom: authRef("identity-value") },
          ]
        : []),
      ...(storage.mysql
        ? [
            { name: "SPRING_DATASOURCE_PLATFORM", value: "mysql" },
            { name: "MYSQL_SERVICE_HOST", value: storage.mysql.host },
            { name: "MYSQL_SERVICE_PORT", value: String(storage.mysql.port ?? 3306) },
            { name: "MYSQL_SERVICE_DB_NAME", value: storage.mysql.database },
            { name: "MYSQL_SERVICE_USER", value: storage.mysql.username },
            { name: "MYSQL_SERVICE_PASSWORD", valueFrom: { secretKeyRef: { name: storage.mysql.password.secretName, key: storage.mysql.password.key } } },
            { name: "MYSQL_SERVICE_DB_PARAM", value: storage.mysql.params ?? "characterEncoding=utf8&connectTimeout=1000&socketTimeout=3000&autoReconnect=true&useSSL=true" },
          ]
        : [{ name: "EMBEDDED_STORAGE", value: "embedded" }]),
    ];
    const health = (kind: "readiness" | "liveness") => ({ httpGet: { path: `/nacos/v1/console/health/${kind}`, port: "http" } });
    const image = platform.mirror.image(`${IMAGES.nacos.repository}:${IMAGES.nacos.tag}`);
    const spread = platform.placement.spread(selector, WorkloadRole.QUORUM);
    const antiAffinity = platform.placement.antiAffinity(selector, WorkloadRole.QUORUM);

    emitResource(base, "Resource", "kubernetes_stateful_set_v1", {
      metadata: { name: NAME, namespace: ns.name, labels },
      waitForRollout: waitForRolloutOf(base),
      spec: {
        serviceName: nameOf(headless),
        replicas: String(members),
        // Members start together: each waits for the others to form the JRaft quorum.
        podManagementPolicy: "Parallel",
        updateStrategy: [{ type: "RollingUpdate", rollingUpdate: [{ partition: 0 }] }],
        selector: { matchLabels: selector },
        persistentVolumeClaimRetentionPolicy: [{ whenDeleted: platform.profile.retainVolumes ? "Retain" : "Delete", whenScaled: "Retain" }],
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: nameOf(account),
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            priorityClassName: platform.priorityClassName,
            terminationGracePeriodSeconds: 30,
            securityContext: restrictedPodSecurity(),
            topologySpreadConstraint: spread.length > 0 ? toProviderSpread(spread) : undefined,
            affinity: antiAffinity
              ? {
                  podAntiAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: antiAffinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution?.map((t) => ({
                      topologyKey: t.topologyKey,
                      labelSelector: [{ matchLabels: t.labelSelector.matchLabels }],
                    })),
                  },
                }
              : undefined,
            imagePullSecrets: platform.mirror.pullSecretRefs(),
            initContainer: [
              {
                // The start script writes cluster.conf next to the image's configuration: a writable copy of it.
                name: "conf",
                image,
                command: ["sh", "-c", `cp -R ${HOME}/conf/. /writable-conf/`],
                resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
                securityContext: restrictedContainerSecurity(),
                volumeMount: [{ name: "conf", mountPath: "/writable-conf" }],
              },
            ],
            container: [
              {
                name: NAME,
                image,
                env,
                port: Object.entries(NACOS_PORTS).map(([name, port]) => ({ name: portName(name), containerPort: port, protocol: "TCP" })),
                resources: { requests: { cpu: sizes.cpu, memory: sizes.memory }, limits: { memory: sizes.memoryLimit } },
                securityContext: restrictedContainerSecurity(),
                startupProbe: { ...health("readiness"), periodSeconds: 10, failureThreshold: 30 },
                readinessProbe: { ...health("readiness"), ...PROBE_TIMINGS.readiness },
                livenessProbe: { ...health("liveness"), ...PROBE_TIMINGS.liveness },
                volumeMount: [
                  { name: "data", mountPath: `${HOME}/data` },
                  { name: "conf", mountPath: `${HOME}/conf` },
                  { name: "logs", mountPath: `${HOME}/logs` },
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
            ],
            volume: [
              { name: "conf", emptyDir: { sizeLimit: "16Mi" } },
              { name: "logs", emptyDir: { sizeLimit: sizes.logs } },
              { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
            ],
          },
        },
        volumeClaimTemplate: [
          {
            metadata: { name: "data", labels },
            spec: { accessModes: ["ReadWriteOnce"], storageClassName: platform.storageClassName, resources: { requests: { storage: volumeSize } } },
          },
        ],
      },
      dependsOn: generator ? [generator.job] : undefined,
    });
    platform.placement.disruptionBudget(base, "DisruptionBudget", { name: NAME, namespace: ns.name, selector, labels, replicas: members });

    const sync = new RegistryJob(context.scope(Layer.APPS), "Sync", {
      platform,
      name: `${NAME}-sync`,
      namespace,
      component: "registry",
      script: JOB_PRELUDE + NACOS_SYNC_PROGRAM,
      files: auth ? { "admin-password": { secretName: authSecret, key: "admin-password" } } : {},
      spec: () => ({
        url: `http://${host}:${NACOS_PORTS.http}`,
        auth,
        shared: this.sharedNamespace,
        teams: this.teamNamespaces.map((ns) => ({ namespace: ns, secret: REGISTRY_CREDENTIALS_SECRET })),
        configs: this.configEntries,
        credentialLabels: platform.labels("registry", REGISTRY_CREDENTIALS_SECRET),
      }),
    });
    this.state = { namespace, host, auth, sync };
  }

  public configureTeam(team: ITeam): void {
    // A team's Nacos user is named after its namespace; "nacos" is the administrator.
    check(team.namespaceName !== "nacos", this.site, 'a team namespace named "nacos" would share its name with the Nacos administrator', team.namespaceName, "Give the team another namespace.");
    super.configureTeam(team);
    if (this.installed.auth) this.installed.sync.allowWriting(team.namespaceName, REGISTRY_CREDENTIALS_SECRET);
  }

  public credentialsOf(team: ITeam): RegistryCredentials {
    this.checkTeam(team);
    const secretName = REGISTRY_CREDENTIALS_SECRET;
    return this.installed.auth ? { secretName, username: { secretName, key: "username" }, password: { secretName, key: "password" } } : { secretName };
  }

  /**
   * Every service gets where Nacos is, its team's namespace and credentials, as `NACOS_*` (the
   * platform's names, for any SDK) and `SPRING_CLOUD_NACOS_*` (Spring Cloud Alibaba's properties by
   * relaxed binding), and registers under its own name and port. Nacos keeps an ephemeral
   * instance alive by the client's heartbeat, not by calling the service, so the readiness path
   * is not handed to it.
   */
  public configureService(service: IServiceBinding): void {
    const namespace = this.namespaceOf(service.team);
    const credentials = this.credentialsOf(service.team);
    const env: [string, string | SecretKeyRef | undefined][] = [
      // The platform's own names, for any SDK (nacos-sdk-go reads no environment of its own).
      ["NACOS_SERVER_ADDR", this.address],
      ["NACOS_NAMESPACE", namespace],
      ["NACOS_USERNAME", credentials.username],
      ["NACOS_PASSWORD", credentials.password],
      // Spring Cloud Alibaba, by relaxed binding: "server-addr" is SERVERADDR (SERVER_ADDR would bind server.addr).
      ["SPRING_CLOUD_NACOS_SERVERADDR", this.address],
      ["SPRING_CLOUD_NACOS_USERNAME", credentials.username],
      ["SPRING_CLOUD_NACOS_PASSWORD", credentials.password],
      ["SPRING_CLOUD_NACOS_DISCOVERY_NAMESPACE", namespace],
      ["SPRING_CLOUD_NACOS_DISCOVERY_SERVICE", service.serviceName],
      ["SPRING_CLOUD_NACOS_DISCOVERY_PORT", String(service.port)],
      ["SPRING_CLOUD_NACOS_CONFIG_NAMESPACE", namespace],
    ];
    for (const [name, value] of env) if (value !== undefined) service.addEnv(name, value);
    this.recordService(service);
  }

  private get installed(): Installed {
    if (!this.state) throw notInstalled("Nacos");
    return this.state;
  }
}

/** Port names: at most 15 characters, lowercase. */
function portName(key: string): string {
  return { http: "http", clientGrpc: "client-grpc", memberGrpc: "member-grpc", raft: "raft" }[key] ?? key;
}

function checkMysql(site: string, mysql: NacosMysqlOptions): void {
  checkOptionsSchema(site, "NacosMysqlOptions", mysql, "mysql");
  check(typeof mysql.host === "string" && /^[A-Za-z0-9.-]{1,253}$/.test(mysql.host), site, "mysql.host must be a host name", mysql.host, 'Use e.g. "mysql.db.svc.cluster.local".');
  check(mysql.port === undefined || (Number.isInteger(mysql.port) && mysql.port >= 1 && mysql.port <= 65535), site, "mysql.port must be a port number", mysql.port, "Use e.g. 3306.");
  check(typeof mysql.database === "string" && /^[A-Za-z0-9_$]{1,64}$/.test(mysql.database), site, "mysql.database must be a database name", mysql.database, 'Use e.g. "nacos".');
  check(typeof mysql.username === "string" && /^[^\s]{1,64}$/.test(mysql.username), site, "mysql.username must be a user name", mysql.username, 'Use e.g. "nacos".');
  if (mysql.password === undefined) {
    throw new PlatformConfigError(site, "MySQL storage needs the password as a Secret reference", "no password", 'Create a Secret in the registry namespace and pass password: { secretName: "nacos-db", key: "password" }.');
  }
  checkSecretRef(site, "mysql.password", mysql.password, '{ secretName: "nacos-db", key: "password" }');
  check(mysql.params === undefined || (typeof mysql.params === "string" && /^[\w.=&%-]*$/.test(mysql.params) && !/password/i.test(mysql.params)), site, "mysql.params must be JDBC parameters without a password", "<redacted>", 'Use e.g. "characterEncoding=utf8&useSSL=true".');
}
