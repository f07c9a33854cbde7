import type { IServiceBinding } from "../core/bindings";
import { check, ErrorSite } from "../core/errors";
import { checkOptionsSchema } from "../core/validate";

/** Retention of acknowledged messages in a namespace. */
export interface RetentionPolicy {
  /** Minutes to keep acknowledged messages; -1 for ever. */
  readonly minutes: number;
  /** Megabytes to keep per topic; -1 for no limit. */
  readonly sizeMb: number;
}

/** Options of a Pulsar namespace. */
export interface PulsarNamespaceOptions {
  /** Retention of acknowledged messages. @default - Pulsar's (none) */
  readonly retention?: RetentionPolicy;
  /** Bytes a topic keeps in BookKeeper before older ledgers go to the offload store (0: at once, -1: never). @default - the broker's threshold */
  readonly offloadThresholdBytes?: number;
  /** Milliseconds an offloaded ledger stays in BookKeeper. @default - the broker's lag */
  readonly offloadDeletionLagMs?: number;
}

/** Options of a topic. */
export interface TopicOptions {
  /** Partitions; 0 for a non-partitioned topic. Partitions can grow, never shrink. @default 0 */
  readonly partitions?: number;
}

/** Options of a tenant. */
export interface TenantOptions {
  /** Roles that administer the tenant. @default [] */
  readonly adminRoles?: string[];
}

/** What a client may do on a namespace or topic (Pulsar's AuthAction names). */
export enum PulsarAction {
  PRODUCE = "produce",
  CONSUME = "consume",
}

/** Who owns tenants: the broker that applies them and hands out access. */
export interface ITenancyOwner {
  /** Where errors about tenants, namespaces and topics point. */
  readonly site: string;
  /** Gives `service` the actions on `resource`: a permission for its role and a token by reference. */
  grantAccess(resource: PulsarNamespace | PulsarTopic, service: IServiceBinding, actions: readonly PulsarAction[]): void;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

function checkName(site: ErrorSite, what: string, name: string): void {
  check(typeof name === "string" && NAME.test(name), site, `the ${what} name may hold letters, digits, '_', '.' and '-' (at most 63)`, name, "Use e.g. \"orders\".");
}

/** Roles and their actions on one namespace or topic, as the platform declares them. */
export class RolePermissions {
  private readonly byRole = new Map<string, Set<PulsarAction>>();

  public allow(role: string, actions: readonly PulsarAction[]): void {
    const set = this.byRole.get(role) ?? new Set<PulsarAction>();
    for (const action of actions) set.add(action);
    this.byRole.set(role, set);
  }

  public actionsOf(role: string): PulsarAction[] {
    return [...(this.byRole.get(role) ?? [])].sort();
  }

  public toSpec(): Record<string, string[]> | undefined {
    if (this.byRole.size === 0) return undefined;
    return Object.fromEntries([...this.byRole.keys()].sort().map((role) => [role, this.actionsOf(role)]));
  }
}

/** A persistent topic, by its full name. */
export class PulsarTopic {
  /** `persistent://<tenant>/<namespace>/<topic>`. */
  public readonly fullName: string;
  /** Roles granted on this resource itself, and their actions. */
  public readonly permissions = new RolePermissions();

  constructor(
    /** The namespace. */
    public readonly namespace: PulsarNamespace,
    /** Short name. */
    public readonly name: string,
    /** Partitions (0: not partitioned). */
    public readonly partitions: number,
  ) {
    this.fullName = `persistent://${namespace.tenant.name}/${namespace.name}/${name}`;
  }

  /** Lets `service` publish to this topic: a permission for its role, its token and the broker URL in its environment. */
  public grantProduce(service: IServiceBinding): void {
    this.namespace.tenant.owner.grantAccess(this, service, [PulsarAction.PRODUCE]);
  }

  /** Lets `service` subscribe to this topic. */
  public grantConsume(service: IServiceBinding): void {
    this.namespace.tenant.owner.grantAccess(this, service, [PulsarAction.CONSUME]);
  }

  /** The actions a role has on this topic itself (namespace grants not included). */
  public actionsOf(role: string): PulsarAction[] {
    return this.permissions.actionsOf(role);
  }
}

/** A namespace of a tenant, with its policies, topics and grants. */
export class PulsarNamespace {
  /** `<tenant>/<namespace>`. */
  public readonly fullName: string;
  /** Roles granted on this resource itself, and their actions. */
  public readonly permissions = new RolePermissions();
  private readonly topics = new Map<string, PulsarTopic>();

  constructor(
    /** The tenant. */
    public readonly tenant: PulsarTenant,
    /** Name. */
    public readonly name: string,
    /** Policies. */
    public readonly options: PulsarNamespaceOptions,
  ) {
    // Errors name the object: "<platform>/broker/Namespace(<tenant>/<name>)".
    const site = `${tenant.owner.site}/Namespace(${tenant.name}/${name})`;
    checkName(site, "namespace", name);
    checkOptionsSchema(site, "PulsarNamespaceOptions", options);
    const r = options.retention;
    if (r) {
      check(Number.isInteger(r.minutes) && r.minutes >= -1 && Number.isInteger(r.sizeMb) && r.sizeMb >= -1, site, "retention minutes and sizeMb must be whole numbers >= -1", r, "Use e.g. { minutes: 10080, sizeMb: 10240 } (7 days, 10 GiB), -1 for no limit.");
    }
    if (options.offloadThresholdBytes !== undefined) {
      check(Number.isInteger(options.offloadThresholdBytes) && options.offloadThresholdBytes >= -1, site, "offloadThresholdBytes must be a whole number >= -1", options.offloadThresholdBytes, "Use a byte count, 0 to offload at once, or -1 never to offload.");
    }
    if (options.offloadDeletionLagMs !== undefined) {
      check(Number.isInteger(options.offloadDeletionLagMs) && options.offloadDeletionLagMs >= 0, site, "offloadDeletionLagMs must be a whole number >= 0", options.offloadDeletionLagMs, "Use milliseconds, e.g. 14400000 (4 h).");
    }
    this.fullName = `${tenant.name}/${name}`;
  }

