import { Construct, IConstruct } from "constructs";
import type { IServiceBinding, ITeam } from "./bindings";
import { IPlatform, Layer, LAYER_ORDER } from "./context";
import { PlatformConfigError } from "./errors";
import { checkConstructName } from "./names";

/** A class of component, for look-ups by type (`platform.component(Broker)`). */
export type ComponentType<T> = abstract new (...args: never[]) => T;

/**
 * A part of the platform (the broker, cert-manager, a sidecar runtime, a registry, ...). The
 * platform installs it once, after the components it requires or is ordered after, and then
 * offers it every team and every service, whenever they are added.
 *
 * Layer rule for authors (`context.scope(layer)`):
 * - `Layer.BASE`: plain Kubernetes objects the rest needs first (namespaces, policies, Services,
 *   volumes, Secrets from stack variables);
 * - `Layer.SYSTEM`: Helm releases and workloads other parts need running (operators, brokers,
 *   control planes) and the CRDs they install;
 * - `Layer.APPS`: custom resources of those CRDs, objects in team namespaces, Jobs that need the
 *   system running, and everything per service.
 */
export interface IPlatformComponent {
  /** Unique key on the platform ("broker", "cert-manager"): a DNS label, also the component's construct id in every layer. */
  readonly key: string;
  /** Keys of components that must be installed first; a missing one is an error naming both. @default [] */
  readonly requires?: readonly string[];
  /** Keys of components that, when present, are installed first (order only). @default [] */
  readonly after?: readonly string[];
  /** Creates the component's objects. Called once, synchronously. */
  install(context: IComponentContext): void;
  /** Platform-wide defaults for a team's namespace (called for every team, added before or after). @default - nothing */
  configureTeam?(team: ITeam): void;
  /** Platform-wide defaults for a service (called for every service, added before or after). @default - nothing */
  configureService?(service: IServiceBinding): void;
}

/** What the platform gives a component when it installs it. */
export interface IComponentContext {
  /** The platform: target, profile, mirror, placement, names, labels, teams, services. */
  readonly platform: IPlatform;
  /** Where errors about this component point: `<platform path>/<key>`. */
  readonly site: string;
  /** The component's own construct in a layer's stack (`<platform>-<layer>/<key>`), created on first use. */
  scope(layer: Layer): Construct;
  /** Another installed component; an error naming both if it is missing. */
  get<T extends IPlatformComponent>(type: ComponentType<T>): T;
  /** Another installed component, if present. */
  tryGet<T extends IPlatformComponent>(type: ComponentType<T>): T | undefined;
  /** A shared dependency: the installed one of this type, or a new one with its defaults, installed now (once per platform). */
  ensure<T extends IPlatformComponent>(type: new () => T): T;
}

/**
 * The components of one platform: installs them in dependency order, keeps their scopes, and
 * hands them teams and services. Lives in core so the platform itself stays a thin composer.
 */
export class ComponentSet {
  private readonly installed = new Map<string, IPlatformComponent>();
  private readonly scopes = new Map<IPlatformComponent, Map<Layer, Construct>>();
  /** Components whose install() is running (they may ensure() what they are ordered after). */
  private readonly installing = new Set<IPlatformComponent>();

  constructor(private readonly platform: IPlatform & IConstruct) {}

  /** The installed components, in install order. */
  public get all(): IPlatformComponent[] {
    return [...this.installed.values()];
  }

  /** Installs several components, ordering them by `requires` and `after` among themselves. */
  public addAll(components: readonly IPlatformComponent[]): void {
    if (!Array.isArray(components)) {
      throw new PlatformConfigError(this.platform, "components must be a list of components", components, "Pass e.g. components: [new CertManager()].");
    }
    const byKey = new Map<string, IPlatformComponent>();
    for (const component of components) {
      this.checkShape(component);
      const other = byKey.get(component.key) ?? this.installed.get(component.key);
      if (other && other !== component) throw this.duplicate(other, component);
      byKey.set(component.key, component);
    }
    for (const component of this.order([...byKey.values()])) this.add(component);
  }

  /** Installs one component now: its requirements must be installed already. */
  public add(component: IPlatformComponent): void {
    this.checkShape(component);
    const key = component.key;
    const existing = this.installed.get(key);
    if (existing === component) return;
    if (existing) throw this.duplicate(existing, component);
    for (const required of component.requires ?? []) {
      if (!this.installed.has(required)) {
        throw new PlatformConfigError(
          this.platform,
          `component "${key}" requires component "${required}", which this platform does not have`,
          required,
          `Add a "${required}" component before "${key}" (or list both in the platform's components), or remove "${key}".`,
        );
      }
    }
    for (const other of this.installed.values()) {
      if ((other.after ?? []).includes(key) && !this.installing.has(other)) {
        throw new PlatformConfigError(
          this.platform,
          `component "${other.key}" must be installed after "${key}", but "${key}" was added later`,
          key,
          `List both in the platform's components, or add "${key}" before "${other.key}".`,
        );
      }
    }
    this.installed.set(key, component);
    this.installing.add(component);
    try {
      component.install(this.contextFor(component));
    } finally {
      this.installing.delete(component);
    }
    for (const team of this.platform.teams) component.configureTeam?.(team);
    for (const service of this.platform.services) component.configureService?.(service);
  }

