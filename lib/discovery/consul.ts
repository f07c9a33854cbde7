import type { IServiceBinding, ITeam, RegistryCredentials, SecretKeyRef, SidecarNameResolution } from "../core/bindings";
import { IComponentContext, notInstalled } from "../core/component";
import { IPlatform, Layer } from "../core/context";
import { CONSUL_DEFAULTS } from "../core/defaults";
import { check, PlatformConfigError } from "../core/errors";
import { ZoneGroup } from "../core/zones";
import { ChartPodPart, HelmChart, HelmValues, toChartResources } from "../core/helm-chart";
import { WorkloadRole } from "../core/placement";
import { isQuantity } from "../core/quantity";
import { admitComponent, PLATFORM_LABEL, SecureNamespace } from "../core/secure-namespace";
import { CHARTS, IMAGES } from "../core/versions";
import { CONSUL_SYNC_PROGRAM } from "./consul-program";
import { JOB_PRELUDE } from "./job-prelude";
import { REGISTRY_CREDENTIALS_SECRET, RegistryBase } from "./registry-base";
import { RegistryJob } from "./registry-job";
import { checkOptionsSchema } from "../core/validate";
import { emitResource } from "../core/provider-resource";

/** Options of `Consul`. */
export interface ConsulOptions {
  /** Server agents: odd (Raft needs a majority). @default - the profile's quorumSize (3 in PRODUCTION, 1 otherwise) */
  readonly servers?: number;
  /** Data volume of each server. @default - CONSUL_DEFAULTS by profile size */
  readonly volumeSize?: string;
  /** Key prefix of entries declared without a team; every team may read it. @default "<platform>-shared" */
  readonly sharedPrefix?: string;
  /** Values merged over the chart's. @default {} */
  readonly values?: HelmValues;
}

/** The chart's resource names follow global.name. */
const RELEASE = "consul";
/** HTTPS API and TLS gRPC: what clients of the platform's namespaces may reach. Serf and server RPC stay inside the registry's namespace. */
export const CONSUL_CLIENT_PORTS = { https: 8501, grpcTls: 8502 } as const;
/** Where a service's registry Secret (token, CA) is mounted; daprd gets the CA at its own path. */
const SERVICE_CREDENTIALS_DIR = "/var/run/secrets/registry";
const SIDECAR_CREDENTIALS_DIR = "/var/run/secrets/registry-sidecar";
/** daprd's HTTP API, where Dapr's Consul registrations are health-checked. */
const DAPR_HTTP_PORT = 3500;

interface Installed {
  readonly namespace: string;
  readonly host: string;
  readonly sync: RegistryJob;
  readonly chart: HelmChart;
}

/**
 * HashiCorp Consul as the platform's service registry and key/value config center, from the
 * official chart (`consul` 1.9.11, Consul 1.22.7): a server quorum (3 across zones in PRODUCTION,
 * hard zone spread and host anti-affinity), ACLs with default deny, gossip encryption and TLS
 * (HTTPS only), whose bootstrap token, gossip key and CA the chart's own Jobs generate in the
 * cluster. Consul's service mesh stays off: Dapr is the platform's sidecar and mTLS.
 *
 * Each team gets an ACL policy and token: read on services and nodes, write on its own services'
 * registrations and on its key prefix (`<team namespace>/`), read on the shared prefix. A sync Job
 * writes the token and the CA to a Secret in the team's namespace and publishes the entries
 * declared with `config()` as keys `<prefix>/<group>/<dataId>`. Dapr sidecars resolve app ids
 * through Consul (`consul` name resolution, self-registration) with the team's token.
 *
 * A platform component (key "registry"): namespace and policies in the base layer, the release in
 * the system layer, the sync Job in the apps layer.
 */
export class Consul extends RegistryBase {
  public readonly registryKind = "consul";
  private readonly options: ConsulOptions;
  private state?: Installed;

  constructor(options: ConsulOptions = {}) {
    super();
    // Checked when installed, so errors name the platform's path.
    this.options = options;
  }

