import { Construct } from "constructs";
import { TerraformResource } from "cdktf";
import type { DeploymentV1SpecTemplateSpecContainerEnv } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { AutoscaleOptions, IAutoscalingProvider, IMessagingProvider, isAutoscalingProvider, isMessagingProvider, IServiceBinding, IServiceExtension, ITeam, SecretKeyRef, SubscribeOptions } from "../core/bindings";
import { IPlatform } from "../core/context";
import { waitForRolloutOf } from "../core/platform-stack";
import { DEFAULT_RUN_AS_USER, PROBE_TIMINGS, Resources, restrictedContainerSecurity, restrictedPodSecurity, SERVICE_RESOURCES } from "../core/defaults";
import { check, checkKnownOptions, PlatformConfigError } from "../core/errors";
import { checkDnsLabel, checkMetadataMap, isDnsSubdomain, selectorLabels } from "../core/names";
import { toProviderSpread, WorkloadRole } from "../core/placement";
import { checkScannable, escapeDeep, escapeTemplates } from "../core/literal";
import { checkOptionsSchema } from "../core/validate";
import { admitFromOutside, exposeThroughLoadBalancer } from "../core/exposure";
import { isQuantity, parseQuantity } from "../core/quantity";
import { emitResource, nameOf, toTerraformAttributes } from "../core/provider-resource";
import { Lazy } from "../core/lazy";

/** Where lazily rendered parts of the Deployment sit, for their attribute names. */
const DEPLOYMENT = "kubernetes_deployment_v1";
const CONTAINER = "spec.template.spec.container";

/** Health endpoints of the service's HTTP port. */
export interface HealthCheckOptions {
  /** Path that answers 2xx when the service can take traffic. @default "/readyz" */
  readonly readinessPath?: string;
  /** Path that answers 2xx while the process is healthy (restart otherwise). @default "/livez" */
  readonly livenessPath?: string;
}

/** How a service is reached from outside the cluster: one of `ingress` or `loadBalancer`. */
export interface ExposeOptions {
  /** Through the cluster's ingress controller, for one host. */
  readonly ingress?: {
    /** Host name, e.g. "orders.example.com". */
    readonly host: string;
    /** Path prefix. @default "/" */
    readonly path?: string;
    /** A TLS Secret (`kubernetes.io/tls`) of the service's namespace for the host. @default - plain HTTP */
    readonly tlsSecret?: string;
    /** IngressClass. @default - the target's */
    readonly className?: string;
  };
  /** Through a LoadBalancer Service of its own. */
  readonly loadBalancer?: {
    /** Inside the cloud network only (the target's internal load balancer annotations). @default true */
    readonly internal?: boolean;
    /** Port of the load balancer. @default - the service's port */
    readonly port?: number;
  };
}

/** Options of a microservice. */
export interface MicroserviceOptions {
  /** Image with an explicit tag or digest (`shop/orders:1.4.2`); `latest` is refused. */
  readonly image: string;
  /** Container port the service listens on (HTTP). @default 8080 */
  readonly port?: number;
  /** Replicas; leave unset for a service an autoscaler owns. @default - the profile's statelessReplicas */
  readonly replicas?: number;
  /** Container resources. @default - SERVICE_RESOURCES for the profile's size */
  readonly resources?: Resources;
  /** Plain environment variables (never secrets: use `secretEnv`). @default {} */
  readonly env?: Record<string, string>;
  /** Environment variables read from existing Secrets of the service's namespace. @default {} */
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
  /** The team whose namespace the service runs in. */
  readonly team: ITeam;
  /** Service name (DNS label): Deployment, Service and ServiceAccount share it. */
  readonly name: string;
}

const RESOURCE_KEYS = ["cpu", "memory", "memoryLimit"];
type EnvValue = string | SecretKeyRef;

/**
 * A stateless HTTP service with the platform's defaults: restricted pod security, its own
 * ServiceAccount without an API token, requests and a memory limit, distinct readiness and
 * liveness probes, spread across zones and nodes, and a PodDisruptionBudget when it has two or
 * more replicas or an autoscaler owns it.
 *
 * The pod template is rendered at synth time, so components and users can add environment
 * variables, annotations and Secret mounts after construction (`IServiceBinding`).
 */
