/**
 * The one table of pinned versions: every chart and image the platform installs is named here
 * and nowhere else, so an upgrade is one reviewed line (and its values keys re-checked at the
 * new tag). The README's component table lists the same rows; a test keeps them in step.
 */

/** A Helm chart at a pinned version. */
export interface ChartPin {
  /** Upstream repository URL (http(s):// or oci://). */
  readonly repository: string;
  /** Chart name in that repository. */
  readonly chart: string;
  /** Exact chart version. */
  readonly version: string;
  /** Version of the software the chart installs (documentation and labels). */
  readonly appVersion: string;
  /** API groups of the CRDs the chart installs; custom resources of these groups must be planned in a later stack. @default [] */
  readonly crdGroups?: readonly string[];
}

/** Terraform providers, fixed by the prebuilt cdktf bindings in package.json. */
export const PROVIDERS = {
  kubernetes: { source: "hashicorp/kubernetes", version: "2.38.0", binding: "@cdktf/provider-kubernetes 12.1.x" },
  helm: { source: "hashicorp/helm", version: "3.1.1", binding: "@cdktf/provider-helm 12.1.x" },
} as const;

/** An image at a pinned tag, by its upstream repository (with registry). */
export interface ImagePin {
  readonly repository: string;
  readonly tag: string;
}

/** Charts the platform installs, by component. */
export const CHARTS = {
  /** Apache Pulsar (broker, bookies, Oxia, proxy). Values keys checked against test/fixtures/charts/pulsar-4.7.0.keys (derived at tag pulsar-4.7.0). */
  pulsar: { repository: "https://pulsar.apache.org/charts", chart: "pulsar", version: "4.7.0", appVersion: "4.0.12" },
  /** cert-manager, for the broker's TLS certificates. Values keys checked against test/fixtures/charts/cert-manager-v1.20.3.keys (derived at tag v1.20.3). */
  certManager: {
    repository: "https://charts.jetstack.io",
    chart: "cert-manager",
    version: "v1.20.3",
    appVersion: "v1.20.3",
    crdGroups: ["cert-manager.io", "acme.cert-manager.io"],
  },
  /**
   * Dapr control plane (operator, sentry, placement, scheduler, sidecar injector) with its CRDs.
   * Values keys checked against test/fixtures/charts/dapr-1.18.3.keys (tag v1.18.3, umbrella and subcharts).
   */
  dapr: { repository: "https://dapr.github.io/helm-charts/", chart: "dapr", version: "1.18.3", appVersion: "1.18.3", crdGroups: ["dapr.io"] },
  /** OpenTelemetry Collector (gateway). Values keys checked against test/fixtures/charts/opentelemetry-collector-0.170.0.keys. */
  openTelemetryCollector: {
    repository: "https://open-telemetry.github.io/opentelemetry-helm-charts",
    chart: "opentelemetry-collector",
    version: "0.170.0",
    appVersion: "0.158.0",
  },
  /** Jaeger v2 (all-in-one: collector, query, UI). Values keys checked against test/fixtures/charts/jaeger-4.11.1.keys. */
  jaeger: { repository: "https://jaegertracing.github.io/helm-charts", chart: "jaeger", version: "4.11.1", appVersion: "2.19.0" },
  /**
   * HashiCorp Consul (servers, ACL bootstrap, TLS and gossip key generation), the registry's
   * alternative to Nacos. Values keys checked against test/fixtures/charts/consul-1.9.11.keys
   * (derived at tag v1.9.11 of hashicorp/consul-k8s).
   */
  consul: { repository: "https://helm.releases.hashicorp.com", chart: "consul", version: "1.9.11", appVersion: "1.22.7", crdGroups: ["consul.hashicorp.com"] },
  /**
   * KEDA (operator, metrics API server, admission webhooks) with its CRDs. Values keys checked
   * against test/fixtures/charts/keda-2.20.2.keys (tag v2.20.2 of kedacore/charts).
   */
  keda: { repository: "https://kedacore.github.io/charts", chart: "keda", version: "2.20.2", appVersion: "2.20.2", crdGroups: ["keda.sh", "eventing.keda.sh"] },
  /**
   * KEDA's HTTP add-on (interceptor, external scaler, operator) with the http.keda.sh CRDs.
   * Values keys checked against test/fixtures/charts/keda-add-ons-http-0.15.0.keys (its release
   * commit in kedacore/charts; the chart has no tag).
   */
  kedaHttpAddOn: { repository: "https://kedacore.github.io/charts", chart: "keda-add-ons-http", version: "0.15.0", appVersion: "0.15.0", crdGroups: ["http.keda.sh"] },
} as const satisfies Record<string, ChartPin>;

