import { Construct } from "constructs";
import type { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { IPlatform } from "../core/context";
import { waitForRolloutOf } from "../core/platform-stack";
import { DEFAULT_RUN_AS_USER, PROBE_TIMINGS, Resources, SERVICE_RESOURCES } from "../core/defaults";
import { check, checkKnownOptions } from "../core/errors";
import { checkDnsLabel, selectorLabels } from "../core/names";
import { toProviderSpread, WorkloadRole } from "../core/placement";

/** A value read from a key of an existing Kubernetes Secret. */
export interface SecretKeyRef {
  /** Secret name, in the service's namespace. */
  readonly secretName: string;
  /** Key in the Secret. */
  readonly key: string;
}

/** Health endpoints of the service's HTTP port. */
export interface HealthCheckOptions {
  /** Path that answers 2xx when the service can take traffic. @default "/readyz" */
  readonly readinessPath?: string;
  /** Path that answers 2xx while the process is healthy (restart otherwise). @default "/livez" */
  readonly livenessPath?: string;
}

/** Options of a microservice. */
export interface MicroserviceOptions {
  /** Image with an explicit tag or digest (`shop/orders:1.4.2`); `latest` is refused. */
  readonly image: string;
  /** Container port the service listens on (HTTP). @default 8080 */
  readonly port?: number;
  /** Replicas. @default - the profile's statelessReplicas */
  readonly replicas?: number;
  /** Container resources. @default - SERVICE_RESOURCES for the profile's size */
  readonly resources?: Resources;
  /** Plain environment variables (never secrets: use `secretEnv`). @default {} */
  readonly env?: Record<string, string>;
  /** Environment variables read from existing Secrets. @default {} */
  readonly secretEnv?: Record<string, SecretKeyRef>;
  /** Health endpoints. @default { readinessPath: "/readyz", livenessPath: "/livez" } */
  readonly health?: HealthCheckOptions;
  /** UID the container runs as (non-zero). @default 10001 */
  readonly runAsUser?: number;
  /** Give the pod an API token (only for services that call the Kubernetes API). @default false */
  readonly automountServiceAccountToken?: boolean;
  /** ServiceAccount annotations (e.g. a workload identity). @default {} */
  readonly serviceAccountAnnotations?: Record<string, string>;
}

/** Props of `Microservice`. */
export interface MicroserviceProps extends MicroserviceOptions {
  /** The platform. */
  readonly platform: IPlatform;
  /** Service name (DNS label): Deployment, Service and ServiceAccount share it. */
  readonly name: string;
  /** Namespace to run in (a team's namespace reference). */
  readonly namespace: string;
}

const OPTIONS = [
  "image", "port", "replicas", "resources", "env", "secretEnv", "health", "runAsUser",
  "automountServiceAccountToken", "serviceAccountAnnotations",
];
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;

/**
 * A stateless HTTP service with the platform's defaults: restricted pod security, its own
 * ServiceAccount without an API token, requests and a memory limit, distinct readiness and
 * liveness probes, spread across zones and nodes, and a PodDisruptionBudget when it has two or
 * more replicas.
 */
export class Microservice extends Construct {
  /** Service name. */
  public readonly serviceName: string;
  /** Namespace. */
  public readonly namespace: string;
  /** In-cluster URL of the service (`http://<name>.<namespace>.svc:<port>`). */
  public readonly url: string;
  /** The Deployment. */
  public readonly deployment: DeploymentV1;
  /** The Service. */
  public readonly service: ServiceV1;

  constructor(scope: Construct, id: string, props: MicroserviceProps) {
    super(scope, id);
    const { platform, name, namespace, ...options } = props;
    checkKnownOptions(this, options, OPTIONS);
    checkDnsLabel(this, "the service name", name);
    checkImage(this, props.image);
    const port = props.port ?? 8080;
    check(Number.isInteger(port) && port >= 1 && port <= 65535, this, "port must be a whole number from 1 to 65535", port, "Use the port the container listens on, e.g. 8080.");
    const replicas = props.replicas ?? platform.profile.statelessReplicas;
    check(Number.isInteger(replicas) && replicas >= 1, this, "replicas must be a whole number >= 1", replicas, "Use 1 or more.");
    const runAsUser = props.runAsUser ?? DEFAULT_RUN_AS_USER;
    check(Number.isInteger(runAsUser) && runAsUser > 0, this, "runAsUser must be a non-zero UID (the platform runs nothing as root)", runAsUser, `Use the image's non-root UID, or leave it unset for ${DEFAULT_RUN_AS_USER}.`);
    const resources = props.resources ?? SERVICE_RESOURCES[platform.profile.size];
    for (const [key, value] of Object.entries(resources)) {
      check(typeof value === "string" && QUANTITY.test(value), this, `resources.${key} must be a Kubernetes quantity`, value, 'Use e.g. "250m" for CPU and "256Mi" for memory.');
    }
    for (const key of Object.keys(props.env ?? {})) {
      check(!(props.secretEnv ?? {})[key], this, `env "${key}" is set both as a plain value and from a Secret`, key, "Keep one of them.");
    }

    this.serviceName = name;
    this.namespace = namespace;
    this.url = `http://${name}.${namespace}.svc:${port}`;
    const selector = selectorLabels({ name, instance: platform.platformName });
    const labels = { ...platform.labels("service", name), ...selector };
    const spread = platform.placement.spread(selector, WorkloadRole.STATELESS);
    const health = { readinessPath: "/readyz", livenessPath: "/livez", ...props.health };

    const account = new ServiceAccountV1(this, "ServiceAccount", {
      metadata: { name, namespace, labels, annotations: props.serviceAccountAnnotations },
      automountServiceAccountToken: false,
    });

    this.deployment = new (loadDeployment())(this, "Resource", {
      metadata: { name, namespace, labels },
      waitForRollout: waitForRolloutOf(this),
      spec: {
        replicas: String(replicas),
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "0" } },
        template: {
          metadata: { labels: { ...labels, ...platform.target.workloadIdentity?.podLabels } },
          spec: {
            serviceAccountName: account.metadata.name,
            automountServiceAccountToken: props.automountServiceAccountToken ?? false,
            enableServiceLinks: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: String(runAsUser),
              runAsGroup: String(runAsUser),
              fsGroup: String(runAsUser),
              seccompProfile: { type: "RuntimeDefault" },
            },
            topologySpreadConstraint: spread.length > 0 ? toProviderSpread(spread) : undefined,
            imagePullSecrets: platform.mirror.imagePullSecrets.length > 0 ? platform.mirror.imagePullSecrets.map((secret) => ({ name: secret })) : undefined,
            container: [
              {
                name,
                image: platform.mirror.image(props.image),
                port: [{ name: "http", containerPort: port, protocol: "TCP" }],
                env: [
                  ...Object.entries(props.env ?? {}).map(([envName, value]) => ({ name: envName, value })),
                  ...Object.entries(props.secretEnv ?? {}).map(([envName, ref]) => ({
                    name: envName,
                    valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } },
                  })),
                ],
                resources: {
                  requests: { cpu: resources.cpu, memory: resources.memory },
                  limits: { memory: resources.memoryLimit },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ["ALL"] },
                  seccompProfile: { type: "RuntimeDefault" },
                },
                readinessProbe: { httpGet: { path: health.readinessPath, port: "http" }, ...PROBE_TIMINGS.readiness },
                livenessProbe: { httpGet: { path: health.livenessPath, port: "http" }, ...PROBE_TIMINGS.liveness },
                volumeMount: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            volume: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
          },
        },
      },
    });

    this.service = new ServiceV1(this, "Service", {
      metadata: { name, namespace, labels },
      spec: {
        type: "ClusterIP",
        selector,
        port: [{ name: "http", port, targetPort: "http", protocol: "TCP", appProtocol: "http" }],
      },
    });

    platform.placement.disruptionBudget(this, "DisruptionBudget", { name, namespace, selector, labels, replicas });
  }
}

/** Refuses images without an explicit tag or digest, and `latest`. */
function checkImage(scope: Construct, image: string): void {
  check(typeof image === "string" && image.length > 0, scope, "image is required", image, 'Give an image with a tag, e.g. "shop/orders:1.4.2".');
  if (image.includes("@sha256:")) return;
  const lastSegment = image.split("/").pop() ?? "";
  const tag = lastSegment.includes(":") ? lastSegment.split(":").pop() : undefined;
  check(!!tag && tag !== "latest", scope, "image needs an explicit tag other than latest (or a digest), so every deploy runs what was reviewed", image, 'Pin a version, e.g. "shop/orders:1.4.2", or a digest "shop/orders@sha256:...".');
}

/**
 * The Deployment module (with its pod-spec types) takes ~0.1 s to load; it is loaded when the
 * first service is declared, so stacks without services do not pay for it.
 */
function loadDeployment(): typeof DeploymentV1 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("@cdktf/provider-kubernetes/lib/deployment-v1") as typeof import("@cdktf/provider-kubernetes/lib/deployment-v1")).DeploymentV1;
}
