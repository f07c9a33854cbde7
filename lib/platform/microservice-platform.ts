import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { isServiceRegistry, IServiceBinding, IServiceRegistry, ITeam } from "../core/bindings";
import { ComponentSet, ComponentType, IPlatformComponent } from "../core/component";
import { IPlatform, Layer, LAYER_ORDER } from "../core/context";
import { PLATFORM_PRIORITY } from "../core/defaults";
import { check, PlatformConfigError } from "../core/errors";
import { Mirror } from "../core/mirror";
import { checkConstructName, standardLabels } from "../core/names";
import { escapeDeep } from "../core/literal";
import { checkOptionsSchema } from "../core/validate";
import { isZoneAware, zoneLossFindings, zoneLossVerdict, ZoneVerdict } from "../core/zones";
import { Placement } from "../core/placement";
import { PlatformStack } from "../core/platform-stack";
import { Profile } from "../core/profile";
import { Target } from "../core/target";
import { Microservice, MicroserviceOptions } from "../workloads/microservice";
import { Team, TeamOptions } from "../workloads/team";
import { Broker, BrokerOptions } from "../broker/broker";
import { IBroker, isBroker } from "../broker/broker-base";
import { checkSuppressions, Finding, PolicyPack, Suppression } from "../core/policy/policy-pack";
import { emitResource } from "../core/provider-resource";

/** Props of `MicroservicePlatform`. */
export interface MicroservicePlatformProps {
  /** Where the platform runs. */
  readonly target: Target;
  /** Size and safety. @default Profile.PRODUCTION */
  readonly profile?: Profile;
  /** Mirror for every chart and image (air-gapped and edge sites). @default Mirror.NONE */
  readonly mirror?: Mirror;
  /**
   * Shortcut for the platform's own Apache Pulsar: its options, or `false` for none. Leave it
   * unset when `components` already holds a broker (e.g. `ExternalBroker`).
   * @default - a broker with the profile's defaults and no tiered storage
   */
  readonly broker?: BrokerOptions | false;
  /** Components to install, in any order: each is installed after those it requires. @default [] */
  readonly components?: IPlatformComponent[];
  /** The cluster runs the Prometheus operator: components render PodMonitors (monitoring.coreos.com/v1). @default false */
  readonly prometheusOperator?: boolean;
  /**
   * The policy pack's settings: findings to accept, each with a reason recorded in the output
   * (docs/policy.md lists the rules). @default - every rule applies
   */
  readonly policy?: { readonly suppressions?: Suppression[] };
}

/** Options of `addService()`. */
export interface AddServiceOptions extends MicroserviceOptions {
  /** Team whose namespace the service runs in. @default - the platform's default team, "<platform>-apps" */
  readonly team?: ITeam;
}

/** Longest platform name: it prefixes stack names and cluster-scoped objects ("<name>-platform-critical"). */
const MAX_NAME = 40;

/**
 * A serverless microservice platform on Kubernetes, laid out as ordered stacks:
 * `<name>-base` (namespaces, teams, storage, priorities), `<name>-system` (component releases and
 * their CRDs) and `<name>-apps` (custom resources, services). A stack exists once something is
 * put in it and depends on every lower one, so `cdktf deploy '*'` applies them in order.
 *
 * What the platform runs comes from components (`IPlatformComponent`): each gets its own scope
 * in every layer it uses (`<name>-<layer>/<key>`), and sees every team and service.
 */
export class MicroservicePlatform extends Construct implements IPlatform {
  public readonly platformName: string;
  public readonly target: Target;
  public readonly profile: Profile;
  public readonly mirror: Mirror;
  public readonly placement: Placement;
  public readonly storageClassName: string;
  public readonly priorityClassName: string;
  public readonly prometheusOperator: boolean;
  private readonly layerStacks = new Map<Layer, PlatformStack>();
  private readonly stackCallbacks: ((stack: PlatformStack, layer: Layer) => void)[] = [];
  private readonly teamsByName = new Map<string, Team>();
  private readonly serviceList: Microservice[] = [];
  private readonly componentSet: ComponentSet;
  private readonly policyPack: PolicyPack;