/** Images the platform names itself (charts pin the rest through their appVersion). */
export const IMAGES = {
  /** Pulsar with every offloader (the chart's default repository), at the chart's appVersion. */
  pulsar: { repository: "docker.io/apachepulsar/pulsar-all", tag: CHARTS.pulsar.appVersion },
  /** Oxia, as the Pulsar chart 4.7.0 pins it. */
  oxia: { repository: "docker.io/oxia/oxia", tag: "0.16.7" },
  /** kubectl image of the Pulsar chart's JWT secret job, as the chart pins it. */
  pulsarKubectl: { repository: "docker.io/alpine/k8s", tag: "1.32.12" },
  /** cert-manager's images (the tag is the chart's appVersion). */
  certManagerController: { repository: "quay.io/jetstack/cert-manager-controller", tag: CHARTS.certManager.appVersion },
  certManagerWebhook: { repository: "quay.io/jetstack/cert-manager-webhook", tag: CHARTS.certManager.appVersion },
  certManagerCainjector: { repository: "quay.io/jetstack/cert-manager-cainjector", tag: CHARTS.certManager.appVersion },
  certManagerAcmesolver: { repository: "quay.io/jetstack/cert-manager-acmesolver", tag: CHARTS.certManager.appVersion },
  certManagerStartupapicheck: { repository: "quay.io/jetstack/cert-manager-startupapicheck", tag: CHARTS.certManager.appVersion },
  /** Dapr's images (control plane and daprd) live under one registry path; the chart appends the name. */
  dapr: { repository: "ghcr.io/dapr", tag: CHARTS.dapr.appVersion },
  /** The collector's Kubernetes distribution (the chart has no default image). */
  otelCollector: { repository: "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-k8s", tag: CHARTS.openTelemetryCollector.appVersion },
  /** Jaeger v2, at the chart's appVersion. */
  jaeger: { repository: "docker.io/jaegertracing/jaeger", tag: CHARTS.jaeger.appVersion },
  /**
   * Nacos server (registry and config center), the maintained 2.5 line: its v1 open API (auth,
   * namespaces, configuration) is what the platform's sync Job speaks, and every 2.x and 3.x client
   * talks to it.
   */
  nacos: { repository: "docker.io/nacos/nacos-server", tag: "v2.5.3" },
  /** Consul and the chart's control-plane and dataplane images, as the chart pins them at 1.9.11. */
  consul: { repository: "docker.io/hashicorp/consul", tag: CHARTS.consul.appVersion },
  consulK8s: { repository: "docker.io/hashicorp/consul-k8s-control-plane", tag: CHARTS.consul.version },
  consulDataplane: { repository: "docker.io/hashicorp/consul-dataplane", tag: CHARTS.consul.version },
  /** Python (standard library only) for the registries' Jobs: secret generation and sync. */
  python: { repository: "docker.io/library/python", tag: "3.13.9-alpine3.22" },
  /** podinfo: the small HTTP service the default blueprints run to show a service's wiring (listens on 9898, /readyz, /healthz). */
  demoService: { repository: "ghcr.io/stefanprodan/podinfo", tag: "6.7.1" },
} as const satisfies Record<string, ImagePin>;
