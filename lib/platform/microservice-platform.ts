import { Construct } from "constructs";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { PriorityClassV1 } from "@cdktf/provider-kubernetes/lib/priority-class-v1";
import { IPlatform, Layer, LAYER_ORDER } from "../core/context";
import { PLATFORM_PRIORITY } from "../core/defaults";
import { check, checkKnownOptions, PlatformConfigError } from "../core/errors";
import { Mirror } from "../core/mirror";
import { checkDnsLabel, standardLabels } from "../core/names";
import { Placement } from "../core/placement";
import { PlatformStack } from "../core/platform-stack";
import { Profile } from "../core/profile";
import { Target } from "../core/target";
import { Microservice, MicroserviceOptions } from "../workloads/microservice";
import { Team, TeamOptions } from "../workloads/team";
import { Broker, BrokerOptions } from "../broker/broker";

/** Props of `MicroservicePlatform`. */
export interface MicroservicePlatformProps {
  /** Where the platform runs. */
  readonly target: Target;
  /** Size and safety. @default Profile.PRODUCTION */
  readonly profile?: Profile;
  /** Mirror for every chart and image (air-gapped and edge sites). @default Mirror.NONE */
  readonly mirror?: Mirror;
  /** The message broker (Apache Pulsar), or `false` for none. @default - a broker with the profile's defaults and no tiered storage */
  readonly broker?: BrokerOptions | false;
}

/** Options of `addService()`. */
export interface AddServiceOptions extends MicroserviceOptions {
  /** Team whose namespace the service runs in. @default - the platform's default team, "<platform>-apps" */
  readonly team?: Team;
}

const PROPS = ["target", "profile", "mirror", "broker"];
/** Longest platform name: it prefixes stack names and cluster-scoped objects ("<name>-platform-critical"). */
const MAX_NAME = 40;

/**
 * A serverless microservice platform on Kubernetes, laid out as ordered stacks:
 * `<name>-base` (namespaces, storage, priorities), `<name>-system` (component releases and their
 * CRDs) and `<name>-apps` (custom resources, teams, services). A stack exists once something is
 * put in it and depends on every lower one, so `cdktf deploy '*'` applies them in order.
 */
export class MicroservicePlatform extends Construct implements IPlatform {
  public readonly platformName: string;
  public readonly target: Target;
  public readonly profile: Profile;
  public readonly mirror: Mirror;
  public readonly placement: Placement;
  public readonly storageClassName: string;
  public readonly priorityClassName: string;
  private readonly stacks = new Map<Layer, PlatformStack>();
  private readonly brokerConstruct?: Broker;
  private readonly teams = new Map<string, Team>();

  constructor(scope: Construct, id: string, props: MicroservicePlatformProps) {
    super(scope, id);
    check(!!props && !!props.target, this, "a target is required", props?.target, "Pass target: Target.eks({...}), Target.k3s(), Target.kind() or another Target factory.");
    checkKnownOptions(this, props, PROPS);
    checkDnsLabel(this, "the platform name", id, MAX_NAME);
    this.platformName = id;
    this.target = props.target;
    this.profile = props.profile ?? Profile.PRODUCTION;
    this.mirror = props.mirror ?? Mirror.NONE;
    this.profile.validate(this);
    this.target.validate(this, this.profile.minZones);
    this.mirror.validate(this);
    this.placement = new Placement(this.target, this.profile);
    this.storageClassName = `${id}-zonal`;
    this.priorityClassName = `${id}-${PLATFORM_PRIORITY.name}`;

    const base = this.stack(Layer.BASE);
    new StorageClassV1(base, "ZonalStorage", {
      metadata: { name: this.storageClassName, labels: this.labels("storage", this.storageClassName) },
      storageProvisioner: this.target.storage.provisioner,
      parameters: this.target.storage.parameters,
      // Zonal disks must be created in the zone the pod is scheduled to.
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: this.profile.retainVolumes ? "Retain" : "Delete",
    });
    new PriorityClassV1(base, "PlatformPriority", {
      metadata: { name: this.priorityClassName, labels: this.labels("scheduling", this.priorityClassName) },
      value: PLATFORM_PRIORITY.value,
      globalDefault: false,
      description: `Control planes and quorum members of platform ${id}: scheduled before ordinary workloads.`,
    });

    if (props.broker !== false) this.brokerConstruct = new Broker(this, "Broker", { ...(props.broker ?? {}), platform: this });
  }

  /** The message broker. */
  public get broker(): Broker {
    if (!this.brokerConstruct) {
      throw new PlatformConfigError(this, "this platform has no broker", "broker: false", "Remove `broker: false` from the platform's props to get one.");
    }
    return this.brokerConstruct;
  }

  /** The stack of a layer, created (and ordered after the lower layers) on first use. */
  public stack(layer: Layer): PlatformStack {
    const existing = this.stacks.get(layer);
    if (existing) return existing;
    const root = this.node.root;
    const id = `${this.platformName}-${layer}`;
    if (root.node.tryFindChild(id)) {
      throw new PlatformConfigError(this, `a construct named "${id}" already exists at the app's root`, id, "Give each platform its own name; stack names are <platform>-<layer>.");
    }
    const stack = new PlatformStack(root, id, { connection: this.target.connection });
    const rank = LAYER_ORDER.indexOf(layer);
    for (const [other, otherStack] of this.stacks) {
      if (LAYER_ORDER.indexOf(other) < rank) stack.addDependency(otherStack);
      else otherStack.addDependency(stack);
    }
    this.stacks.set(layer, stack);
    return stack;
  }

  /** Labels for an object of this platform. */
  public labels(component: string, name: string): Record<string, string> {
    return standardLabels({ name, instance: this.platformName, component, partOf: this.platformName });
  }

  /** Adds a team: a restricted namespace with quota, default resources and RBAC, in the apps layer. */
  public addTeam(name: string, options: TeamOptions = {}): Team {
    checkDnsLabel(this, "the team name", name);
    if (this.teams.has(name)) {
      throw new PlatformConfigError(this, `team "${name}" is added twice`, name, "Add each team once and keep the returned Team to add services to it.");
    }
    const team = new Team(this.stack(Layer.APPS), `Team-${name}`, { ...options, platform: this, name });
    this.teams.set(name, team);
    return team;
  }

  /** The team services go to when none is named: "<platform>-apps", created on first use. */
  public get defaultTeam(): Team {
    const name = `${this.platformName}-apps`;
    return this.teams.get(name) ?? this.addTeam(name);
  }

  /** Adds a microservice to a team's namespace (the default team's unless `team` is given). */
  public addService(name: string, options: AddServiceOptions): Microservice {
    const { team, ...serviceOptions } = options ?? ({} as AddServiceOptions);
    checkDnsLabel(this, "the service name", name);
    const owner = team ?? this.defaultTeam;
    const id = `Service-${owner.teamName}-${name}`;
    if (this.stack(Layer.APPS).node.tryFindChild(id)) {
      throw new PlatformConfigError(this, `service "${name}" is added twice to team "${owner.teamName}"`, name, "Give each service of a team its own name.");
    }
    return new Microservice(this.stack(Layer.APPS), id, { ...serviceOptions, platform: this, name, namespace: owner.namespace });
  }
}
