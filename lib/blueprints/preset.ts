import { Construct } from "constructs";
import { IPlatformComponent } from "../core/component";
import { check, PlatformConfigError } from "../core/errors";
import { MicroservicePlatform, MicroservicePlatformProps } from "../platform/microservice-platform";
import type { PlatformSpecDocument } from "./source";

/** Something a preset does to the platform it built: add teams, services, topics, config. */
export type PresetStep = (platform: MicroservicePlatform) => void;

/**
 * A blueprint as code that a package exports and others extend: how to make the platform's props,
 * and steps run on the platform once it exists. A preset is an immutable value: `withProps`,
 * `withComponents` and `then` return a new preset, so a base preset is shared safely.
 *
 * Props are made by a function, called once per platform built, because components hold the
 * state of the one platform they are installed on: two platforms never share a component. Steps
 * find components by type (`platform.component(Nacos)`, `platform.registry`), so a later preset
 * may swap one.
 *
 * ```ts
 * // in a package: a function of options returning a preset
 * export const teamPlatform = (o: { region: string }) =>
 *   PlatformPreset.of(() => ({ target: Target.eks({ region: o.region, zones: ["a", "b", "c"] }), components: [new Nacos(), new DaprRuntime()] }),
 *     (platform) => { platform.addTeam("payments"); });
 * // in an app: extend it
 * teamPlatform({ region: "eu-west-1" }).withProps((p) => ({ ...p, mirror: Mirror.of({...}) })).then((p) => p.addService(...)).build(app, "shop");
 * ```
 */
export class PlatformPreset {
  /** A preset from a props factory (called per platform built) and steps run in order. */
  public static of(props: () => MicroservicePlatformProps, ...steps: PresetStep[]): PlatformPreset {
    check(typeof props === "function", "PlatformPreset.of", "props must be a function that returns the platform's props", props, "Pass () => ({ target: Target.kind(), ... }): components are made afresh for every platform.");
    steps.forEach((step, i) => check(typeof step === "function", "PlatformPreset.of", `step ${i} must be a function of the platform`, step, "Pass (platform) => { ... }."));
    return new PlatformPreset(undefined, props, steps);
  }

  /**
   * A preset from a platform spec (a YAML or JSON file, an object, or what readPlatformSpec
   * returned), read and checked now. Errors of its own steps name the spec's file and line, and
   * so does the platform's refusal of the spec's props; a refusal of props changed in code
   * (`withProps`, `withComponents`) is the construct's own message, as it would be without a spec.
   */
  public static fromSpec(spec: string | object | PlatformSpecDocument): PlatformPreset {
    // The spec loader is loaded on first use (see on-demand.ts).
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { planOf } = require("./load") as typeof import("./load");
    const { isPlatformSpecDocument, readPlatformSpec } = require("./source") as typeof import("./source");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const plan = planOf(isPlatformSpecDocument(spec) ? spec : readPlatformSpec(spec));
    return new PlatformPreset(plan.name, () => plan.props(), [(platform) => plan.apply(platform)], (scope, name, props) => plan.platform(scope, name, props));
  }

  private constructor(
    /** The name a platform gets when build() is given none (a spec's name). */
    public readonly defaultName: string | undefined,
    private readonly makeProps: () => MicroservicePlatformProps,
    private readonly steps: readonly PresetStep[],
    /** Makes the platform (a spec's locates the platform's refusals of its own props in its file). */
    private readonly construct: (scope: Construct, name: string, props: MicroservicePlatformProps) => MicroservicePlatform = (scope, name, props) => new MicroservicePlatform(scope, name, props),
  ) {}

  /** The same preset with its props changed (`(props) => ({ ...props, profile: Profile.DEV })`). */
  public withProps(change: (props: MicroservicePlatformProps) => MicroservicePlatformProps): PlatformPreset {
    check(typeof change === "function", "PlatformPreset.withProps", "withProps takes a function of the props", change, "Pass (props) => ({ ...props, profile: Profile.DEV }).");
    return new PlatformPreset(this.defaultName, () => change(this.makeProps()), this.steps, this.construct);
  }

  /** The same preset with more components, each made by its factory per platform (`() => new Keda()`). */
  public withComponents(...make: (() => IPlatformComponent)[]): PlatformPreset {
    make.forEach((m, i) => check(typeof m === "function", "PlatformPreset.withComponents", `component ${i} must be a factory`, m, "Pass () => new Keda(): each platform gets its own component."));
    return this.withProps((props) => ({ ...props, components: [...(props.components ?? []), ...make.map((m) => m())] }));
  }

  /** The same preset with a step run after its own. */
  public then(step: PresetStep): PlatformPreset {
    check(typeof step === "function", "PlatformPreset.then", "a step must be a function of the platform", step, "Pass (platform) => { ... }.");
    return new PlatformPreset(this.defaultName, this.makeProps, [...this.steps, step], this.construct);
  }

  /** Builds the platform in `scope`: its props, then every step in order. */
  public build(scope: Construct, id?: string): MicroservicePlatform {
    const name = id ?? this.defaultName;
    if (name === undefined) throw new PlatformConfigError("PlatformPreset.build", "the platform needs a name", id, 'Pass one, e.g. preset.build(app, "shop").');
    const props = this.makeProps();
    check(!!props && typeof props === "object", "PlatformPreset.build", "the props function must return the platform's props", props, "Return e.g. { target: Target.kind(), profile: Profile.DEV }.");
    const platform = this.construct(scope, name, props);
    for (const step of this.steps) step(platform);
    return platform;
  }
}