  constructor(scope: Construct, id: string, props: MicroservicePlatformProps) {
    super(scope, id);
    checkOptionsSchema(this, "PlatformProps", props);
    checkConstructName(this, "the platform name", id, MAX_NAME);
    check(props.target instanceof Target, this, "target must come from a Target factory", props.target, "Use Target.eks({...}), Target.k3s(), Target.custom({...}) or another factory.");
    this.platformName = id;
    this.target = props.target;
    this.profile = props.profile ?? Profile.PRODUCTION;
    this.mirror = props.mirror ?? Mirror.NONE;
    check(this.profile instanceof Profile, this, "profile must be a Profile", props.profile, "Use Profile.PRODUCTION, Profile.DEV, Profile.EDGE or Profile.X.with({...}).");
    check(this.mirror instanceof Mirror, this, "mirror must come from Mirror.of()", props.mirror, "Use Mirror.of({ chartRepository, imageRegistry }).");
    this.profile.validate(this);
    this.target.validate(this, this.profile.minZones);
    this.mirror.validate(this);
    this.placement = new Placement(this.target, this.profile);
    this.storageClassName = `${id}-zonal`;
    this.priorityClassName = `${id}-${PLATFORM_PRIORITY.name}`;
    this.prometheusOperator = props.prometheusOperator ?? false;
    check(typeof this.prometheusOperator === "boolean", this, "prometheusOperator must be true or false", props.prometheusOperator, "Use true when the cluster runs the Prometheus operator.");
    this.componentSet = new ComponentSet(this);

    const base = this.stack(Layer.BASE);
    emitResource(base, "ZonalStorage", "kubernetes_storage_class_v1", {
      metadata: { name: this.storageClassName, labels: this.labels("storage", this.storageClassName) },
      storageProvisioner: this.target.storage.provisioner,
      parameters: escapeDeep(this.target.storage.parameters),
      // Zonal disks must be created in the zone the pod is scheduled to.
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: this.profile.retainVolumes ? "Retain" : "Delete",
    });
    emitResource(base, "PlatformPriority", "kubernetes_priority_class_v1", {
      metadata: { name: this.priorityClassName, labels: this.labels("scheduling", this.priorityClassName) },
      value: PLATFORM_PRIORITY.value,
      globalDefault: false,
      description: `Control planes and quorum members of platform ${id}: scheduled before ordinary workloads.`,
    });

    const components = props.components ?? [];
    check(Array.isArray(components), this, "components must be a list of components", components, "Pass e.g. components: [new CertManager()].");
    const brokerGiven = components.some((c) => c?.key === "broker");
    if (brokerGiven && props.broker) {
      throw new PlatformConfigError(this, "a broker is given both as the broker shortcut and in components", "broker", "Keep one: the broker's options, or the broker component.");
    }
    // The policy pack runs on every stack of the platform, made now or later.
    const pack = new PolicyPack([...PLATFORM_SUPPRESSIONS, ...checkSuppressions(`${this.node.path}.policy`, props.policy?.suppressions ?? [])]);
    this.forEachStack((stack) => pack.applyTo(stack));
    this.policyPack = pack;

    const shortcut = props.broker === false || brokerGiven ? [] : [new Broker(props.broker ?? {})];
    this.componentSet.addAll([...shortcut, ...components]);

    // A multi-zone profile promises that losing a zone loses no quorum, no acknowledged data, no service.
    if (this.placement.spreadsZones && this.profile.minZones >= 2) {
      base.node.addValidation({
        validate: () => {
          const { errors, warnings } = zoneLossFindings(this.node.path, this.target.zones.length, this.zoneAnalysis());
          for (const warning of warnings) Annotations.of(this).addWarning(warning);
          return errors;
        },
      });
    }
  }

  /** The policy pack's findings in every stack of the platform (complete once synthesized). */
  public get policyFindings(): readonly Finding[] {
    return this.stacks.flatMap((stack) => this.policyPack.findingsOf(stack));
  }

  /** What losing the worst zone does to every part of every component that reports its zones. */
  public zoneAnalysis(): ZoneVerdict[] {
    const zones = this.target.singleNode ? 1 : this.target.zones.length;
    return this.components.flatMap((c) => (isZoneAware(c) ? c.zoneGroups().map((g) => zoneLossVerdict(g, zones)) : []));
  }

  /** Installs a component now (its requirements must already be installed); it sees existing teams and services. */
  public addComponent(component: IPlatformComponent): this {
    this.componentSet.add(component);
    return this;
  }

  /** The installed component of this type; an error naming the platform if there is none. */
  public component<T extends IPlatformComponent>(type: ComponentType<T>): T {
    const found = this.componentSet.tryGet(type);
    if (!found) {
      const name = type?.name ?? String(type);
      throw new PlatformConfigError(this, `this platform has no ${name} component`, this.componentSet.all.map((c) => c.key), `Add it with components: [new ${name}(...)] or platform.addComponent(...).`);
    }
    return found;
  }