export class Microservice extends Construct implements IServiceBinding {
  /** Service name. */
  public readonly serviceName: string;
  /** The team whose namespace the service runs in. */
  public readonly team: ITeam;
  /** The platform. */
  public readonly platform: IPlatform;
  /** Namespace, as a reference. */
  public readonly namespace: string;
  /** Container port. */
  public readonly port: number;
  /** In-cluster URL of the service (`http://<name>.<namespace>.svc:<port>`). */
  public readonly url: string;
  /** The Deployment. */
  public readonly deployment: TerraformResource;
  /** The Service. */
  public readonly service: TerraformResource;
  private readonly env = new Map<string, EnvValue>();
  private readonly annotations = new Map<string, string>();
  private readonly secretMounts = new Map<string, string>();
  private readonly secretVolumes = new Map<string, string[]>();
  private readonly extensions = new Set<IServiceExtension>();
  private readonly replicas: number;
  private readonly replicasGiven: boolean;
  private readonly selector: Record<string, string>;
  private readonly labels: Record<string, string>;
  private isAutoscaled = false;
  private exposedAs?: "ingress" | "loadBalancer";
  private budget?: TerraformResource;

  constructor(scope: Construct, id: string, props: MicroserviceProps) {
    super(scope, id);
    const { platform, team, name, ...options } = props;
    checkOptionsSchema(this, "ServiceOptions", options);
    checkDnsLabel(this, "the service name", name);
    checkImage(this, props.image);
    const port = props.port ?? 8080;
    check(Number.isInteger(port) && port >= 1 && port <= 65535, this, "port must be a whole number from 1 to 65535", port, "Use the port the container listens on, e.g. 8080.");
    this.replicasGiven = props.replicas !== undefined;
    const replicas = props.replicas ?? platform.profile.statelessReplicas;
    check(Number.isInteger(replicas) && replicas >= 1 && replicas <= 10_000, this, "replicas must be a whole number from 1 to 10000", replicas, "Use 1 or more.");
    const runAsUser = props.runAsUser ?? DEFAULT_RUN_AS_USER;
    check(Number.isInteger(runAsUser) && runAsUser > 0, this, "runAsUser must be a non-zero UID (the platform runs nothing as root)", runAsUser, `Use the image's non-root UID, or leave it unset for ${DEFAULT_RUN_AS_USER}.`);
    const resources = props.resources ?? SERVICE_RESOURCES[platform.profile.size];
    checkResources(this, resources);

    this.serviceName = name;
    this.team = team;
    this.platform = platform;
    this.namespace = team.namespace;
    this.port = port;
    this.replicas = replicas;
    this.url = `http://${name}.${team.namespaceName}.svc:${port}`;
    this.selector = selectorLabels({ name, instance: platform.platformName });
    this.labels = { ...platform.labels("service", name), ...this.selector };
    for (const [envName, value] of entriesOf(this, "env", props.env)) this.addEnv(envName, value as string);
    for (const [envName, ref] of entriesOf(this, "secretEnv", props.secretEnv)) this.addEnv(envName, ref as SecretKeyRef);
    const namespace = this.namespace;
    const labels = this.labels;
    const spread = platform.placement.spread(this.selector, WorkloadRole.STATELESS);
    const health = { readinessPath: props.health?.readinessPath ?? "/readyz", livenessPath: props.health?.livenessPath ?? "/livez" };
    if (props.health !== undefined) checkKnownOptions(this, props.health, ["readinessPath", "livenessPath"]);
    for (const [key, path] of Object.entries(health)) {
      check(typeof path === "string" && /^\/\S*$/.test(path), this, `health.${key} must be a path starting with '/'`, path, 'Use e.g. "/readyz".');
    }
    // A liveness probe on the readiness path restarts a pod that is only busy or warming up.
    check(health.readinessPath !== health.livenessPath, this, "health.readinessPath and health.livenessPath must differ", health, 'Use e.g. "/readyz" and "/livez": ready for traffic is not the same as alive.');

    const account = emitResource(this, "ServiceAccount", "kubernetes_service_account_v1", {
      metadata: { name, namespace, labels, annotations: props.serviceAccountAnnotations === undefined ? undefined : escapeDeep(checkMetadataMap(this, "serviceAccountAnnotations", props.serviceAccountAnnotations)) },
      automountServiceAccountToken: false,
    });

    this.deployment = emitResource(this, "Resource", "kubernetes_deployment_v1", {
      metadata: { name, namespace, labels },
      waitForRollout: waitForRolloutOf(this),
      spec: {
        // Left out once an autoscaler owns the count: Terraform would otherwise reset it on every apply.
        replicas: Lazy.anyValue({ produce: () => (this.isAutoscaled ? undefined : String(this.replicas)) }) as unknown as string,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "0" } },
        template: {
          metadata: {
            labels: { ...labels, ...platform.target.workloadIdentity?.podLabels },
            annotations: Lazy.anyValue({
              produce: () => (this.annotations.size > 0 ? Object.fromEntries([...this.annotations].map(([k, v]) => [k, escapeTemplates(v)])) : undefined),
            }) as unknown as Record<string, string>,
          },
          spec: {
            serviceAccountName: nameOf(account),
            automountServiceAccountToken: props.automountServiceAccountToken ?? false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurity(runAsUser),
            topologySpreadConstraint: spread.length > 0 ? toProviderSpread(spread) : undefined,
            imagePullSecrets: platform.mirror.pullSecretRefs(),
            container: [
              {
                name,
                image: platform.mirror.image(props.image),
                port: [{ name: "http", containerPort: port, protocol: "TCP" }],
                env: Lazy.anyValue({ produce: () => toTerraformAttributes(DEPLOYMENT, CONTAINER + ".env", this.renderEnv()) }) as never,
                resources: {
                  requests: { cpu: resources.cpu, memory: resources.memory },
                  limits: { memory: resources.memoryLimit },
                },
                securityContext: restrictedContainerSecurity(),
                readinessProbe: { httpGet: { path: health.readinessPath, port: "http" }, ...PROBE_TIMINGS.readiness },
                livenessProbe: { httpGet: { path: health.livenessPath, port: "http" }, ...PROBE_TIMINGS.liveness },
                volumeMount: Lazy.anyValue({
                  produce: () =>
                    [{ name: "tmp", mountPath: "/tmp" }, ...[...this.secretMounts.values()].map((mountPath, i) => ({ name: `secret-${i}`, mountPath, readOnly: true }))].map(
                      (mount) => toTerraformAttributes(DEPLOYMENT, CONTAINER + ".volume_mount", mount),
                    ),
                }) as never,
              },
            ],
            volume: Lazy.anyValue({
              produce: () =>
                [
                  { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
                  ...[...this.secretMounts.keys()].map((secretName, i) => ({ name: `secret-${i}`, secret: { secretName } })),
                  ...[...this.secretVolumes].map(([secretName, keys], i) => ({ name: `sidecar-secret-${i}`, secret: { secretName, items: keys.map((key) => ({ key, path: key })) } })),
                ].map(
                  (volume) => toTerraformAttributes(DEPLOYMENT, "spec.template.spec.volume", volume),
                ),
            }) as never,
          },
        },
      },
    });

