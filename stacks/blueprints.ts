import { Construct } from "constructs";
import {
  Consul, DaprRuntime, IMAGES, Keda, ScaleTrigger, IPlatformComponent, IServiceRegistry, MicroservicePlatform, MicroservicePlatformProps, Nacos, OffloadCredentials, OffloadStore, Profile, Target, TraceStorage,
  Tracing,
} from "../lib";

/**
 * The default blueprints: one platform per place it runs, each with its broker offloading cold
 * data to the place's own store, and in its default team a small HTTP service (podinfo) granted
 * to publish on the `public/default/hello` topic: its token, URL and CA arrive by reference.
 *
 * Cloud blueprints read the object-store keys at deploy time from sensitive stack variables
 * (`TF_VAR_offload_credential_id`, `TF_VAR_offload_credential_secret`); edge and local keep cold
 * data on a volume.
 *
 * Every blueprint runs a service registry and config center: Nacos, except `gcp`, which runs
 * Consul (there Dapr's sidecars also resolve and register app ids through it).
 */
export const BLUEPRINTS: Record<string, (scope: Construct) => MicroservicePlatform> = {
  /** kind (or minikube) on a laptop. */
  local: (scope) =>
    blueprint(scope, "local", { target: Target.kind(), profile: Profile.DEV, broker: { offload: OffloadStore.filesystem({ size: "5Gi" }) } }),
  /** k3s on one edge node. */
  edge: (scope) =>
    blueprint(scope, "edge", { target: Target.k3s(), profile: Profile.EDGE, broker: { offload: OffloadStore.filesystem({ size: "5Gi" }) } }),
  /** Amazon EKS across three zones, cold data in S3. */
  aws: (scope) =>
    blueprint(scope, "aws", {
      target: Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"], clusterName: "platform" }),
      profile: Profile.PRODUCTION,
      broker: { offload: OffloadStore.s3("aws-platform-pulsar-offload", { credentials: OffloadCredentials.fromStackVariables() }) },
    }),
  /** Google GKE across three zones, cold data in GCS. */
  gcp: (scope) =>
    blueprint(
      scope,
      "gcp",
      {
        target: Target.gke({ region: "europe-west1", zones: ["b", "c", "d"], project: "my-project", clusterName: "platform" }),
        profile: Profile.PRODUCTION,
        broker: { offload: OffloadStore.gcs("gcp-platform-pulsar-offload", { credentials: OffloadCredentials.fromStackVariables() }) },
      },
      new Consul(),
    ),
  /** Azure AKS across three zones, cold data in Blob Storage. */
  azure: (scope) =>
    blueprint(scope, "azure", {
      target: Target.aks({ region: "westeurope", zones: ["1", "2", "3"], clusterName: "platform" }),
      profile: Profile.PRODUCTION,
      broker: { offload: OffloadStore.azureBlob("pulsar-offload", { credentials: OffloadCredentials.fromStackVariables() }) },
    }),
  /** Tencent Cloud TKE across three zones, cold data in COS. */
  tencent: (scope) =>
    blueprint(scope, "tencent", {
      target: Target.tke({ region: "ap-guangzhou", zones: ["3", "4", "6"], clusterName: "platform" }),
      profile: Profile.PRODUCTION,
      broker: { offload: OffloadStore.tencentCos("tencent-platform-pulsar-offload-1250000000", { credentials: OffloadCredentials.fromStackVariables() }) },
    }),
};

/**
 * A platform with the sidecar runtime and tracing, and in its default team a publisher and a
 * subscriber (podinfo) talking through Dapr over the broker's `public/default/hello` topic:
 * `POST /echo` on hello-publisher is forwarded to its sidecar's publish endpoint, and
 * hello-subscriber receives each message on `/echo`; both trace to Jaeger. KEDA scales both to
 * zero: the publisher on HTTP requests (through the HTTP add-on's interceptor, host
 * `hello-publisher.<namespace>.svc`), the subscriber on its subscription's backlog. Both get the registry's
 * address, their team's registry namespace and credentials by reference, and the blueprint
 * publishes their settings to the config center.
 */
function blueprint(scope: Construct, name: string, props: MicroservicePlatformProps, registry: IPlatformComponent & IServiceRegistry = new Nacos()): MicroservicePlatform {
  const production = props.profile === Profile.PRODUCTION;
  const dapr = new DaprRuntime();
  const platform = new MicroservicePlatform(scope, name, {
    ...props,
    components: [
      registry,
      new Keda(),
      dapr,
      new Tracing({
        // The default blueprints bring no trace store of their own; name yours with TraceStorage.elasticsearch().
        storage: TraceStorage.memory(production ? { productionReason: "demo blueprint without a trace store: traces are kept for inspection only" } : {}),
      }),
    ],
  });
  const hello = platform.broker.topic("hello");
  const deadLetters = platform.broker.topic("hello-dlq");
  const demo = (service: string, env: Record<string, string>) =>
    platform.addService(service, {
      image: `${IMAGES.demoService.repository}:${IMAGES.demoService.tag}`,
      port: 9898,
      health: { readinessPath: "/readyz", livenessPath: "/healthz" },
      env: { PODINFO_OTEL_SERVICE_NAME: service, ...env },
    });
  const publisher = demo("hello-publisher", { PODINFO_BACKEND_URL: `http://localhost:3500/v1.0/publish/${dapr.pubsubNameOf(hello.namespace)}/${hello.name}` });
  publisher.publish(hello);
  publisher.autoscale({ triggers: [ScaleTrigger.http()] });
  const subscriber = demo("hello-subscriber", {});
  subscriber.subscribe(hello, { route: "/echo", deadLetter: deadLetters, scaleToZero: true });
  // Settings of the pair, in their team's registry namespace (group = service, as Spring Cloud reads it).
  for (const service of [publisher, subscriber]) {
    registry.config(service.serviceName, "settings.json", { topic: hello.fullName, logLevel: production ? "info" : "debug" }, { team: service.team });
  }
  return platform;
}