  /** The installed component of this type, if any. */
  public tryComponent<T extends IPlatformComponent>(type: ComponentType<T>): T | undefined {
    return this.componentSet.tryGet(type);
  }

  /** The installed components, in install order. */
  public get components(): readonly IPlatformComponent[] {
    return this.componentSet.all;
  }

  /** The constructs a component owns, one per layer it uses: apply an Aspect to one component through them. */
  public scopesOf(component: IPlatformComponent): Construct[] {
    return this.componentSet.scopesOf(component);
  }

  /** The message broker: the platform's own Pulsar, or an external one given as a component. */
  public get broker(): IBroker {
    const broker = this.componentSet.byKey("broker");
    if (!broker || !isBroker(broker)) {
      throw new PlatformConfigError(this, "this platform has no broker", "broker: false", "Remove `broker: false` from the platform's props, or add an ExternalBroker to its components.");
    }
    return broker;
  }

  /** The service registry and config center (Nacos or Consul): the component with the key "registry". */
  public get registry(): IServiceRegistry {
    const registry = this.componentSet.byKey("registry");
    if (!registry || !isServiceRegistry(registry)) {
      throw new PlatformConfigError(this, "this platform has no service registry", this.componentSet.all.map((c) => c.key), "Add new Nacos() (or new Consul()) to the platform's components.");
    }
    return registry;
  }

  /** The stacks that exist so far, bottom layer first (listing creates none). */
  public get stacks(): PlatformStack[] {
    return LAYER_ORDER.filter((l) => this.layerStacks.has(l)).map((l) => this.layerStacks.get(l)!);
  }

  /**
   * Runs `callback` for every stack of the platform, now for those that exist and later for each
   * new one: the place to add a backend (`new S3Backend(stack, {...})`) or stack-wide aspects.
   */
  public forEachStack(callback: (stack: PlatformStack, layer: Layer) => void): void {
    check(typeof callback === "function", this, "forEachStack needs a function", callback, "Pass (stack, layer) => { ... }.");
    this.stackCallbacks.push(callback);
    for (const [layer, stack] of this.layerStacks) callback(stack, layer);
  }

  /** The stack of a layer, created (and ordered after the lower layers) on first use. For component authors; users list `stacks`. */
  public stack(layer: Layer): PlatformStack {
    const existing = this.layerStacks.get(layer);
    if (existing) return existing;
    check(LAYER_ORDER.includes(layer), this, "unknown layer", layer, `Use one of Layer.${Object.keys(Layer).join(", Layer.")}.`);
    const root = this.node.root;
    const id = `${this.platformName}-${layer}`;
    if (root.node.tryFindChild(id)) {
      throw new PlatformConfigError(this, `a construct named "${id}" already exists at the app's root`, id, "Give each platform its own name; stack names are <platform>-<layer>.");
    }
    const stack = new PlatformStack(root, id, { connection: this.target.connection, platformName: this.platformName });
    const rank = LAYER_ORDER.indexOf(layer);
    for (const [other, otherStack] of this.layerStacks) {
      if (LAYER_ORDER.indexOf(other) < rank) stack.addDependency(otherStack);
      else otherStack.addDependency(stack);
    }
    this.layerStacks.set(layer, stack);
    for (const callback of this.stackCallbacks) callback(stack, layer);
    return stack;
  }

  /** Labels for an object of this platform. */
  public labels(component: string, name: string): Record<string, string> {
    return standardLabels({ name, instance: this.platformName, component, partOf: this.platformName });
  }

  /** The teams added so far. */
  public get teams(): readonly Team[] {
    return [...this.teamsByName.values()];
  }

  /** The services added so far. */
  public get services(): readonly IServiceBinding[] {
    return [...this.serviceList];
  }

  /** Adds a team: a restricted namespace with quota, default resources and RBAC, in the base layer. */
  public addTeam(name: string, options: TeamOptions = {}): Team {
    checkConstructName(this, "the team name", name);
    if (this.teamsByName.has(name)) {
      throw new PlatformConfigError(this, `team "${name}" is added twice`, name, "Add each team once and keep the returned Team to add services to it.");
    }
    const team = withRollback(this.scopeIn(Layer.BASE, "Teams"), name, (scope) => new Team(scope, name, { ...options, platform: this, name }));
    this.teamsByName.set(name, team);
    this.componentSet.configureTeam(team);
    return team;
  }

