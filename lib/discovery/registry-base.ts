import type { ConfigEntryOptions, IServiceBinding, IServiceRegistry, ITeam, RegistryCredentials } from "../core/bindings";
import { IComponentContext, IPlatformComponent, notInstalled } from "../core/component";
import { check, PlatformConfigError } from "../core/errors";
import { findLiteralSecret } from "../core/secrets";
import { WorkloadRole } from "../core/placement";
import { spreadOf, ZoneGroup } from "../core/zones";
import { checkOptionsSchema } from "../core/validate";
import { checkScannable } from "../core/literal";

/** A configuration entry as the sync Job publishes it. */
export interface ConfigEntry {
  /** Registry namespace (a team's, or the platform-wide one). */
  readonly namespace: string;
  readonly group: string;
  readonly dataId: string;
  readonly format: string;
  readonly content: string;
}

/** Name of the Secret that holds a team's registry credentials, in the team's namespace. */
export const REGISTRY_CREDENTIALS_SECRET = "registry-credentials";
/** Group and data id: what Nacos accepts (letters, digits, '-', '_', '.', ':'), and a key segment in Consul. */
const CONFIG_NAME = /^(?=.*[A-Za-z0-9])[A-Za-z0-9_.:-]{1,128}$/;
const FORMATS = ["text", "json", "yaml", "properties", "xml", "html"];
const MAX_CONTENT = 100 * 1024;

/**
 * What every registry shares: the component key "registry" (so a platform has one), teams mapped
 * to registry namespaces, and configuration entries declared in code, checked for literal secrets.
 */
export abstract class RegistryBase implements IPlatformComponent, IServiceRegistry {
  public readonly key = "registry";
  public abstract readonly registryKind: string;
  public abstract readonly address: string;
  public abstract readonly url: string;
  public abstract install(context: IComponentContext): void;
  public abstract credentialsOf(team: ITeam): RegistryCredentials;
  public abstract configureService(service: IServiceBinding): void;
  /** The registry namespace of entries declared without a team. */
  protected abstract readonly sharedNamespace: string;
  /** Labels of the consensus members' pods (their zone spread is read from the same placement). */
  protected abstract readonly memberSelector: Record<string, string>;
  protected context?: IComponentContext;
  private consensus?: { part: string; members: number };
  protected readonly teams = new Set<ITeam>();
  private readonly entries = new Map<string, ConfigEntry>();
  /** Services wired to the registry, in order (what a diagram draws as registry edges). */
  private readonly wired: IServiceBinding[] = [];

  /** Services given the registry's address and their team's namespace and credentials, in order (read-only). */
  public get registeredServices(): readonly IServiceBinding[] {
    return [...this.wired];
  }

  /** A team's registry namespace: its Kubernetes namespace's name. */
  public namespaceOf(team: ITeam): string {
    this.checkTeam(team);
    return team.namespaceName;
  }

  public configureTeam(team: ITeam): void {
    check(team.namespaceName !== this.sharedNamespace, this.site, `team ${team.teamName}'s namespace is the registry's shared namespace, which every team reads`, team.namespaceName, "Give the team another namespace.");
    this.teams.add(team);
  }