  /** Declares a topic (idempotent: the same name returns the same topic). */
  /** Whether `topic` was declared in this namespace with `addTopic` (not built by hand). */
  public declares(topic: PulsarTopic): boolean {
    return this.topics.get(topic.name) === topic;
  }

  public addTopic(name: string, options: TopicOptions = {}): PulsarTopic {
    const site = `${this.tenant.owner.site}/Topic(${this.fullName}/${name})`;
    checkName(site, "topic", name);
    checkOptionsSchema(site, "TopicOptions", options);
    const partitions = options.partitions ?? 0;
    check(Number.isInteger(partitions) && partitions >= 0 && partitions <= 1000, site, "partitions must be a whole number from 0 to 1000", partitions, "Use 0 for a plain topic or the partition count.");
    const existing = this.topics.get(name);
    if (existing) {
      check(existing.partitions === partitions, site, `topic "${name}" is declared twice with different partitions`, partitions, `Declare it once (it has ${existing.partitions}).`);
      return existing;
    }
    const topic = new PulsarTopic(this, name, partitions);
    this.topics.set(name, topic);
    return topic;
  }

  /** The topics declared so far, in declaration order (read-only: for reports such as the diagram). */
  public get declaredTopics(): readonly PulsarTopic[] {
    return [...this.topics.values()];
  }

  /** Lets `service` publish to every topic of this namespace. */
  public grantProduce(service: IServiceBinding): void {
    this.tenant.owner.grantAccess(this, service, [PulsarAction.PRODUCE]);
  }

  /** Lets `service` subscribe to every topic of this namespace. */
  public grantConsume(service: IServiceBinding): void {
    this.tenant.owner.grantAccess(this, service, [PulsarAction.CONSUME]);
  }

  /** The actions a role has on the whole namespace. */
  public actionsOf(role: string): PulsarAction[] {
    return this.permissions.actionsOf(role);
  }

  /** The namespace as the sync job reads it. */
  public toSpec(): Record<string, unknown> {
    const o = this.options;
    const permissions = this.permissions.toSpec();
    return {
      name: this.name,
      ...(o.retention ? { retention: { retentionTimeInMinutes: o.retention.minutes, retentionSizeInMB: o.retention.sizeMb } } : {}),
      ...(o.offloadThresholdBytes !== undefined ? { offloadThresholdBytes: o.offloadThresholdBytes } : {}),
      ...(o.offloadDeletionLagMs !== undefined ? { offloadDeletionLagMs: o.offloadDeletionLagMs } : {}),
      ...(permissions ? { permissions } : {}),
      topics: [...this.topics.values()].map((t) => {
        const topicPermissions = t.permissions.toSpec();
        return { name: t.name, partitions: t.partitions, ...(topicPermissions ? { permissions: topicPermissions } : {}) };
      }),
    };
  }
}

/** A tenant: its admin roles and namespaces. */
export class PulsarTenant {
  private readonly namespaces = new Map<string, PulsarNamespace>();

  constructor(
    /** The broker the tenant belongs to. */
    public readonly owner: ITenancyOwner,
    /** Name. */
    public readonly name: string,
    /** Roles that administer the tenant. */
    public readonly adminRoles: string[],
  ) {
    const site = `${owner.site}/Tenant(${name})`;
    checkName(site, "tenant", name);
    check(Array.isArray(adminRoles) && adminRoles.every((r) => typeof r === "string" && r.length > 0), site, `adminRoles of tenant "${name}" must be a list of role names`, adminRoles, 'Use e.g. adminRoles: ["shop-admin"].');
  }

  /** Declares a namespace (the same name returns the same namespace; different options are an error). */
  public addNamespace(name: string, options: PulsarNamespaceOptions = {}): PulsarNamespace {
    const existing = this.namespaces.get(name);
    if (existing) {
      check(
        JSON.stringify(existing.options) === JSON.stringify(options ?? {}) || Object.keys(options ?? {}).length === 0,
        `${this.owner.site}/Namespace(${this.name}/${name})`,
        `namespace "${this.name}/${name}" is declared twice with different options`,
        options,
        `Declare its options once (they are ${JSON.stringify(existing.options)}).`,
      );
      return existing;
    }
    const ns = new PulsarNamespace(this, name, options ?? {});
    this.namespaces.set(name, ns);
    return ns;
  }

  /** The namespaces declared so far, in declaration order (read-only: for reports such as the diagram). */
  public get declaredNamespaces(): readonly PulsarNamespace[] {
    return [...this.namespaces.values()];
  }

  /** The tenant as the sync job reads it. */
  public toSpec(): Record<string, unknown> {
    return { name: this.name, adminRoles: this.adminRoles, namespaces: [...this.namespaces.values()].map((n) => n.toSpec()) };
  }
}
