import { check, checkKnownOptions, ErrorSite, PlatformConfigError } from "../core/errors";
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
    checkOptionsSchema(site, "PulsarBacklogOptions", options);
    check(typeof options.subscription === "string" && /^[A-Za-z0-9._-]{1,128}$/.test(options.subscription), site, "subscription must be a Pulsar subscription name", options.subscription, 'Use e.g. "billing" (a Dapr subscriber\'s subscription is its app id).');
    const threshold = wholeNumber(site, "threshold", options.threshold ?? 10, 1);
    const activation = wholeNumber(site, "activationThreshold", options.activationThreshold ?? 0, 0);
    return new ScaleTrigger("pulsar", true, { subscription: options.subscription, msgBacklogThreshold: String(threshold), activationMsgBacklogThreshold: String(activation) }, topic);
  }

  /**
   * The lag of a Kafka consumer group on a declared topic, read through the broker's Kafka
   * listener with the service's own credentials (SASL/PLAIN); scales to zero.
   */
  public static kafkaLag(topic: PulsarTopic, options: KafkaLagOptions): ScaleTrigger {
    const site = "ScaleTrigger.kafkaLag";
    checkDeclared(site, topic);
    checkOptionsSchema(site, "KafkaLagOptions", options);
    check(typeof options.consumerGroup === "string" && /^[A-Za-z0-9._-]{1,249}$/.test(options.consumerGroup), site, "consumerGroup must be a Kafka group id (letters, digits, '.', '_', '-')", options.consumerGroup, 'Use the group.id the service consumes with, e.g. "billing".');
    const threshold = wholeNumber(site, "lagThreshold", options.lagThreshold ?? 10, 1);
    const activation = wholeNumber(site, "activationLagThreshold", options.activationLagThreshold ?? 0, 0);
    const reset = options.offsetResetPolicy ?? "latest";
    check(reset === "latest" || reset === "earliest", site, 'offsetResetPolicy must be "latest" or "earliest"', reset, "Use the auto.offset.reset of the service's consumers.");
    return new ScaleTrigger("kafka", true, { consumerGroup: options.consumerGroup, lagThreshold: String(threshold), activationLagThreshold: String(activation), offsetResetPolicy: reset }, topic);
  }

  /** Requests through KEDA's HTTP add-on (its interceptor holds them while the service wakes); scales to zero. */
  public static http(options: HttpTriggerOptions = {}): ScaleTrigger {
    const site = "ScaleTrigger.http";
    checkOptionsSchema(site, "HttpTriggerOptions", options);
    let ingress: HttpTriggerOptions["ingress"];
    if (options.ingress !== undefined) {
      const i = options.ingress;
      checkOptions(`${site}.ingress`, i, ["host", "className", "tlsSecret"]);
      check(typeof i.host === "string" && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(i.host) && i.host.includes("."), site, "ingress.host must be a DNS name", i.host, 'Use e.g. "orders.example.com".');
      for (const key of ["className", "tlsSecret"] as const) {
        const value = i[key];
        check(value === undefined || (typeof value === "string" && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value)), site, `ingress.${key} must be a Kubernetes name`, value, key === "className" ? 'Use e.g. "nginx".' : 'Use e.g. "orders-tls".');
      }
      ingress = { host: i.host, className: i.className, tlsSecret: i.tlsSecret };
    }
    const list = (key: "hosts" | "pathPrefixes", pattern: RegExp, example: string) => {
      const value = options[key];
      if (value === undefined) return undefined;
      check(Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string" && pattern.test(v)), site, `${key} must be a non-empty list`, value, `Use e.g. ${example}.`);
      return [...value];
    };
    const hosts = list("hosts", /^(\*\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, '["orders.example.com"]');
    const paths = list("pathPrefixes", /^\/\S*$/, '["/api"]');
    const concurrency = options.targetConcurrency === undefined ? undefined : wholeNumber(site, "targetConcurrency", options.targetConcurrency, 1);
    const rate = options.targetRequestRate === undefined ? undefined : wholeNumber(site, "targetRequestRate", options.targetRequestRate, 1);
    return new ScaleTrigger("http", true, {}, undefined, { hosts, paths, concurrency: concurrency ?? (rate === undefined ? 100 : undefined), rate, ingress });
  }

  /** A fixed replica count inside a cron window; outside it, the other triggers (or the minimum) decide. */
  public static cron(options: CronTriggerOptions): ScaleTrigger {
    const site = "ScaleTrigger.cron";
    checkOptionsSchema(site, "CronTriggerOptions", options);
    check(typeof options.timezone === "string" && /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(options.timezone), site, "timezone must be an IANA time zone", options.timezone, 'Use e.g. "Europe/Berlin" or "UTC".');
    for (const key of ["start", "end"] as const) {
      const value = options[key];
      check(typeof value === "string" && value.trim().split(/\s+/).length === 5 && /^[\d*/,\-\sA-Za-z]+$/.test(value), site, `${key} must be a five-field cron expression`, value, 'Use e.g. "0 8 * * 1-5".');
    }
    check(options.start !== options.end, site, "start and end must differ", options.start, "Give the window's start and its end.");
    const replicas = wholeNumber(site, "desiredReplicas", options.desiredReplicas, 1);
    return new ScaleTrigger("cron", true, { timezone: options.timezone, start: options.start, end: options.end, desiredReplicas: String(replicas) });
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
    check(typeof options.serverAddress === "string" && /^https?:\/\/\S+$/.test(options.serverAddress), site, "serverAddress must be an http(s) URL", options.serverAddress, 'Use e.g. "http://prometheus.monitoring.svc:9090".');
    check(typeof options.query === "string" && options.query.trim().length > 0 && options.query.length <= 4096, site, "query must be a PromQL query", options.query, 'Use e.g. "sum(rate(http_requests_total{app=\\"orders\\"}[2m]))".');
    checkScannable(site, "query", options.query);
    check(typeof options.threshold === "number" && Number.isFinite(options.threshold) && options.threshold > 0, site, "threshold must be a number > 0", options.threshold, "Use the value one replica handles, e.g. 100.");
    const activation = options.activationThreshold ?? 0;
    check(typeof activation === "number" && Number.isFinite(activation) && activation >= 0, site, "activationThreshold must be a number >= 0", activation, "Use e.g. 0.");
    return new ScaleTrigger("prometheus", true, { serverAddress: options.serverAddress, query: options.query, threshold: String(options.threshold), activationThreshold: String(activation) });
  }

  private static resource(kind: "cpu" | "memory", options: { readonly utilization: number }): ScaleTrigger {
    const site = `ScaleTrigger.${kind}`;
    checkOptionsSchema(site, "UtilizationOptions", options);
    const utilization = wholeNumber(site, "utilization", options.utilization, 1);
    check(utilization <= 1000, site, "utilization is a percentage of the request, at most 1000", utilization, "Use e.g. 70.");
    return new ScaleTrigger(kind, false, { value: String(utilization) });
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

function checkOptions(site: ErrorSite, options: unknown, known: string[]): void {
  check(!!options && typeof options === "object" && !Array.isArray(options), site, "options must be an object", options, `Pass { ${known.join(", ")} }.`);
  checkKnownOptions(site, options as object, known);
}

function wholeNumber(site: ErrorSite, what: string, value: unknown, min: number): number {
  if (!(typeof value === "number" && Number.isInteger(value) && value >= min && value <= 1_000_000)) {
    throw new PlatformConfigError(site, `${what} must be a whole number from ${min} to 1000000`, value, `Use e.g. ${Math.max(min, 10)}.`);
  }
  return value;
}
