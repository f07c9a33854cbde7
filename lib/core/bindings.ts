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