    this.service = emitResource(this, "Service", "kubernetes_service_v1", {
      metadata: { name, namespace, labels },
      spec: {
        type: "ClusterIP",
        selector: this.selector,
        port: [{ name: "http", port, targetPort: "http", protocol: "TCP", appProtocol: "http" }],
      },
    });

    if (replicas >= 2) this.addDisruptionBudget();
  }

  /** The namespace name as plain text. */
  public get namespaceName(): string {
    return this.team.namespaceName;
  }

  /** Whether an autoscaler owns the replica count. */
  public get autoscaled(): boolean {
    return this.isAutoscaled;
  }

  /** How the service is reached from outside the cluster, if it is. */
  public get exposure(): "ingress" | "loadBalancer" | undefined {
    return this.exposedAs;
  }

  /**
   * Makes the service reachable from outside the cluster: an Ingress for a host (class from the
   * target), or a LoadBalancer Service (internal by default, with the target's annotations); a
   * NetworkPolicy opens exactly its port to outside traffic.
   */
  public expose(options: ExposeOptions): void {
    checkOptionsSchema(this, "ExposeOptions", options);
    check((options.ingress === undefined) !== (options.loadBalancer === undefined), this, "expose takes one of ingress or loadBalancer", Object.keys(options), "Choose one way in.");
    check(this.exposedAs === undefined, this, "the service is exposed twice", this.exposedAs, "Call expose() once per service.");
    const port = { name: "http", port: this.port, targetPort: this.port };
    const labels = this.labels;
    if (options.loadBalancer !== undefined) {
      const lb = options.loadBalancer;
      check(!!lb && typeof lb === "object" && !Array.isArray(lb), this, "loadBalancer must be { internal?, port? }", lb, "Pass e.g. { internal: true }.");
      checkKnownOptions(this, lb, ["internal", "port"]);
      check(lb.internal === undefined || typeof lb.internal === "boolean", this, "loadBalancer.internal must be true or false", lb.internal, "Leave it unset for an internal load balancer.");
      check(lb.port === undefined || (Number.isInteger(lb.port) && lb.port >= 1 && lb.port <= 65535), this, "loadBalancer.port must be a port number", lb.port, "Use e.g. 443.");
      exposeThroughLoadBalancer(this, "LoadBalancer", {
        platform: this.platform, site: this, name: `${this.serviceName}-lb`, namespace: this.namespace, selector: this.selector,
        ports: [{ ...port, port: lb.port ?? this.port }], internal: lb.internal ?? true, labels,
      });
      this.exposedAs = "loadBalancer";
      return;
    }
    const ing = options.ingress!;
    check(!!ing && typeof ing === "object" && !Array.isArray(ing), this, "ingress must be { host, path?, tlsSecret?, className? }", ing, 'Pass e.g. { host: "orders.example.com" }.');
    checkKnownOptions(this, ing, ["host", "path", "tlsSecret", "className"]);
    check(isDnsSubdomain(ing.host) && ing.host.includes("."), this, "ingress.host must be a DNS name", ing.host, 'Use e.g. "orders.example.com".');
    const path = ing.path ?? "/";
    check(typeof path === "string" && /^\/[A-Za-z0-9._~\/-]*$/.test(path), this, "ingress.path must be a path starting with '/'", path, 'Use e.g. "/api".');
    if (ing.tlsSecret !== undefined) check(isDnsSubdomain(ing.tlsSecret), this, "ingress.tlsSecret must be the name of a TLS Secret of the service's namespace", ing.tlsSecret, 'Use e.g. "orders-tls".');
    const className = ing.className ?? this.platform.target.ingressClassName;
    if (className === undefined) {
      throw new PlatformConfigError(this, `target ${this.platform.target.kind} has no default IngressClass`, "no className", 'Pass ingress.className (e.g. "nginx"), or give the target ingressClassName.');
    }
    check(isDnsSubdomain(className), this, "ingress.className must be an IngressClass name", className, 'Use e.g. "nginx".');
    const annotations = this.platform.target.ingressAnnotations;
    emitResource(this, "Ingress", "kubernetes_ingress_v1", {
      metadata: { name: this.serviceName, namespace: this.namespace, labels, annotations: Object.keys(annotations).length > 0 ? escapeDeep({ ...annotations }) : undefined },
      spec: {
        ingressClassName: className,
        rule: [{ host: ing.host, http: { path: [{ path, pathType: "Prefix", backend: { service: { name: this.serviceName, port: { number: this.port } } } }] } }],
        tls: ing.tlsSecret ? [{ hosts: [ing.host], secretName: ing.tlsSecret }] : undefined,
      },
    });
    admitFromOutside(this, "IngressFromOutside", { name: this.serviceName, namespace: this.namespace, selector: this.selector, ports: [port], labels });
    this.exposedAs = "ingress";
  }

  /** Adds an environment variable, literal or from a Secret of the service's namespace. */
  public addEnv(name: string, value: string | SecretKeyRef): void {
    check(typeof name === "string" && /^[^=\s]+$/.test(name) && name.length <= 256, this, "an environment variable name must be non-empty, without '=' or spaces", name, 'Use e.g. "LOG_LEVEL".');
    if (this.env.has(name)) {
      throw new PlatformConfigError(this, `environment variable "${name}" is set twice`, name, "Set each variable once: a component may already set it (see the platform's components), or env and secretEnv both name it.");
    }
    checkScannable(this, `environment variable "${name.slice(0, 64)}"`, [name, value]);
    if (typeof value === "string") {
      this.env.set(name, value);
      return;
    }
    check(
      !!value && typeof value === "object" && typeof value.secretName === "string" && value.secretName.length > 0 && typeof value.key === "string" && value.key.length > 0,
      this,
      `environment variable "${name}" must be a string or a Secret reference { secretName, key }`,
      value,
      'Use e.g. { secretName: "orders-db", key: "password" }.',
    );
    this.env.set(name, { secretName: value.secretName, key: value.key });
  }

  /** Adds pod annotations (e.g. a sidecar injector's). */
  public addPodAnnotations(annotations: Record<string, string>): void {
    for (const [key, value] of Object.entries(checkMetadataMap(this, "annotations", annotations))) {
      const existing = this.annotations.get(key);
      if (existing !== undefined && existing !== value) {
        throw new PlatformConfigError(this, `pod annotation "${key}" is set twice with different values`, value, `Keep one value (it is already ${JSON.stringify(existing)}).`);
      }
      this.annotations.set(key, value as string);
    }
  }

  /** Mounts a Secret of the service's namespace read-only at `mountPath` (volumes are named secret-0, secret-1, ...). */
  public mountSecret(secretName: string, mountPath: string): string {
    check(isDnsSubdomain(secretName), this, "a mounted Secret's name must be a DNS subdomain", secretName, 'Use e.g. "orders-tls".');
    check(typeof mountPath === "string" && mountPath.startsWith("/") && mountPath !== "/tmp", this, "a Secret's mount path must be absolute and not /tmp", mountPath, 'Use e.g. "/var/run/secrets/pulsar".');
    const existing = this.secretMounts.get(secretName);
    if (existing !== undefined && existing !== mountPath) {
      throw new PlatformConfigError(this, `Secret "${secretName}" is mounted twice at different paths`, mountPath, `Mount it once (it is at ${existing}).`);
    }
    for (const [other, path] of this.secretMounts) {
      check(other === secretName || path !== mountPath, this, `two Secrets are mounted at ${mountPath}`, secretName, `Choose another path (${other} is mounted there).`);
    }
    this.secretMounts.set(secretName, mountPath);
    return `secret-${[...this.secretMounts.keys()].indexOf(secretName)}`;
  }

  /** Adds a pod volume of some keys of a Secret, not mounted in the service's container (for sidecars). */
  public addSecretVolume(secretName: string, keys: string[]): string {
    check(isDnsSubdomain(secretName), this, "a Secret's name must be a DNS subdomain", secretName, 'Use e.g. "orders-tls".');
    check(Array.isArray(keys) && keys.length > 0 && keys.every((k) => typeof k === "string" && /^[-._a-zA-Z0-9]+$/.test(k)), this, "keys must be a non-empty list of Secret keys", keys, 'Use e.g. ["ca.crt"].');
    const existing = this.secretVolumes.get(secretName);
    this.secretVolumes.set(secretName, [...new Set([...(existing ?? []), ...keys])].sort());
    return `sidecar-secret-${[...this.secretVolumes.keys()].indexOf(secretName)}`;
  }

  /** Hands the replica count to an autoscaler. */
  public markAutoscaled(): void {
    if (this.replicasGiven) {
      throw new PlatformConfigError(this, "replicas is set on a service that an autoscaler owns", this.replicas, "Remove replicas: the autoscaler's minimum and maximum decide the count.");
    }
    this.isAutoscaled = true;
    // maxUnavailable 1 is valid at any count, including the autoscaler's 1 (or 0) replicas.
    this.addDisruptionBudget();
  }

  /** Attaches an extension once. */
  public addExtension(extension: IServiceExtension): void {
    check(!!extension && typeof extension.bind === "function", this, "an extension must have a bind(service) method", extension, "Pass an IServiceExtension.");
    if (this.extensions.has(extension)) return;
    this.extensions.add(extension);
    extension.bind(this);
  }

  /**
   * Subscribes the service to a topic through the platform's messaging component (the sidecar
   * runtime): messages arrive as POSTs on `options.route`. Returns what that component returns
   * (for Dapr, the Subscription).
   */
  public subscribe(topic: object, options: SubscribeOptions): unknown {
    return this.messaging("subscribe").subscribeService(this, topic, options);
  }

  /**
   * Hands the replica count to the platform's autoscaler (KEDA), following `options.triggers`
   * (`ScaleTrigger.pulsarBacklog`, `.http`, `.cron`, `.cpu`, ...). Returns what that component
   * returns (for KEDA, the ScaledObject).
   */
  public autoscale(options: AutoscaleOptions): unknown {
    const provider = this.platform.components.find((c) => isAutoscalingProvider(c)) as IAutoscalingProvider | undefined;
    if (!provider) {
      throw new PlatformConfigError(this, "the service cannot autoscale: the platform has no autoscaling component", this.platform.components.map((c) => c.key), "Add new Keda() to the platform's components.");
    }
    return provider.autoscaleService(this, options);
  }

  /** Lets the service publish to a topic through the platform's messaging component. */
  public publish(topic: object): void {
    this.messaging("publish").publishFromService(this, topic);
  }

  private messaging(verb: string): IMessagingProvider {
    const provider = this.platform.components.find((c) => isMessagingProvider(c)) as IMessagingProvider | undefined;
    if (!provider) {
      throw new PlatformConfigError(this, `the service cannot ${verb}: the platform has no messaging component`, this.platform.components.map((c) => c.key), "Add new DaprRuntime() to the platform's components.");
    }
    return provider;
  }

  private addDisruptionBudget(): void {
    if (this.budget) return;
    this.budget = this.platform.placement.disruptionBudget(this, "DisruptionBudget", {
      name: this.serviceName,
      namespace: this.namespace,
      selector: this.selector,
      labels: this.labels,
    });
  }

  private renderEnv(): DeploymentV1SpecTemplateSpecContainerEnv[] {
    return [...this.env].map(([name, value]) =>
      // Values are literal: a "${...}" given here (or read from a shared blueprint) is never evaluated by Terraform.
      (typeof value === "string" ? { name: escapeTemplates(name), value: escapeTemplates(value) } : { name: escapeTemplates(name), valueFrom: { secretKeyRef: { name: value.secretName, key: value.key } } }),
    );
  }
}