  /** The installed component of a type. */
  public tryGet<T extends IPlatformComponent>(type: ComponentType<T>): T | undefined {
    for (const component of this.installed.values()) if (component instanceof type) return component;
    return undefined;
  }

  /** The installed component with a key. */
  public byKey(key: string): IPlatformComponent | undefined {
    return this.installed.get(key);
  }

  /** The constructs a component owns, one per layer it uses (targets for Aspects). */
  public scopesOf(component: IPlatformComponent): Construct[] {
    const scopes = this.scopes.get(component);
    return scopes ? LAYER_ORDER.filter((l) => scopes.has(l)).map((l) => scopes.get(l)!) : [];
  }

  /** Offers a new team to every component. */
  public configureTeam(team: ITeam): void {
    for (const component of this.installed.values()) component.configureTeam?.(team);
  }

  /** Offers a new service to every component. */
  public configureService(service: IServiceBinding): void {
    for (const component of this.installed.values()) component.configureService?.(service);
  }

  private contextFor(component: IPlatformComponent): IComponentContext {
    const site = `${this.platform.node.path}/${component.key}`;
    const get = <T extends IPlatformComponent>(type: ComponentType<T>): T => {
      const found = this.tryGet(type);
      if (!found) {
        throw new PlatformConfigError(site, `component "${component.key}" needs a ${type.name} component, which this platform does not have`, type.name, `Add new ${type.name}(...) to the platform's components before "${component.key}".`);
      }
      return found;
    };
    return {
      platform: this.platform,
      site,
      scope: (layer) => this.scope(component, layer),
      get,
      tryGet: (type) => this.tryGet(type),
      ensure: (type) => {
        const found = this.tryGet(type);
        if (found) return found;
        const created = new type();
        this.add(created);
        return created;
      },
    };
  }

  private scope(component: IPlatformComponent, layer: Layer): Construct {
    let byLayer = this.scopes.get(component);
    if (!byLayer) this.scopes.set(component, (byLayer = new Map()));
    let scope = byLayer.get(layer);
    if (!scope) byLayer.set(layer, (scope = new Construct(this.platform.stack(layer), component.key)));
    return scope;
  }

  private duplicate(existing: IPlatformComponent, component: IPlatformComponent): PlatformConfigError {
    const key = component.key;
    return new PlatformConfigError(
      this.platform,
      `two components have the key "${key}" (${nameOf(existing)} and ${nameOf(component)})`,
      key,
      `Install one "${key}" component per platform${key === "broker" ? " (pass broker: false to use your own)" : ""}.`,
    );
  }

  private checkShape(component: IPlatformComponent): void {
    if (!component || typeof component !== "object" || typeof component.install !== "function") {
      throw new PlatformConfigError(this.platform, "a component must be an object with a key and an install() method", component, "Pass a component instance, e.g. new CertManager().");
    }
    checkConstructName(this.platform, "a component key", component.key);
    for (const list of [component.requires, component.after]) {
      if (list !== undefined && !(Array.isArray(list) && list.every((k) => typeof k === "string"))) {
        throw new PlatformConfigError(`${this.platform.node.path}/${component.key}`, "requires and after must be lists of component keys", list, 'Use e.g. requires: ["broker"].');
      }
    }
  }

  /** The batch in an order where every component comes after what it requires or follows (stable otherwise). */
  private order(batch: readonly IPlatformComponent[]): IPlatformComponent[] {
    const inBatch = new Map(batch.map((c) => [c.key, c]));
    const ordered: IPlatformComponent[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (component: IPlatformComponent, path: string[]) => {
      const mark = state.get(component.key);
      if (mark === "done") return;
      if (mark === "visiting") {
        const cycle = [...path.slice(path.indexOf(component.key)), component.key];
        throw new PlatformConfigError(this.platform, `components require each other in a cycle: ${cycle.join(" -> ")}`, cycle, "Break the cycle: a component may only require components that do not require it.");
      }
      state.set(component.key, "visiting");
      for (const key of [...(component.requires ?? []), ...(component.after ?? [])]) {
        const dependency = inBatch.get(key);
        if (dependency) visit(dependency, [...path, component.key]);
      }
      state.set(component.key, "done");
      ordered.push(component);
    };
    for (const component of batch) visit(component, []);
    return ordered;
  }
}

function nameOf(component: IPlatformComponent): string {
  return component.constructor?.name ?? "component";
}

/** The error a component's attribute raises when it is read before the component is installed. */
export function notInstalled(component: string): PlatformConfigError {
  return new PlatformConfigError(
    component,
    `${component} is not installed on a platform yet, so its attributes are not known`,
    component,
    "Pass it in the platform's components (or call platform.addComponent()) before reading its attributes.",
  );
}