  /** `host:8501`: the HTTPS API, what `CONSUL_HTTP_ADDR` is set to. */
  public get address(): string {
    return `${this.installed.host}:${CONSUL_CLIENT_PORTS.https}`;
  }

  /** `https://host:8501`. */
  public get url(): string {
    return `https://${this.address}`;
  }

  /** The registry's Kubernetes namespace. */
  public get namespace(): string {
    return this.installed.namespace;
  }

  protected get memberSelector(): Record<string, string> {
    return serverPodLabels();
  }

  /** The servers as the chart's values set them (values may override the count). */
  public zoneGroups(): ZoneGroup[] {
    const [group] = super.zoneGroups();
    const replicas = (this.installed.chart.values.server as { replicas?: number } | undefined)?.replicas;
    return [{ ...group, members: replicas ?? group.members }];
  }

  protected get sharedNamespace(): string {
    return this.options.sharedPrefix ?? `${this.context!.platform.platformName}-shared`;
  }

  public install(context: IComponentContext): void {
    this.context = context;
    const { platform, site } = context;
    const o = this.options;
    checkOptionsSchema(site, "ConsulOptions", o);
    const servers = this.consensusMembers(o.servers, "servers", "Consul servers", "Raft");
    const volumeSize = o.volumeSize ?? CONSUL_DEFAULTS[platform.profile.size].storage;
    check(isQuantity(volumeSize), site, "volumeSize must be a Kubernetes quantity", volumeSize, 'Use e.g. "10Gi".');
    if (o.sharedPrefix !== undefined) check(typeof o.sharedPrefix === "string" && /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(o.sharedPrefix), site, "sharedPrefix must be a DNS label", o.sharedPrefix, 'Use e.g. "shared".');
    checkUserValues(site, o.values);

    const namespace = `${platform.platformName}-registry`;
    const host = `${RELEASE}-server.${namespace}.svc`;
    const base = context.scope(Layer.BASE);
    // The chart's hook Jobs (TLS and gossip key generation, ACL bootstrap) were not all checked against
    // "restricted": the namespace enforces "baseline" and warns and audits at "restricted".
    const ns = new SecureNamespace(base, "Namespace", { name: namespace, platformName: platform.platformName, system: true, enforce: "baseline" });
    emitResource(base, "ClientIngress", "kubernetes_network_policy_v1", {
      metadata: { name: "consul-clients", namespace: ns.name, labels: platform.labels("registry", "consul-clients") },
      spec: {
        podSelector: { matchLabels: serverPodLabels() },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { [PLATFORM_LABEL]: platform.platformName } } }],
            ports: Object.values(CONSUL_CLIENT_PORTS).map((port) => ({ port: String(port), protocol: "TCP" })),
          },
        ],
      },
    });

    // The apps stack, where the sync Job is, is applied after this release's stack.
    const chart = new HelmChart(context.scope(Layer.SYSTEM), "Chart", {
      pin: CHARTS.consul,
      releaseName: RELEASE,
      namespace,
      mirror: platform.mirror,
      defaults: consulValues(platform, servers, volumeSize),
      values: o.values,
      podParts: [CONSUL_SERVER_POD],
    });

    const sync = new RegistryJob(context.scope(Layer.APPS), "Sync", {
      platform,
      name: "consul-sync",
      namespace,
      component: "registry",
      script: JOB_PRELUDE + CONSUL_SYNC_PROGRAM,
      files: {
        token: { secretName: `${RELEASE}-bootstrap-acl-token`, key: "token" },
        "ca.crt": { secretName: `${RELEASE}-ca-cert`, key: "tls.crt" },
      },
      spec: () => ({
        url: `https://${host}:${CONSUL_CLIENT_PORTS.https}`,
        platform: platform.platformName,
        shared: this.sharedNamespace,
        teams: this.teamNamespaces.map((teamNamespace) => ({
          namespace: teamNamespace,
          secret: REGISTRY_CREDENTIALS_SECRET,
          services: platform.services.filter((s) => s.team.namespaceName === teamNamespace).map((s) => s.serviceName).sort(),
        })),
        configs: this.configEntries,
        credentialLabels: platform.labels("registry", REGISTRY_CREDENTIALS_SECRET),
      }),
    });
    this.state = { namespace, host, sync, chart };
  }

  public configureTeam(team: ITeam): void {
    super.configureTeam(team);
    // The servers run the health check of each app Dapr registers: daprd's HTTP port.
    admitComponent(this.context!.scope(Layer.APPS), `HealthChecks-${team.teamName}`, {
      name: "consul-health-checks",
      namespace: team.namespace,
      fromNamespace: this.installed.namespace,
      fromPods: serverPodLabels(),
      ports: [DAPR_HTTP_PORT],
      labels: team.platform.labels("registry", "consul-health-checks"),
    });
    this.installed.sync.allowWriting(team.namespaceName, REGISTRY_CREDENTIALS_SECRET);
  }

  public credentialsOf(team: ITeam): RegistryCredentials {
    this.checkTeam(team);
    const secretName = REGISTRY_CREDENTIALS_SECRET;
    return { secretName, token: { secretName, key: "token" }, caCertificate: { secretName, key: "ca.crt" } };
  }

  /**
   * Every service gets the HTTPS address, the CA and its team's token in the variables Consul's
   * API clients read (`CONSUL_HTTP_ADDR`, `CONSUL_HTTP_SSL`, `CONSUL_CACERT`, `CONSUL_HTTP_TOKEN`;
   * Go's, and the Node and Python clients that follow it), and its team's key prefix for
   * configuration (`CONSUL_KV_PREFIX`, the platform's name).
   */
  public configureService(service: IServiceBinding): void {
    const credentials = this.credentialsOf(service.team);
    service.mountSecret(credentials.secretName, SERVICE_CREDENTIALS_DIR);
    const env: [string, string | SecretKeyRef][] = [
      ["CONSUL_HTTP_ADDR", this.address],
      ["CONSUL_HTTP_SSL", "true"],
      ["CONSUL_CACERT", `${SERVICE_CREDENTIALS_DIR}/ca.crt`],
      ["CONSUL_HTTP_TOKEN", credentials.token!],
      ["CONSUL_KV_PREFIX", `${this.namespaceOf(service.team)}/`],
    ];
    for (const [name, value] of env) service.addEnv(name, value);
    this.recordService(service);
  }

  /** Dapr resolves app ids through Consul and registers each app there (its token by reference, the CA mounted into daprd). */
  public sidecarNameResolution(team: ITeam): SidecarNameResolution {
    const credentials = this.credentialsOf(team);
    return {
      component: "consul",
      version: "v1",
      configuration: {
        client: { address: this.address, scheme: "https", tlsConfig: { caFile: `${SIDECAR_CREDENTIALS_DIR}/ca.crt` } },
        // Registered on start, removed on a clean stop (scale-downs included); the servers check daprd's health endpoint.
        selfRegister: true,
        selfDeregister: true,
        // Only instances registered by a sidecar carry DAPR_PORT: apps that register themselves are skipped.
        queryOptions: { useCache: true, filter: '"DAPR_PORT" in Service.Meta' },
      },
      secretEnv: { CONSUL_HTTP_TOKEN: credentials.token! },
      mount: { secretName: credentials.secretName, keys: ["ca.crt"], path: SIDECAR_CREDENTIALS_DIR },
      healthCheckedFromOutside: true,
    };
  }

  private get installed(): Installed {
    if (!this.state) throw notInstalled("Consul");
    return this.state;
  }
}