/** A record's own entries, refusing anything that is not a plain object (JSON-loaded input). */
function entriesOf(scope: Construct, what: string, record: unknown): [string, unknown][] {
  if (record === undefined) return [];
  check(!!record && typeof record === "object" && !Array.isArray(record), scope, `${what} must be a map of names to values`, record, `Use e.g. ${what}: { NAME: "value" }.`);
  return Object.entries(record as object);
}

/** Requests and limits must be quantities, and no request may exceed its limit. */
function checkResources(scope: Construct, resources: Resources): void {
  check(!!resources && typeof resources === "object", scope, "resources must be { cpu, memory, memoryLimit }", resources, 'Use e.g. { cpu: "250m", memory: "256Mi", memoryLimit: "512Mi" }.');
  checkKnownOptions(scope, resources, RESOURCE_KEYS);
  for (const key of RESOURCE_KEYS) {
    const value = (resources as unknown as Record<string, unknown>)[key];
    check(isQuantity(value), scope, `resources.${key} must be a Kubernetes quantity`, value, 'Use e.g. "250m" for CPU and "256Mi" for memory.');
  }
  check(
    parseQuantity(resources.memory)! <= parseQuantity(resources.memoryLimit)!,
    scope,
    `resources.memory (${resources.memory}) must not exceed resources.memoryLimit (${resources.memoryLimit})`,
    resources,
    "Raise memoryLimit or lower the request: a pod asking for more than its limit is rejected by the API server.",
  );
}

/** Refuses images without an explicit tag or digest, and `latest`. */
function checkImage(scope: Construct, image: string): void {
  check(typeof image === "string" && image.length > 0, scope, "image is required", image, 'Give an image with a tag, e.g. "shop/orders:1.4.2".');
  if (image.includes("@sha256:")) return;
  const lastSegment = image.split("/").pop() ?? "";
  const tag = lastSegment.includes(":") ? lastSegment.split(":").pop() : undefined;
  check(!!tag && tag !== "latest", scope, "image needs an explicit tag other than latest (or a digest), so every deploy runs what was reviewed", image, 'Pin a version, e.g. "shop/orders:1.4.2", or a digest "shop/orders@sha256:...".');
}
