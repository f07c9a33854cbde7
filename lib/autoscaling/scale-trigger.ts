import { check, ErrorSite } from "../core/errors";
import { PulsarTopic } from "../broker/tenancy";
import { checkScannable } from "../core/literal";
import { checkOptionsSchema } from "../core/validate";

/** Options of a Pulsar backlog trigger. */
export interface PulsarBacklogOptions {
  /** The subscription whose backlog counts (a Dapr subscriber's is its app id, the service's name). */
  readonly subscription: string;
  /** Messages of backlog per replica. @default 10 */
  readonly threshold?: number;
  /** Backlog above which a service at zero wakes up. @default 0 */
  readonly activationThreshold?: number;
}

/** Options of a Kafka consumer-lag trigger (the broker's Kafka listener). */
export interface KafkaLagOptions {
  /** The Kafka consumer group whose lag counts (the group.id the service consumes with). */
  readonly consumerGroup: string;
  /** Messages of lag per replica. @default 10 */
  readonly lagThreshold?: number;
  /** Lag above which a service at zero wakes up. @default 0 */
  readonly activationLagThreshold?: number;
  /** Where a group without a committed offset starts, as its consumers' auto.offset.reset. @default "latest" */
  readonly offsetResetPolicy?: "latest" | "earliest";
}

/** Options of an HTTP trigger (KEDA's HTTP add-on: requests go through its interceptor). */
export interface HttpTriggerOptions {
  /** Host names routed to the service. @default ["<service>.<namespace>.svc"] */
  readonly hosts?: string[];
  /** Path prefixes routed to the service. @default ["/"] */
  readonly pathPrefixes?: string[];
  /** Requests in flight per replica. @default 100 (unless targetRequestRate is given) */
  readonly targetConcurrency?: number;
  /** Requests per second per replica, over a minute. @default - concurrency decides */
  readonly targetRequestRate?: number;
  /**
   * Reach the service from outside the cluster through the interceptor: an Ingress for this host
   * in KEDA's namespace, routed to the interceptor's proxy, which wakes the service. @default - inside the cluster only
   */
  readonly ingress?: {
    /** Host name, e.g. "orders.example.com" (added to the route's hosts). */
    readonly host: string;
    /** IngressClass. @default - the target's */
    readonly className?: string;
    /** A TLS Secret for the host, in KEDA's namespace ("<platform>-keda"). @default - plain HTTP */
    readonly tlsSecret?: string;
  };
}

/** Options of a cron window. */
export interface CronTriggerOptions {
  /** IANA time zone, e.g. "Europe/Berlin". */
  readonly timezone: string;
  /** Five-field cron expression of the window's start, e.g. "0 8 * * 1-5". */
  readonly start: string;
  /** Five-field cron expression of the window's end, e.g. "0 18 * * 1-5". */
  readonly end: string;
  /** Replicas inside the window. */
  readonly desiredReplicas: number;
}

/** Options of a Prometheus query trigger. */
export interface PrometheusTriggerOptions {
  /** Prometheus' URL, e.g. "http://prometheus.monitoring.svc:9090". */
  readonly serverAddress: string;
  /** A PromQL query returning one value. */
  readonly query: string;
  /** Value per replica. */
  readonly threshold: number;
  /** Value above which a service at zero wakes up. @default 0 */
  readonly activationThreshold?: number;
}

/** What a trigger is: its KEDA type, metadata (no secrets) and whether it may scale to zero. */
export type TriggerKind = "pulsar" | "kafka" | "http" | "cron" | "cpu" | "memory" | "prometheus";

/**
 * What a service's replica count follows, for `service.autoscale({ triggers })`. Built with the
 * static factories; the autoscaler turns each into a KEDA trigger (and, for the broker and HTTP,
 * the authentication or route it needs).
 */
export class ScaleTrigger {
  /** The backlog of a subscription of a declared topic; scales to zero. Its stats are read with the service's own broker credentials. */
  public static pulsarBacklog(topic: PulsarTopic, options: PulsarBacklogOptions): ScaleTrigger {
    const site = "ScaleTrigger.pulsarBacklog";
    checkDeclared(site, topic);
    // The schema checks the shape and ranges of every trigger's options (lib/schemas/components.ts).
    checkOptionsSchema(site, "PulsarBacklogOptions", options);
    const { subscription, threshold = 10, activationThreshold = 0 } = options;
    return new ScaleTrigger("pulsar", true, { subscription, msgBacklogThreshold: String(threshold), activationMsgBacklogThreshold: String(activationThreshold) }, topic);
  }

