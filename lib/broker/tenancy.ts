import { check, ErrorSite } from "../core/errors";

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

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

function checkName(site: ErrorSite, what: string, name: string): void {
  check(typeof name === "string" && NAME.test(name), site, `the ${what} name may hold letters, digits, '_', '.' and '-' (at most 63)`, name, "Use e.g. \"orders\".");
}

/** A persistent topic, by its full name. */
export class PulsarTopic {
  /** `persistent://<tenant>/<namespace>/<topic>`. */
  public readonly fullName: string;

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
}

/** A namespace of a tenant, with its policies and topics. */
export class PulsarNamespace {
  private readonly topics = new Map<string, PulsarTopic>();

  constructor(
    private readonly site: ErrorSite,
    /** The tenant. */
    public readonly tenant: PulsarTenant,
    /** Name. */
    public readonly name: string,
    /** Policies. */
    public readonly options: PulsarNamespaceOptions,
  ) {
    checkName(site, "namespace", name);
    const r = options.retention;
    if (r) {
      check(Number.isInteger(r.minutes) && r.minutes >= -1 && Number.isInteger(r.sizeMb) && r.sizeMb >= -1, site, "retention minutes and sizeMb must be whole numbers >= -1", r, "Use e.g. { minutes: 10080, sizeMb: 10240 } (7 days, 10 GiB), -1 for no limit.");
    }
    if (options.offloadThresholdBytes !== undefined) {
      check(Number.isInteger(options.offloadThresholdBytes) && options.offloadThresholdBytes >= -1, site, "offloadThresholdBytes must be a whole number >= -1", options.offloadThresholdBytes, "Use a byte count, 0 to offload at once, or -1 never to offload.");
    }
  }

  /** Declares a topic (idempotent: the same name returns the same topic). */
  public addTopic(name: string, options: TopicOptions = {}): PulsarTopic {
    checkName(this.site, "topic", name);
    const partitions = options.partitions ?? 0;
    check(Number.isInteger(partitions) && partitions >= 0 && partitions <= 1000, this.site, "partitions must be a whole number from 0 to 1000", partitions, "Use 0 for a plain topic or the partition count.");
    const existing = this.topics.get(name);
    if (existing) {
      check(existing.partitions === partitions, this.site, `topic "${name}" is declared twice with different partitions`, partitions, `Declare it once (it has ${existing.partitions}).`);
      return existing;
    }
    const topic = new PulsarTopic(this, name, partitions);
    this.topics.set(name, topic);
    return topic;
  }

  /** The namespace as the sync job reads it. */
  public toSpec(): Record<string, unknown> {
    const o = this.options;
    return {
      name: this.name,
      ...(o.retention ? { retention: { retentionTimeInMinutes: o.retention.minutes, retentionSizeInMB: o.retention.sizeMb } } : {}),
      ...(o.offloadThresholdBytes !== undefined ? { offloadThresholdBytes: o.offloadThresholdBytes } : {}),
      ...(o.offloadDeletionLagMs !== undefined ? { offloadDeletionLagMs: o.offloadDeletionLagMs } : {}),
      topics: [...this.topics.values()].map((t) => ({ name: t.name, partitions: t.partitions })),
    };
  }
}

/** A tenant: its admin roles and namespaces. */
export class PulsarTenant {
  private readonly namespaces = new Map<string, PulsarNamespace>();

  constructor(
    private readonly site: ErrorSite,
    /** Name. */
    public readonly name: string,
    /** Roles that administer the tenant. */
    public readonly adminRoles: string[],
  ) {
    checkName(site, "tenant", name);
  }

  /** Declares a namespace (the same name returns the same namespace). */
  public addNamespace(name: string, options: PulsarNamespaceOptions = {}): PulsarNamespace {
    const existing = this.namespaces.get(name);
    if (existing) return existing;
    const ns = new PulsarNamespace(this.site, this, name, options);
    this.namespaces.set(name, ns);
    return ns;
  }

  /** The tenant as the sync job reads it. */
  public toSpec(): Record<string, unknown> {
    return { name: this.name, adminRoles: this.adminRoles, namespaces: [...this.namespaces.values()].map((n) => n.toSpec()) };
  }
}
