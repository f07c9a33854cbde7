import { IComponentContext, IPlatformComponent, notInstalled } from "../core/component";
import { Layer } from "../core/context";
import { CERT_MANAGER_RESOURCES } from "../core/defaults";
import { HelmChart, HelmValues, toChartResources } from "../core/helm-chart";
import { selectorLabels } from "../core/names";
import { TopologySpread, WorkloadRole } from "../core/placement";
import { replicaGroup, ZoneGroup } from "../core/zones";
import { SecureNamespace } from "../core/secure-namespace";
import { CHARTS, IMAGES } from "../core/versions";
import { checkOptionsSchema } from "../core/validate";
import { emitResource } from "../core/provider-resource";

/** The webhook's secure port (the chart's `webhook.securePort` default). */
const WEBHOOK_PORT = 10250;

/** Options of `CertManager`. */
export interface CertManagerOptions {
  /** Namespace. @default "<platform>-cert-manager" */
  readonly namespace?: string;
  /** Values merged over the platform's. @default {} */
  readonly values?: HelmValues;
}

/**
 * cert-manager with its CRDs (kept on uninstall), for the certificates other components ask for.
 * A shared dependency: components that need it call `context.ensure(CertManager)`, so a platform
 * has one however many components use TLS. Its namespace lives in the base layer and its release
 * in the system layer; releases that render cert-manager resources must depend on `release`.
 */
export class CertManager implements IPlatformComponent {
  public readonly key = "cert-manager";
  private readonly options: CertManagerOptions;
  private installed?: { chart: HelmChart; namespace: string };
  private zoneLabel?: string;

  constructor(options: CertManagerOptions = {}) {
    // Checked when installed, so errors name the platform's path.
    this.options = options;
  }

  /** The release (other releases depend on it). */
  public get chart(): HelmChart {
    return this.state.chart;
  }

  /** Namespace. */
  public get namespace(): string {
    return this.state.namespace;
  }

  /** The controller, webhook and cainjector, read from the chart's values as merged. */
  public zoneGroups(): ZoneGroup[] {
    const values = this.chart.values as Record<string, unknown>;
    const zoneLabel = this.zoneLabel!;
    type Part = { replicaCount?: number; topologySpreadConstraints?: TopologySpread[] };
    const group = (part: string, v: Part | undefined) => replicaGroup(this.key, part, v?.replicaCount, v?.topologySpreadConstraints, zoneLabel);
    return [group("controller", values as Part), group("webhook", values.webhook as Part | undefined), group("cainjector", values.cainjector as Part | undefined)];
  }

  public install(context: IComponentContext): void {
    const { platform } = context;
    checkOptionsSchema(context.site, "CertManagerOptions", this.options);
    const namespace = this.options.namespace ?? `${platform.platformName}-cert-manager`;
    this.zoneLabel = platform.target.zoneLabel;
    const base = context.scope(Layer.BASE);
    // Nothing of the platform calls cert-manager's pods; the API server reaches the webhook (below).
    const ns = new SecureNamespace(base, "Namespace", { name: namespace, platformName: platform.platformName, system: true });
    // The API server calls the webhook from outside any namespace (often the host network), so the
    // namespace's default-deny would break every Certificate admission: admit its port from anywhere.
    emitResource(base, "WebhookIngress", "kubernetes_network_policy_v1", {
      metadata: { name: "cert-manager-webhook", namespace: ns.name, labels: platform.labels("certificates", "cert-manager-webhook") },
      spec: {
        podSelector: { matchLabels: { "app.kubernetes.io/instance": "cert-manager", "app.kubernetes.io/component": "webhook" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: String(WEBHOOK_PORT), protocol: "TCP" }] }],
      },
    });

    const profile = platform.profile;
    const resources = CERT_MANAGER_RESOURCES[profile.size];
    const ha = profile.statelessReplicas >= 2;
    const part = (component: string, replicas: number): HelmValues => {
      // The chart labels its pods app.kubernetes.io/{name,instance,component}; spread by those.
      const selector = { ...selectorLabels({ name: component === "controller" ? "cert-manager" : component, instance: "cert-manager" }), "app.kubernetes.io/component": component };
      return {
        replicaCount: replicas,
        resources: toChartResources(resources),
        // The chart's defaults are restricted too; set here so that the policy pack judges what is installed.
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
        podDisruptionBudget: { enabled: replicas >= 2 },
        topologySpreadConstraints: platform.placement.spread(selector, WorkloadRole.STATELESS),
      };
    };
    const image = (pin: { repository: string }) => ({ repository: platform.mirror.image(pin.repository) });

    const chart = new HelmChart(context.scope(Layer.SYSTEM), "Chart", {
      pin: CHARTS.certManager,
      releaseName: "cert-manager",
      namespace,
      mirror: platform.mirror,
      defaults: {
        crds: { enabled: true, keep: true },
        global: {
          priorityClassName: platform.priorityClassName,
          imagePullSecrets: platform.mirror.pullSecretRefs(),
        },
        // Controller and cainjector elect a leader: two replicas give fail-over, a third adds nothing.
        ...part("controller", ha ? 2 : 1),
        webhook: { ...part("webhook", ha ? profile.statelessReplicas : 1), securePort: WEBHOOK_PORT },
        cainjector: part("cainjector", ha ? 2 : 1),
        startupapicheck: { resources: toChartResources(resources) },
      },
      imageRegistryValues: () => ({
        // The chart prefixes `image.registry` to the full default repository, so the mirror sets whole repositories.
        image: image(IMAGES.certManagerController),
        webhook: { image: image(IMAGES.certManagerWebhook) },
        cainjector: { image: image(IMAGES.certManagerCainjector) },
        acmesolver: { image: image(IMAGES.certManagerAcmesolver) },
        startupapicheck: { image: image(IMAGES.certManagerStartupapicheck) },
      }),
      values: this.options.values,
      podParts: [
        { name: "controller", podSecurityContext: "securityContext", securityContext: "containerSecurityContext", resources: "resources" },
        ...["webhook", "cainjector"].map((name) => ({ name, podSecurityContext: `${name}.securityContext`, securityContext: `${name}.containerSecurityContext`, resources: `${name}.resources` })),
      ],
    });
    this.installed = { chart, namespace };
  }

  private get state(): { chart: HelmChart; namespace: string } {
    if (!this.installed) throw notInstalled("CertManager");
    return this.installed;
  }
}

