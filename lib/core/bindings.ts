import { IConstruct } from "constructs";
import type { IPlatform } from "./context";

/** A value read from a key of an existing Kubernetes Secret. */
export interface SecretKeyRef {
  /** Secret name, in the namespace of the pod that reads it. */
  readonly secretName: string;
  /** Key in the Secret. */
  readonly key: string;
}

/** A team as components see it: a namespace of the platform that runs services. */
export interface ITeam extends IConstruct {
  /** Team name. */
  readonly teamName: string;
  /** The namespace's name. Teams live in the base layer, so the apps layer may use it as is. */
  readonly namespace: string;
  /** The namespace's name (the same as `namespace`). */
  readonly namespaceName: string;
  /** The platform the team belongs to. */
  readonly platform: IPlatform;
}

/**
 * What a component may do to a service: the service renders its pod template at synth time, so
 * whatever is added here after the service was declared still counts.
 */
export interface IServiceBinding extends IConstruct {
  /** Service name (Deployment, Service and ServiceAccount share it). */
  readonly serviceName: string;
  /** The team whose namespace the service runs in. */
  readonly team: ITeam;
  /** The platform the service belongs to. */
  readonly platform: IPlatform;
  /** Container port of the service (HTTP). */
  readonly port: number;
  /** Whether an autoscaler owns the replica count. */
  readonly autoscaled: boolean;
  /** How the service is reached from outside the cluster, if it is. */
  readonly exposure?: "ingress" | "loadBalancer";
  /** Adds an environment variable, literal or read from a Secret; a name given twice is an error. */
  addEnv(name: string, value: string | SecretKeyRef): void;
  /** Adds pod annotations; a key given twice with different values is an error. */
  addPodAnnotations(annotations: Record<string, string>): void;
  /** Mounts a Secret of the service's namespace read-only at `mountPath`; returns the pod volume's name (for sidecars that mount it too). */
  mountSecret(secretName: string, mountPath: string): string;
  /**
   * Adds a pod volume of some keys of a Secret without mounting it in the service's container
   * (for a sidecar that mounts it itself); returns the volume's name.
   */
  addSecretVolume(secretName: string, keys: string[]): string;
  /**
   * Hands the replica count to an autoscaler: `replicas` is left out of the Deployment, so
   * Terraform and the autoscaler never fight, and the disruption budget no longer depends on it.
   */
  markAutoscaled(): void;
  /** Attaches an extension (a subscription, a trigger, a registration) once. */
  addExtension(extension: IServiceExtension): void;
}

/** Options of a subscription, as a service asks for it. */
export interface SubscribeOptions {
  /** Path of the service that receives the messages, e.g. "/orders". */
  readonly route: string;
  /** Topic that receives the messages the service keeps failing on. @default - none */
  readonly deadLetter?: object;
  /**
   * Scale the service on this subscription's backlog, down to zero when it is empty (needs the
   * platform's autoscaler). @default false
   */
  readonly scaleToZero?: boolean;
}

/** HPA scaling behavior (autoscaling/v2 `behavior`), passed to the autoscaler as is. */
export interface ScalingBehavior {
  readonly scaleUp?: Record<string, unknown>;
  readonly scaleDown?: Record<string, unknown>;
}

/** Options of `service.autoscale()`. */
export interface AutoscaleOptions {
  /** What the replica count follows (`ScaleTrigger.*`); at least one. */
  readonly triggers: readonly object[];
  /** Fewest replicas. @default 0 when every trigger can scale to zero, else 1 */
  readonly minReplicas?: number;
  /** Most replicas. @default 10 */
  readonly maxReplicas?: number;
  /** Seconds without activity before scaling to zero. @default 300 */
  readonly cooldownSeconds?: number;
  /** Seconds between two looks at the triggers. @default 30 */
  readonly pollingSeconds?: number;
  /** How fast the replica count may move. @default - the HPA's defaults */
  readonly behavior?: ScalingBehavior;
}

/** What a subscription's backlog trigger needs: the topic, the subscription's name and credentials that may read its stats. */
export interface BacklogSource {
  /** The declared topic. */
  readonly topic: object;
  /** The subscription whose backlog counts. */
  readonly subscription: string;
  /** A Secret in the service's namespace with `token` (and `ca.crt` when the broker's CA is private). */
  readonly credentialsSecret: string;
}

/**
 * A component that owns services' replica counts (KEDA): what `service.autoscale()` and
 * `subscribe(..., { scaleToZero: true })` delegate to, so services need not know which it is.
 */
export interface IAutoscalingProvider {
  /** Scales `service` on `options.triggers`; one autoscaler per service. */
  autoscaleService(service: IServiceBinding, options: AutoscaleOptions): unknown;
  /** Adds a trigger on a subscription's backlog to the service's autoscaler (created with defaults if needed). */
  scaleOnBacklog(service: IServiceBinding, source: BacklogSource): void;
}

