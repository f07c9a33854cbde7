import { IConstruct } from "constructs";
import { check} from "./errors";
import { checkOptionsSchema } from "./validate";
import { Size } from "./defaults";

/** What a profile decides; every field can be overridden with `Profile.with()`. */
export interface ProfileSettings {
  /** Name, used in labels and messages. */
  readonly name: string;
  /** Distinct zones the target must offer. */
  readonly minZones: number;
  /** Replicas of stateless workloads (brokers, gateways, services) unless an autoscaler owns them. */
  readonly statelessReplicas: number;
  /** Members of every consensus group (Oxia, Raft, Dapr placement): odd. */
  readonly quorumSize: number;
  /** Column of the resource tables in `defaults.ts`. */
  readonly size: Size;
  /** Spread replicas across zones with hard constraints for quorum members (`DoNotSchedule`, `minDomains`). */
  readonly zoneSpread: boolean;
  /** Authentication, authorization and TLS are required of every component. */
  readonly requireTransportSecurity: boolean;
  /** Keep volumes when their claims are deleted (Retain) rather than Delete. */
  readonly retainVolumes: boolean;
}

/** Options of `Profile.with()`. */
export type ProfileOverrides = Partial<Omit<ProfileSettings, "name">> & { readonly name?: string };


/**
 * How big and how safe a platform is: PRODUCTION (3 zones, HA, quorums of 3), DEV (one zone,
 * small) or EDGE (one node, smallest footprint that still runs every component).
 */
export class Profile implements ProfileSettings {
  /** Three zones; every quorum of 3 survives the loss of one zone; security on. */
  public static readonly PRODUCTION = new Profile({
    name: "production",
    minZones: 3,
    statelessReplicas: 3,
    quorumSize: 3,
    size: Size.LARGE,
    zoneSpread: true,
    requireTransportSecurity: true,
    retainVolumes: true,
  });

  /** One zone, one replica of everything, small requests: a shared development cluster. */
  public static readonly DEV = new Profile({
    name: "dev",
    minZones: 1,
    statelessReplicas: 1,
    quorumSize: 1,
    size: Size.SMALL,
    zoneSpread: false,
    requireTransportSecurity: false,
    retainVolumes: false,
  });

  /** One node: quorums of one and the smallest requests that still run every component. */
  public static readonly EDGE = new Profile({
    name: "edge",
    minZones: 1,
    statelessReplicas: 1,
    quorumSize: 1,
    size: Size.TINY,
    zoneSpread: false,
    requireTransportSecurity: false,
    retainVolumes: false,
  });

  public readonly name: string;
  public readonly minZones: number;
  public readonly statelessReplicas: number;
  public readonly quorumSize: number;
  public readonly size: Size;
  public readonly zoneSpread: boolean;
  public readonly requireTransportSecurity: boolean;
  public readonly retainVolumes: boolean;
  private readonly overridden: object;

  private constructor(settings: ProfileSettings, overridden: object = {}) {
    this.name = settings.name;
    this.minZones = settings.minZones;
    this.statelessReplicas = settings.statelessReplicas;
    this.quorumSize = settings.quorumSize;
    this.size = settings.size;
    this.zoneSpread = settings.zoneSpread;
    this.requireTransportSecurity = settings.requireTransportSecurity;
    this.retainVolumes = settings.retainVolumes;
    this.overridden = overridden;
  }

  /** A copy of this profile with some settings changed, e.g. `Profile.PRODUCTION.with({ statelessReplicas: 5 })`. */
  public with(overrides: ProfileOverrides): Profile {
    check(!!overrides && typeof overrides === "object" && !Array.isArray(overrides), `Profile(${this.name}).with`, "overrides must be an object of settings", overrides, "Pass e.g. Profile.PRODUCTION.with({ statelessReplicas: 5 }).");
    // A name that is not text is kept in the overrides for validate() to report.
    const merged: ProfileSettings = { ...this.settings(), ...overrides, name: typeof overrides.name === "string" ? overrides.name : `${this.name}-custom` };
    return new Profile(merged, { ...this.overridden, ...overrides });
  }

  /** True for one-zone profiles, where zone spread is meaningless. */
  public get singleZone(): boolean {
    return this.minZones <= 1;
  }

  /** Checks the settings; errors name `scope`'s path. */
  public validate(scope: IConstruct): void {
    const site = `${scope.node.path}/Profile(${this.name})`;
    checkOptionsSchema(site, "ProfileOverrides", this.overridden);
    const whole = (n: unknown) => typeof n === "number" && Number.isInteger(n) && n >= 1;
    check(whole(this.minZones), site, "minZones must be a whole number >= 1", this.minZones, "Use 3 for production, 1 for a single zone.");
    check(whole(this.statelessReplicas), site, "statelessReplicas must be a whole number >= 1", this.statelessReplicas, "Use at least 1; 3 or more in a 3-zone profile.");
    check(
      whole(this.quorumSize) && this.quorumSize % 2 === 1,
      site,
      "quorumSize must be odd (2f+1 members survive f failures; an even member adds no tolerance)",
      this.quorumSize,
      "Use 1, 3 or 5.",
    );
    for (const key of ["zoneSpread", "requireTransportSecurity", "retainVolumes"] as const) {
      check(typeof this[key] === "boolean", site, `${key} must be true or false`, this[key], `Use ${key}: true or false (a string such as "false" would read as true).`);
    }
    check(Object.values(Size).includes(this.size), site, "size is not one of the known sizes", this.size, `Use one of Size.${Object.keys(Size).join(", Size.")}.`);
    if (this.minZones >= 3) {
      check(this.quorumSize >= 3, site, `a ${this.minZones}-zone profile needs quorums of at least 3 to survive a zone loss`, this.quorumSize, "Use quorumSize: 3 (one member per zone) or 5.");
      check(
        this.statelessReplicas >= this.minZones,
        site,
        `a ${this.minZones}-zone profile needs at least one stateless replica per zone`,
        this.statelessReplicas,
        `Use statelessReplicas: ${this.minZones} or more.`,
      );
    }
  }

  private settings(): ProfileSettings {
    return {
      name: this.name,
      minZones: this.minZones,
      statelessReplicas: this.statelessReplicas,
      quorumSize: this.quorumSize,
      size: this.size,
      zoneSpread: this.zoneSpread,
      requireTransportSecurity: this.requireTransportSecurity,
      retainVolumes: this.retainVolumes,
    };
  }
}