/** Labels the chart puts on server pods (consul-k8s 1.9.11, server-statefulset.yaml). */
function serverPodLabels(): Record<string, string> {
  return { app: "consul", release: RELEASE, component: "server" };
}

/** ACLs, gossip encryption and TLS are the platform's floor: values may not turn them off. */
function checkUserValues(site: string, values: HelmValues | undefined): void {
  if (values === undefined) return;
  check(!!values && typeof values === "object" && !Array.isArray(values), site, "values must be an object of chart values", values, "Pass e.g. { ui: { enabled: false } }.");
  const global = (values.global ?? {}) as { acls?: { manageSystemACLs?: unknown }; gossipEncryption?: { autoGenerate?: unknown }; tls?: { enabled?: unknown; httpsOnly?: unknown } };
  const off: [unknown, string][] = [
    [global.acls?.manageSystemACLs, "global.acls.manageSystemACLs"],
    [global.gossipEncryption?.autoGenerate, "global.gossipEncryption.autoGenerate"],
    [global.tls?.enabled, "global.tls.enabled"],
    [global.tls?.httpsOnly, "global.tls.httpsOnly"],
  ];
  for (const [value, key] of off) {
    if (value === false) throw new PlatformConfigError(site, `${key} cannot be turned off: ACLs, gossip encryption and TLS are what keep other pods from reading or rewriting the registry`, `${key}: false`, `Remove ${key} from the values.`);
  }
}