/** Whether a component scales services. */
export function isAutoscalingProvider(component: unknown): component is IAutoscalingProvider {
  const c = component as Partial<IAutoscalingProvider> | undefined;
  return typeof c?.autoscaleService === "function" && typeof c?.scaleOnBacklog === "function";
}

/**
 * A component through which services publish and subscribe (the sidecar runtime): what
 * `service.subscribe(topic, ...)` and `service.publish(topic)` delegate to, so services need not
 * know which component it is.
 */
export interface IMessagingProvider {
  /** Subscribes `service` to `topic`, delivering to `options.route`. */
  subscribeService(service: IServiceBinding, topic: object, options: SubscribeOptions): unknown;
  /** Lets `service` publish to `topic`. */
  publishFromService(service: IServiceBinding, topic: object): void;
}

/** Whether a component offers messaging to services. */
export function isMessagingProvider(component: unknown): component is IMessagingProvider {
  const c = component as Partial<IMessagingProvider> | undefined;
  return typeof c?.subscribeService === "function" && typeof c?.publishFromService === "function";
}

/** Something that attaches itself to a service (in the spirit of aws-cdk's event sources). */
export interface IServiceExtension {
  /** Called once per service the extension is added to. */
  bind(service: IServiceBinding): void;
}

/** Credentials a team's services use with the registry, as references to keys of a Secret in the team's namespace. */
export interface RegistryCredentials {
  /** The Secret in the team's namespace that holds them (written by the registry's sync Job). */
  readonly secretName: string;
  /** User name (Nacos). @default - none */
  readonly username?: SecretKeyRef;
  /** Password (Nacos). @default - none */
  readonly password?: SecretKeyRef;
  /** ACL token (Consul). @default - none */
  readonly token?: SecretKeyRef;
  /** CA certificate of the registry's TLS listener (Consul). @default - none */
  readonly caCertificate?: SecretKeyRef;
}

/** Options of a configuration entry. */
export interface ConfigEntryOptions {
  /** The team whose registry namespace holds the entry. @default - the shared namespace every team reads ("<platform>-shared": a Nacos namespace, a Consul key prefix) */
  readonly team?: ITeam;
  /** Content type, as the config center shows it. @default - "json" for an object, "text" for a string */
  readonly format?: "text" | "json" | "yaml" | "properties" | "xml" | "html";
}

/**
 * The platform's service registry and config center (Nacos or Consul): what services and
 * blueprints need of it, whichever runs. Installed with the key "registry", so a platform has one.
 */
export interface IServiceRegistry {
  /** Which registry runs ("nacos" or "consul"). */
  readonly registryKind: string;
  /** Host and port clients dial (`host:port`), inside the cluster. */
  readonly address: string;
  /** Base URL of the registry's HTTP API, inside the cluster. */
  readonly url: string;
  /** The registry namespace (Nacos namespace id, Consul key prefix) that holds a team's services and configuration. */
  namespaceOf(team: ITeam): string;
  /** The credentials of a team's services, by reference. */
  credentialsOf(team: ITeam): RegistryCredentials;
  /**
   * Declares a configuration entry that the registry's sync Job publishes (non-secret content
   * only: a value that looks like a secret is refused). `content` is text, or an object written
   * as JSON.
   */
  config(group: string, dataId: string, content: string | Record<string, unknown>, options?: ConfigEntryOptions): void;
  /**
   * How a team's sidecars (Dapr) resolve app ids through this registry, or undefined when the
   * sidecar runtime cannot use it (Dapr has no Nacos resolver) and keeps its own.
   */
  sidecarNameResolution?(team: ITeam): SidecarNameResolution | undefined;
}

/** A sidecar runtime's name resolution through the registry, and what its sidecar needs for it. */
export interface SidecarNameResolution {
  /** Name resolution component, e.g. "consul". */
  readonly component: string;
  /** Its version, e.g. "v1". */
  readonly version: string;
  /** Its configuration (no secrets: credentials reach the sidecar by `secretEnv` or `mount`). */
  readonly configuration: Record<string, unknown>;
  /** Sidecar environment from keys of Secrets of the service's namespace. @default {} */
  readonly secretEnv?: Record<string, SecretKeyRef>;
  /** Keys of a Secret of the service's namespace, mounted read-only into the sidecar at `path`. @default - none */
  readonly mount?: { readonly secretName: string; readonly keys: string[]; readonly path: string };
  /** The registry calls the sidecar's health endpoint from outside the pod, so the sidecar must listen on the pod's address, not only on loopback. @default false */
  readonly healthCheckedFromOutside?: boolean;
}

/** Whether a component is the platform's service registry. */
export function isServiceRegistry(component: unknown): component is IServiceRegistry {
  const c = component as Partial<IServiceRegistry> | undefined;
  return typeof c?.namespaceOf === "function" && typeof c?.credentialsOf === "function" && typeof c?.config === "function" && typeof c?.registryKind === "string";
}