  public config(group: string, dataId: string, content: string | Record<string, unknown>, options: ConfigEntryOptions = {}): void {
    const site = this.site;
    check(typeof group === "string" && CONFIG_NAME.test(group), site, "a config group must be 1 to 128 letters, digits, '-', '_', '.' or ':', with a letter or digit", group, 'Use e.g. "DEFAULT_GROUP" or "orders".');
    check(typeof dataId === "string" && CONFIG_NAME.test(dataId), site, "a config dataId must be 1 to 128 letters, digits, '-', '_', '.' or ':', with a letter or digit", dataId, 'Use e.g. "orders.yaml".');
    checkOptionsSchema(site, "ConfigEntryOptions", options);
    const where = `${group}/${dataId}`;
    check(typeof content === "string" || (!!content && typeof content === "object" && !Array.isArray(content)), site, `config ${where} must be text or an object`, content, 'Pass e.g. "timeout: 5s" or { timeoutSeconds: 5 }.');
    checkScannable(site, `config ${where}`, content);
    const secret = findLiteralSecret(content);
    if (secret) {
      throw new PlatformConfigError(
        site,
        `config ${where} looks like it holds a secret (${secret}): configuration entries are readable by every service of their namespace and are stored in the synthesized JSON`,
        "<redacted>",
        "Keep secrets in Kubernetes Secrets and give them to the service with secretEnv (or a Secret mount); leave only non-secret settings here.",
      );
    }
    const format = options.format ?? (typeof content === "string" ? "text" : "json");
    check(FORMATS.includes(format), site, `config ${where} has an unknown format`, format, `Use one of ${FORMATS.join(", ")}.`);
    const text = typeof content === "string" ? content : JSON.stringify(content, null, 2);
    check(text.length <= MAX_CONTENT, site, `config ${where} is larger than ${MAX_CONTENT / 1024} KiB`, `${text.length} characters`, "Split it, or mount a ConfigMap for large files.");
    const namespace = options.team === undefined ? this.sharedNamespace : this.namespaceOf(options.team);
    const id = `${namespace}/${where}`;
    const existing = this.entries.get(id);
    if (existing && (existing.content !== text || existing.format !== format)) {
      throw new PlatformConfigError(site, `config ${where} is declared twice in namespace ${namespace} with different content`, where, "Declare each entry once.");
    }
    this.entries.set(id, { namespace, group, dataId, format, content: text });
  }

  /** The declared entries, in a stable order (code-point order: the same on every machine, and no collator to load). */
  protected get configEntries(): ConfigEntry[] {
    const key = (e: ConfigEntry) => `${e.namespace}/${e.group}/${e.dataId}`;
    return [...this.entries.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  /** Teams of the platform, by namespace name (teams sharing a namespace share its registry namespace). */
  protected get teamNamespaces(): string[] {
    return [...new Set([...this.teams].map((t) => t.namespaceName))].sort();
  }

  /**
   * The size of the registry's consensus group: the profile's quorum unless given; odd (2f+1
   * members survive f failures, an even one adds nothing), and at least 3 where the profile
   * spreads zones, so losing a zone keeps a majority.
   */
  protected consensusMembers(given: unknown, option: string, what: string, protocol: string): number {
    const { site, platform } = this.context!;
    const members = given ?? platform.profile.quorumSize;
    check(typeof members === "number" && Number.isInteger(members) && members >= 1 && members <= 9, site, `${option} must be a whole number from 1 to 9`, members, "Use 3 (one per zone) or 5.");
    const n = members as number;
    if (n % 2 === 0) {
      throw new PlatformConfigError(site, `${what} must be odd: ${protocol} needs a majority, so ${n} ${option} survive no more failures than ${n - 1}`, n, `Use ${n - 1} or ${n + 1}.`);
    }
    this.consensus = { part: what, members: n };
    if (platform.placement.spreadsZones) {
      check(n >= 3, site, `a ${platform.profile.name} profile spreads over zones: ${what.split(" ")[0]} needs at least 3 ${option} (one per zone) to keep its quorum when a zone is lost`, n, `Use ${option}: 3 (or 5).`);
    }
    return n;
  }

  /** The consensus members (JRaft or Raft), spread hard across zones, each with its data on a zonal volume. */
  public zoneGroups(): ZoneGroup[] {
    if (!this.context || !this.consensus) throw notInstalled(this.constructor.name);
    const { platform } = this.context;
    const spread = spreadOf(platform.placement.spread(this.memberSelector, WorkloadRole.QUORUM), platform.target.zoneLabel);
    return [{ component: this.key, part: this.consensus.part, kind: "consensus", members: this.consensus.members, spread, stateful: true }];
  }

  /** Subclasses call this once they have wired a service (configureService). */
  protected recordService(service: IServiceBinding): void {
    this.wired.push(service);
  }

  protected get site(): string {
    if (!this.context) throw notInstalled(this.constructor.name);
    return this.context.site;
  }

  protected checkTeam(team: ITeam): void {
    check(
      !!team && typeof team === "object" && team.platform === this.context?.platform && this.teams.has(team),
      this.site,
      "the registry only takes teams of its own platform",
      (team as ITeam)?.node?.path ?? team,
      "Pass a Team that this platform's addTeam() returned (or platform.defaultTeam).",
    );
  }
}
