import type { IPlatformComponent, ComponentType } from "./component";
import type { IServiceBinding, ITeam } from "./bindings";
import { Mirror } from "./mirror";
import { Placement } from "./placement";
import { PlatformStack } from "./platform-stack";
import { Profile } from "./profile";
import { Target } from "./target";

/**
 * The layers a platform deploys in order. Each layer is its own stack (`<platform>-<layer>`),
 * created when something is first put in it, depending on every lower layer that exists, so one
 * `cdktf deploy '*'` applies them bottom-up and no stack plans a custom resource whose CRD is
 * installed in the same apply.
 */
export enum Layer {
  /** Namespaces (teams' too), storage classes, priority classes, network policies: plain Kubernetes objects. */
  BASE = "base",
  /** Helm releases of the components (operators, brokers, control planes) and their CRDs. */
  SYSTEM = "system",
  /** Custom resources of those CRDs, and the services that run on the platform. */
  APPS = "apps",
}

/** Layers from the bottom up. */
export const LAYER_ORDER: readonly Layer[] = [Layer.BASE, Layer.SYSTEM, Layer.APPS];

/** What every component is given by the platform it belongs to. */
export interface IPlatform {
  /** The platform's name (a DNS label): prefix of its stacks and cluster-scoped objects. */
  readonly platformName: string;
  readonly target: Target;
  readonly profile: Profile;
  readonly mirror: Mirror;
  readonly placement: Placement;
  /** The platform's StorageClass for zonal disks (WaitForFirstConsumer). */
  readonly storageClassName: string;
  /** PriorityClass of the platform's control planes and quorum members. */
  readonly priorityClassName: string;
  /** Whether the cluster runs the Prometheus operator (components then render PodMonitors). */
  readonly prometheusOperator: boolean;
  /** The teams added so far. */
  readonly teams: readonly ITeam[];
  /** The services added so far. */
  readonly services: readonly IServiceBinding[];
  /** The components installed so far, in install order. */
  readonly components: readonly IPlatformComponent[];
  /** The stack of a layer, created on first use. */
  stack(layer: Layer): PlatformStack;
  /** Labels every object of this platform carries, for `component`. */
  labels(component: string, name: string): Record<string, string>;
  /** The installed component of this type; an error naming the platform if there is none. */
  component<T extends IPlatformComponent>(type: ComponentType<T>): T;
  /** The installed component of this type, if any. */
  tryComponent<T extends IPlatformComponent>(type: ComponentType<T>): T | undefined;
}