  /**
   * The lag of a Kafka consumer group on a declared topic, read through the broker's Kafka
   * listener with the service's own credentials (SASL/PLAIN); scales to zero.
   */
  public static kafkaLag(topic: PulsarTopic, options: KafkaLagOptions): ScaleTrigger {
    const site = "ScaleTrigger.kafkaLag";
    checkDeclared(site, topic);
    checkOptionsSchema(site, "KafkaLagOptions", options);
    const { consumerGroup, lagThreshold = 10, activationLagThreshold = 0, offsetResetPolicy = "latest" } = options;
    return new ScaleTrigger("kafka", true, { consumerGroup, lagThreshold: String(lagThreshold), activationLagThreshold: String(activationLagThreshold), offsetResetPolicy }, topic);
  }

  /** Requests through KEDA's HTTP add-on (its interceptor holds them while the service wakes); scales to zero. */
  public static http(options: HttpTriggerOptions = {}): ScaleTrigger {
    const site = "ScaleTrigger.http";
    checkOptionsSchema(site, "HttpTriggerOptions", options);
    const i = options.ingress;
    const ingress = i && { host: i.host, className: i.className, tlsSecret: i.tlsSecret };
    const hosts = options.hosts && [...options.hosts];
    const paths = options.pathPrefixes && [...options.pathPrefixes];
    const concurrency = options.targetConcurrency;
    const rate = options.targetRequestRate;
    return new ScaleTrigger("http", true, {}, undefined, { hosts, paths, concurrency: concurrency ?? (rate === undefined ? 100 : undefined), rate, ingress });
  }

  /** A fixed replica count inside a cron window; outside it, the other triggers (or the minimum) decide. */
  public static cron(options: CronTriggerOptions): ScaleTrigger {
    const site = "ScaleTrigger.cron";
    checkOptionsSchema(site, "CronTriggerOptions", options);
    for (const key of ["start", "end"] as const) {
      const value = options[key];
      check(typeof value === "string" && value.trim().split(/\s+/).length === 5 && /^[\d*/,\-\sA-Za-z]+$/.test(value), site, `${key} must be a five-field cron expression`, value, 'Use e.g. "0 8 * * 1-5".');
    }
    check(options.start !== options.end, site, "start and end must differ", options.start, "Give the window's start and its end.");
    return new ScaleTrigger("cron", true, { timezone: options.timezone, start: options.start, end: options.end, desiredReplicas: String(options.desiredReplicas) });
  }

  /** Average CPU utilization of the requests, in percent; cannot scale to zero. */
  public static cpu(options: { readonly utilization: number }): ScaleTrigger {
    return ScaleTrigger.resource("cpu", options);
  }

  /** Average memory utilization of the requests, in percent; cannot scale to zero. */
  public static memory(options: { readonly utilization: number }): ScaleTrigger {
    return ScaleTrigger.resource("memory", options);
  }

  /** A Prometheus query's value; scales to zero when it falls to the activation threshold. */
  public static prometheus(options: PrometheusTriggerOptions): ScaleTrigger {
    const site = "ScaleTrigger.prometheus";
    checkOptionsSchema(site, "PrometheusTriggerOptions", options);
    check(options.query.trim().length > 0, site, "query must be a PromQL query", options.query, 'Use e.g. "sum(rate(http_requests_total{app=\\"orders\\"}[2m]))".');
    checkScannable(site, "query", options.query);
    return new ScaleTrigger("prometheus", true, { serverAddress: options.serverAddress, query: options.query, threshold: String(options.threshold), activationThreshold: String(options.activationThreshold ?? 0) });
  }

  private static resource(kind: "cpu" | "memory", options: { readonly utilization: number }): ScaleTrigger {
    const site = `ScaleTrigger.${kind}`;
    checkOptionsSchema(site, "UtilizationOptions", options);
    return new ScaleTrigger(kind, false, { value: String(options.utilization) });
  }

  private constructor(
    /** KEDA trigger type (HTTP is the add-on's external-push). */
    public readonly kind: TriggerKind,
    /** Whether the trigger can bring the service to zero replicas (CPU and memory cannot). */
    public readonly canScaleToZero: boolean,
    /** KEDA metadata, no secrets. */
    public readonly metadata: Record<string, string>,
    /** The topic of a backlog or lag trigger. */
    public readonly topic?: PulsarTopic,
    /** The route of an HTTP trigger. */
    public readonly route?: { readonly hosts?: string[]; readonly paths?: string[]; readonly concurrency?: number; readonly rate?: number; readonly ingress?: HttpTriggerOptions["ingress"] },
  ) {}
}

function checkDeclared(site: ErrorSite, topic: PulsarTopic): void {
  check(topic instanceof PulsarTopic && topic.namespace.declares(topic), site, "the topic must be one declared on the broker", (topic as PulsarTopic)?.fullName ?? topic, 'Declare it with broker.addTenant(...).addNamespace(...).addTopic("name") and pass what addTopic returned.');
}