function consulValues(platform: IPlatform, servers: number, volumeSize: string): HelmValues {
  const selector = serverPodLabels();
  const spread = platform.placement.spread(selector, WorkloadRole.QUORUM);
  const antiAffinity = platform.placement.antiAffinity(selector, WorkloadRole.QUORUM);
  const image = (pin: { repository: string; tag: string }) => platform.mirror.image(`${pin.repository}:${pin.tag}`);
  return {
    global: {
      // Resource names are "consul-<part>" (the chart would otherwise prefix the release name again).
      name: RELEASE,
      datacenter: platform.platformName,
      image: image(IMAGES.consul),
      imageK8S: image(IMAGES.consulK8s),
      imageConsulDataplane: image(IMAGES.consulDataplane),
      imagePullSecrets: platform.mirror.pullSecretRefs() ?? [],
      acls: { manageSystemACLs: true },
      gossipEncryption: { autoGenerate: true },
      tls: { enabled: true, enableAutoEncrypt: true, verify: true, httpsOnly: true },
    },
    server: {
      replicas: servers,
      bootstrapExpect: servers,
      storage: volumeSize,
      storageClass: platform.storageClassName,
      // The chart's default limits.cpu (100m) would survive the merge and sit below our request,
      // which the API server refuses: the platform limits memory only, so it is removed (null).
      resources: withoutCpuLimit(toChartResources(CONSUL_DEFAULTS[platform.profile.size])),
      priorityClassName: platform.priorityClassName,
      // The chart renders these two with tpl: they are YAML text (JSON is YAML), not maps.
      affinity: antiAffinity ? JSON.stringify(antiAffinity) : null,
      topologySpreadConstraints: spread.length > 0 ? JSON.stringify(spread) : "",
      disruptionBudget: { enabled: servers >= 2, maxUnavailable: 1 },
    },
    // Dapr is the platform's sidecar and mTLS: no second mesh, no injector webhook, no Consul DNS.
    connectInject: { enabled: false },
    dns: { enabled: false },
    ui: { enabled: true },
  };
}

/**
 * What templates/server-statefulset.yaml renders for the server at 1.9.11: the pod context from
 * `server.securityContext` (the chart's default when unset), the container's from
 * `server.containerSecurityContext.server`, else the chart's restricted context
 * (`consul.restrictedSecurityContext`, unless pod security policies are enabled).
 */
const CONSUL_SERVER_POD: ChartPodPart = {
  name: "server",
  render: (values: HelmValues) => {
    const server = (values.server ?? {}) as { securityContext?: unknown; containerSecurityContext?: { server?: unknown }; resources?: unknown };
    const global = (values.global ?? {}) as { enablePodSecurityPolicies?: boolean; openshift?: { enabled?: boolean } };
    const restricted = global.enablePodSecurityPolicies
      ? undefined
      : { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, ...(global.openshift?.enabled ? {} : { runAsUser: 100 }) };
    return {
      podSecurityContext: server.securityContext ?? { runAsNonRoot: true, runAsGroup: 1000, runAsUser: 100, fsGroup: 1000 },
      securityContext: server.containerSecurityContext?.server ?? restricted,
      resources: server.resources,
    };
  },
};

/** Chart resources with the chart's default CPU limit removed (Helm deletes a key set to null). */
function withoutCpuLimit(resources: HelmValues): HelmValues {
  return { ...resources, limits: { ...(resources.limits as object), cpu: null } };
}