  /** The team services go to when none is named: "<platform>-apps", created on first use. */
  public get defaultTeam(): Team {
    const name = `${this.platformName}-apps`;
    return this.teamsByName.get(name) ?? this.addTeam(name);
  }

  /** Adds a microservice to a team's namespace (the default team's unless `team` is given); every component configures it. */
  public addService(name: string, options: AddServiceOptions): Microservice {
    check(!!options && typeof options === "object", this, `service "${name}" needs options`, options, 'Pass at least { image: "shop/orders:1.4.2" }.');
    const { team, ...serviceOptions } = options;
    checkConstructName(this, "the service name", name);
    const owner = team ?? this.defaultTeam;
    if (!(owner instanceof Team) || this.teamsByName.get(owner.teamName) !== owner) {
      throw new PlatformConfigError(this, `service "${name}" is given a team that is not a team of this platform`, (owner as ITeam)?.node?.path ?? owner, `Add the team with ${this.node.path}.addTeam(...) and pass the Team it returns.`);
    }
    const services = this.scopeIn(Layer.APPS, "Teams", owner.teamName);
    if (services.node.tryFindChild(name)) {
      throw new PlatformConfigError(this, `service "${name}" is added twice to team "${owner.teamName}"`, name, "Give each service of a team its own name.");
    }
    const service = withRollback(services, name, (scope) => new Microservice(scope, name, { ...serviceOptions, platform: this, team: owner, name }));
    this.serviceList.push(service);
    this.componentSet.configureService(service);
    return service;
  }

  /** A plain construct at `<platform>-<layer>/<path...>`, created on first use. */
  private scopeIn(layer: Layer, ...path: string[]): Construct {
    let scope: Construct = this.stack(layer);
    for (const id of path) scope = (scope.node.tryFindChild(id) as Construct | undefined) ?? new Construct(scope, id);
    return scope;
  }
}

/**
 * Builds a child construct; when its input is refused, removes what was half built, so that the
 * name stays free and the tree holds nothing that would fail at synth for another reason.
 */
function withRollback<T>(scope: Construct, id: string, build: (scope: Construct) => T): T {
  try {
    return build(scope);
  } catch (error) {
    scope.node.tryRemoveChild(id);
    throw error;
  }
}

/**
 * Findings the platform accepts in its own components, each with the reason (README, security
 * notes): what the pinned charts do not let it change.
 */
const PLATFORM_SUPPRESSIONS: Suppression[] = [
  { rule: "MSP-POD-TOKEN", where: "/broker/Sync/", reason: "the pulsar-sync Job calls the Kubernetes API: it maps bookies to zones and writes the services' credentials Secrets" },
  { rule: "MSP-POD-TOKEN", where: "/registry/Sync/", reason: "the registry's sync Job writes each team's registry-credentials Secret through the Kubernetes API" },
  { rule: "MSP-POD-TOKEN", where: "/registry/AuthSecret/", reason: "the Nacos auth Job creates the nacos-auth Secret through the Kubernetes API, once" },
  { rule: "MSP-POD-ESCALATION", where: "/broker/Chart (", reason: "the Pulsar chart 4.7.0 has no values for a container securityContext, so capabilities and privilege escalation cannot be set" },
  { rule: "MSP-POD-READONLY", where: "/broker/Chart (", reason: "the Pulsar chart 4.7.0 has no values for a container securityContext, and Pulsar writes under its home directory" },
  { rule: "MSP-POD-NONROOT", where: "/broker/Chart (proxy)", reason: "the Pulsar chart 4.7.0 takes no pod securityContext for proxies (the image's user is UID 10000)" },
  { rule: "MSP-POD-SECCOMP", where: "/broker/Chart (proxy)", reason: "the Pulsar chart 4.7.0 takes no pod securityContext for proxies" },
  { rule: "MSP-POD-NONROOT", where: "/broker/Chart (recovery)", reason: "the Pulsar chart 4.7.0 takes no pod securityContext for autorecovery (the image's user is UID 10000)" },
  { rule: "MSP-POD-SECCOMP", where: "/broker/Chart (recovery)", reason: "the Pulsar chart 4.7.0 takes no pod securityContext for autorecovery" },
  { rule: "MSP-POD-NONROOT", where: "/broker/Chart (oxia-server)", reason: "the Oxia image's user is not known to be non-root, so runAsNonRoot could stop it from starting" },
  { rule: "MSP-POD-RESOURCES", where: "/broker/Chart (oxia-server)", reason: "the Pulsar chart 4.7.0 sizes Oxia servers with cpuLimit and memoryLimit, which it renders as both requests and limits" },
];
