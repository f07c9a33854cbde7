import type { IServiceBinding, ITeam } from "../core/bindings";
import { isServiceRegistry } from "../core/bindings";
import { ObjectStorageService } from "../core/target";
import { isZoneAware, ZoneGroup } from "../core/zones";
import { CertManager } from "../security/cert-manager";
import { Broker } from "../broker/broker";
import { BrokerBase } from "../broker/broker-base";
import { OffloadStore } from "../broker/offload";
import { PulsarAction, PulsarNamespace, PulsarTopic } from "../broker/tenancy";
import { Tracing } from "../observability/tracing";
import { DaprRuntime } from "../runtime/dapr-runtime";
import { Keda } from "../autoscaling/keda";
import { RegistryBase } from "../discovery/registry-base";
import { ScaleTrigger } from "../autoscaling/scale-trigger";
import type { MicroservicePlatform } from "../platform/microservice-platform";

/**
 * A Mermaid `flowchart` of what a platform built: its components (the broker with its endpoints,
 * namespaces, topics and offload store; cert-manager; the registry; Dapr; the collector and
 * Jaeger; KEDA; any other component), how their zone groups spread over the target's zones, its
 * teams and services, and the wiring between them: grants, Dapr publications and subscriptions
 * (with dead letters), trace export, registry use and autoscaling.
 *
 * Everything is read from what the constructs recorded when they were built, never from the
 * blueprint's source or the services' environment, so the picture cannot drift from the code.
 * The text is deterministic (declaration order, stable ids), and every name is written through
 * `mermaidText`, so no name can break out of its label.
 */
export function platformDiagram(platform: MicroservicePlatform): string {
  const chart = new Flowchart();
  chart.comment(`platform ${platform.platformName}, drawn by platformDiagram() from what its constructs recorded (change those, not this text)`);
  const drawn = new Set<object>();

  const broker = platform.tryComponent(BrokerBase);
  const topicIds = new Map<PulsarTopic, string>();
  const namespaceIds = new Map<PulsarNamespace, string>();
  if (broker) {
    drawBroker(chart, broker, topicIds, namespaceIds);
    drawn.add(broker);
  }

  const certManager = platform.tryComponent(CertManager);
  if (certManager) {
    chart.node("cert_manager", "rect", ["cert-manager", `namespace ${certManager.namespace}`]);
    drawn.add(certManager);
  }

  const found = platform.components.find((c) => c.key === "registry");
  const registry = isServiceRegistry(found) ? found : undefined;
  if (registry) {
    const kind = { nacos: "Nacos", consul: "Consul" }[registry.registryKind] ?? registry.registryKind;
    chart.node("registry", "rect", [`${kind}: registry and config center`, registry.address]);
    drawn.add(registry);
  }

  const dapr = platform.tryComponent(DaprRuntime);
  if (dapr) {
    chart.node("dapr", "rect", ["Dapr runtime: sidecars, pub/sub", `control plane in ${dapr.namespace}`]);
    drawn.add(dapr);
  }

  const tracing = platform.tryComponent(Tracing);
  if (tracing) {
    chart.open("tracing", ["tracing"]);
    chart.node("tracing_collector", "rect", ["OpenTelemetry Collector", tracing.otlpGrpcHost]);
    chart.node("tracing_jaeger", "cylinder", ["Jaeger", tracing.storage.durable ? `traces in ${tracing.storage.kind}` : "traces in memory"]);
    chart.close();
    drawn.add(tracing);
  }

  const keda = platform.tryComponent(Keda);
  if (keda) {
    chart.node("keda", "rect", ["KEDA autoscaler", `namespace ${keda.namespace}`]);
    drawn.add(keda);
  }

  // Components of the user's own: a box each, so the picture shows every part the platform runs.
  for (const component of platform.components) {
    if (drawn.has(component)) continue;
    chart.node(chart.id("component", component.key), "rect", [component.key, component.constructor?.name ?? "component"]);
  }

  drawZones(chart, platform);

  const serviceIds = new Map<IServiceBinding, string>();
  const onDapr = new Set(dapr?.enabledServices ?? []);
  for (const team of platform.teams) drawTeam(chart, team, platform.services, serviceIds, onDapr);

  // The wiring, one kind of relation after another, each in the order it was made.
  const svc = (service: IServiceBinding) => serviceIds.get(service);
  const topic = (t: PulsarTopic | undefined) => (t ? topicIds.get(t) : undefined);

  chart.section("messaging through Dapr");
  for (const link of dapr?.topicLinks ?? []) {
    const s = svc(link.service);
    const t = topic(link.topic);
    if (!s || !t) continue;
    if (link.kind === "publish") {
      chart.edge(s, "solid", `publishes via Dapr ${link.pubsub}`, t);
      continue;
    }
    const dead = topic(link.deadLetter);
    const label = [`subscription ${link.route ?? ""}`.trim(), `via Dapr ${link.pubsub}`, ...(link.deadLetter ? [`dead letters to ${link.deadLetter.name}`] : [])];
    chart.edge(t, "solid", label.join(", "), s);
    if (dead) chart.edge(s, "dotted", "dead letters", dead);
  }

  if (broker) {
    // Grants to services' own roles; a team's Dapr sidecars hold theirs for the links drawn above.
    chart.section("grants on the broker");
    for (const [service, credentials] of broker.connections) {
      const s = svc(service);
      if (!s) continue;
      for (const tenant of broker.declaredTenants) {
        for (const namespace of tenant.declaredNamespaces) {
          grantEdges(chart, s, namespaceIds.get(namespace)!, namespace.actionsOf(credentials.role), "namespace");
          for (const t of namespace.declaredTopics) grantEdges(chart, s, topicIds.get(t)!, t.actionsOf(credentials.role), "topic");
        }
      }
    }
  }

  if (keda) {
    chart.section("autoscaling");
    for (const scaled of keda.scaledServices) {
      const s = svc(scaled.service);
      if (s) chart.edge("keda", "thick", `scales ${scaled.minReplicas}-${scaled.maxReplicas} on ${scaled.triggers.map(triggerText).join(", ")}`, s);
    }
  }

  if (tracing) {
    chart.section("tracing");
    for (const service of tracing.tracedServices) {
      const s = svc(service);
      if (s) chart.edge(s, "dotted", "traces", "tracing_collector");
    }
    if (dapr?.sidecarTracing === tracing) chart.edge("dapr", "dotted", "sidecar spans", "tracing_collector");
    chart.edge("tracing_collector", "solid", "spans", "tracing_jaeger");
  }

  if (registry) {
    chart.section("service registry and config center");
    // A registry of the user's own records nothing the diagram can read: its node stays without edges.
    for (const service of registry instanceof RegistryBase ? registry.registeredServices : []) {
      const s = svc(service);
      if (!s) continue;
      // Where the sidecar registers the app (Consul), the edge says so: the app itself only reads config.
      const bySidecar = onDapr.has(service) && registry.sidecarNameResolution?.(service.team) !== undefined;
      chart.edge(s, "dotted", bySidecar ? "config, registered by its sidecar" : "registry + config", "registry");
    }
    if (dapr && platform.teams.some((team) => registry.sidecarNameResolution?.(team) !== undefined)) chart.edge("dapr", "dotted", "name resolution", "registry");
  }

  if (broker instanceof Broker && broker.tls && certManager) {
    chart.section("certificates");
    chart.edge("cert_manager", "dotted", "TLS certificates", "broker");
  }
  return chart.text();
}

/**
 * Text for inside a Mermaid label: every character but ASCII letters, digits, space and
 * `_ . , : / ( ) + = @ -` becomes Mermaid's entity code `#<code point>;`. Quotes, brackets,
 * pipes, `%%` (comments and directives), `<`/`>` (markup), `#`, backticks and line breaks thus
 * never reach the parser as syntax, while the rendered label still shows the original text.
 */
export function mermaidText(text: string): string {
  let out = "";
  for (const ch of String(text)) out += SAFE_CHAR.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  return out;
}

const SAFE_CHAR = /^[A-Za-z0-9 _.,:/()+=@-]$/;

/** Ids the diagram gives its fixed parts; generated ids never take them. */
const FIXED_IDS = ["broker", "broker_endpoints", "broker_offload", "cert_manager", "registry", "dapr", "tracing", "tracing_collector", "tracing_jaeger", "keda", "zones", "zones_any", "zones_soft"];

type Shape = "rect" | "round" | "cylinder" | "flag";
type Line = "solid" | "dotted" | "thick";
const SHAPES: Record<Shape, [string, string]> = { rect: ['["', '"]'], round: ['("', '")'], cylinder: ['[("', '")]'], flag: ['>"', '"]'] };
const ARROWS: Record<Line, string> = { solid: "-->", dotted: "-.->", thick: "==>" };

/** Flowchart text with ids that are always safe and unique, and labels that are always escaped. */
class Flowchart {
  private readonly lines = ["flowchart LR"];
  private readonly edges = new Set<string>();
  private readonly ids = new Set<string>(FIXED_IDS);
  private readonly byKey = new Map<string, string>();
  private depth = 1;
  private pendingSection?: string;

  /**
   * A stable id for `key` under `prefix`: letters, digits and '_' only (never a Mermaid keyword
   * such as `end`: every id has a prefix), numbered when two keys clean up to the same id.
   */
  public id(prefix: string, ...key: string[]): string {
    const whole = `${prefix}\u0000${key.join("\u0000")}`;
    const known = this.byKey.get(whole);
    if (known) return known;
    const base = [prefix, ...key].join("_").replace(/[^A-Za-z0-9_]/g, "_");
    let id = base;
    for (let n = 2; this.ids.has(id); n++) id = `${base}_${n}`;
    this.ids.add(id);
    this.byKey.set(whole, id);
    return id;
  }

  public comment(text: string): void {
    this.lines.push(`${this.indent()}%% ${mermaidText(text)}`);
  }

  /** Starts a section of edges: its comment is written before its first edge, if it has any. */
  public section(title: string): void {
    this.pendingSection = title;
  }

  public node(id: string, shape: Shape, label: string[]): void {
    const [open, close] = SHAPES[shape];
    this.lines.push(`${this.indent()}${id}${open}${label.map(mermaidText).join("<br/>")}${close}`);
  }

  public open(id: string, label: string[], direction?: "TB" | "LR"): void {
    this.lines.push(`${this.indent()}subgraph ${id}["${label.map(mermaidText).join("<br/>")}"]`);
    this.depth++;
    if (direction) this.lines.push(`${this.indent()}direction ${direction}`);
  }

  public close(): void {
    this.depth--;
    this.lines.push(`${this.indent()}end`);
  }

  /** An edge; the same edge twice is drawn once. */
  public edge(from: string, line: Line, label: string, to: string): void {
    const text = `${from} ${ARROWS[line]}|"${mermaidText(label)}"| ${to}`;
    if (this.edges.has(text)) return;
    this.edges.add(text);
    if (this.pendingSection !== undefined) this.comment(this.pendingSection);
    this.pendingSection = undefined;
    this.lines.push(`${this.indent()}${text}`);
  }

  /** Invisible links that only lay `ids` out one after another. */
  public invisible(ids: string[]): void {
    if (ids.length > 1) this.lines.push(`${this.indent()}${ids.join(" ~~~ ")}`);
  }

  public text(): string {
    return `${this.lines.join("\n")}\n`;
  }

  private indent(): string {
    return "  ".repeat(this.depth);
  }
}

/** The broker: its endpoints, its tenants' namespaces and topics, and where cold ledgers go. */
function drawBroker(chart: Flowchart, broker: BrokerBase, topicIds: Map<PulsarTopic, string>, namespaceIds: Map<PulsarNamespace, string>): void {
  const own = broker instanceof Broker;
  chart.open("broker", [own ? `broker: Apache Pulsar${broker.tls ? ", TLS" : ""}` : `broker: external Pulsar${broker.tls ? ", TLS" : ""}`], "TB");
  const endpoints = [`pulsar: ${broker.pulsarUrl}`, `admin: ${broker.adminUrl}`];
  if (own) {
    const handlers: Record<string, () => string> = { kafka: () => broker.kafkaBootstrap, mqtt: () => broker.mqttEndpoint, amqp: () => broker.amqpEndpoint, rocketmq: () => broker.rocketmqEndpoint };
    for (const protocol of broker.protocols.values()) endpoints.push(`${protocol.title}: ${handlers[protocol.name]?.() ?? `port ${protocol.port}`}`);
  }
  chart.node("broker_endpoints", "rect", ["endpoints", ...endpoints]);
  const offload = own ? broker.offload : undefined;
  if (offload) chart.node("broker_offload", "cylinder", ["offload store for cold ledgers", offloadText(offload)]);
  for (const tenant of broker.declaredTenants) {
    for (const namespace of tenant.declaredNamespaces) {
      const nsId = chart.id("pns", tenant.name, namespace.name);
      namespaceIds.set(namespace, nsId);
      chart.open(nsId, [`namespace ${namespace.fullName}`]);
      const topics = namespace.declaredTopics;
      if (topics.length === 0) chart.node(chart.id("pns_empty", tenant.name, namespace.name), "rect", ["no topics declared"]);
      for (const topic of topics) {
        const id = chart.id("topic", tenant.name, namespace.name, topic.name);
        topicIds.set(topic, id);
        chart.node(id, "flag", [topic.partitions > 0 ? `${topic.name} (${topic.partitions} partitions)` : topic.name]);
      }
      chart.close();
    }
  }
  chart.close();
}

function offloadText(store: OffloadStore): string {
  if (store.service === ObjectStorageService.FILESYSTEM) {
    const claim = store.createdClaim;
    return claim ? `filesystem: volume ${claim.name} (${claim.size})` : "filesystem: an existing volume claim";
  }
  const kind: Record<string, string> = {
    [ObjectStorageService.S3]: "S3 bucket",
    [ObjectStorageService.GCS]: "GCS bucket",
    [ObjectStorageService.AZURE_BLOB]: "Azure Blob container",
    [ObjectStorageService.TENCENT_COS]: "COS bucket",
    [ObjectStorageService.ALIYUN_OSS]: "OSS bucket",
    [ObjectStorageService.MINIO]: "MinIO bucket",
  };
  return `${kind[store.service] ?? store.service} ${store.bucket}`;
}

/**
 * Where the parts of the zone-aware components run. Parts that hold state or a quorum, or that are
 * spread hard, are drawn in every zone with the share the spread gives each (as even as possible:
 * 6 bookies over 3 zones is 2 per zone, 2 over 3 is 0-1); parts nothing spreads are drawn apart
 * ("any zone"); interchangeable replicas spread only softly are listed in one box, so the zones
 * show what a zone loss puts at stake. A single-zone target is one subgraph holding everything.
 */
function drawZones(chart: Flowchart, platform: MicroservicePlatform): void {
  const groups = platform.components.flatMap((c) => (isZoneAware(c) ? c.zoneGroups() : []));
  if (groups.length === 0) return;
  const target = platform.target;
  const zones = target.singleNode ? 1 : Math.max(1, target.zones.length);
  const placed = (g: ZoneGroup) => g.stateful || g.kind !== "replicas" || g.spread === "hard";
  chart.open("zones", [`zones: ${target.kind}${target.region ? ` ${target.region}` : ""}, ${platform.profile.name} profile`], "LR");
  if (zones === 1) {
    const name = target.zones[0];
    const id = chart.id("zone", name ?? "single");
    chart.open(id, [name ? `zone ${name}` : target.singleNode ? "one node" : "one zone"]);
    drawZoneParts(chart, id, groups.filter(placed), (g) => String(g.members));
    drawReplicaSummary(chart, chart.id("summary", id), "stateless replicas", groups.filter((g) => !placed(g)));
    chart.close();
  } else {
    const spread = groups.filter((g) => g.spread !== "none");
    for (const name of target.zones) {
      const id = chart.id("zone", name);
      chart.open(id, [`zone ${name}`]);
      drawZoneParts(chart, id, spread.filter(placed), (g) => shareOf(g.members, zones));
      chart.close();
    }
    drawReplicaSummary(chart, "zones_soft", "stateless replicas, spread softly over the zones", spread.filter((g) => !placed(g)));
    const unspread = groups.filter((g) => g.spread === "none");
    if (unspread.length > 0) {
      chart.open("zones_any", ["any zone: not spread"]);
      drawZoneParts(chart, "zones_any", unspread, (g) => String(g.members));
      chart.close();
    }
    chart.close();
    // Side by side, not stacked: the zones read as a row, and the picture stays compact.
    chart.invisible([...target.zones.map((name) => chart.id("zone", name)), ...(unspread.length > 0 ? ["zones_any"] : [])]);
    return;
  }
  chart.close();
}

/** One box per component in a zone, a line per part: "bookies: 2 (volume)". */
function drawZoneParts(chart: Flowchart, zoneId: string, groups: ZoneGroup[], share: (g: ZoneGroup) => string): void {
  for (const [component, parts] of byComponent(groups)) {
    const lines = parts.map((g) => {
      const notes = [...(g.stateful ? ["volume"] : []), ...(g.spread === "preferred" ? ["preferred spread"] : [])];
      return `${g.part}: ${share(g)}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}`;
    });
    chart.node(chart.id(zoneId, component), "rect", [component, ...lines]);
  }
}

/** One box listing interchangeable replicas, a line per component: "keda: operator 2, webhooks 2". */
function drawReplicaSummary(chart: Flowchart, id: string, title: string, groups: ZoneGroup[]): void {
  if (groups.length === 0) return;
  const lines = [...byComponent(groups)].map(([component, parts]) => `${component}: ${parts.map((g) => `${g.part} ${g.members}`).join(", ")}`);
  chart.node(id, "rect", [title, ...lines]);
}

function byComponent(groups: ZoneGroup[]): Map<string, ZoneGroup[]> {
  const map = new Map<string, ZoneGroup[]>();
  for (const g of groups) map.set(g.component, [...(map.get(g.component) ?? []), g]);
  return map;
}

/** Members per zone when `members` are spread as evenly as possible: a range when zones differ. */
function shareOf(members: number, zones: number): string {
  const low = Math.floor(members / zones);
  const high = Math.ceil(members / zones);
  // Which zones get the extra members is the scheduler's choice: every zone shows the range.
  return low === high ? String(low) : `${low}-${high}`;
}

/** A team's subgraph with its services. */
function drawTeam(chart: Flowchart, team: ITeam, services: readonly IServiceBinding[], serviceIds: Map<IServiceBinding, string>, onDapr: Set<IServiceBinding>): void {
  const id = chart.id("team", team.namespaceName);
  chart.open(id, [team.namespaceName === team.teamName ? `team ${team.teamName}` : `team ${team.teamName}, namespace ${team.namespaceName}`]);
  const own = services.filter((s) => s.team === team);
  if (own.length === 0) chart.node(chart.id("team_empty", team.namespaceName), "rect", ["no services"]);
  for (const service of own) {
    const sid = chart.id("svc", team.namespaceName, service.serviceName);
    serviceIds.set(service, sid);
    const notes = [`port ${service.port}`, ...(onDapr.has(service) ? ["Dapr sidecar"] : []), ...(service.exposure ? [`exposed by ${service.exposure}`] : [])];
    chart.node(sid, "round", [service.serviceName, notes.join(", ")]);
  }
  chart.close();
}

/** Grant edges: produce points at the topic, consume comes from it. */
function grantEdges(chart: Flowchart, service: string, resource: string, actions: PulsarAction[], what: "topic" | "namespace"): void {
  const scope = what === "namespace" ? " on the namespace" : "";
  if (actions.includes(PulsarAction.PRODUCE)) chart.edge(service, "solid", `produce grant${scope}`, resource);
  if (actions.includes(PulsarAction.CONSUME)) chart.edge(resource, "solid", `consume grant${scope}`, service);
}

function triggerText(trigger: ScaleTrigger): string {
  const topic = trigger.topic?.fullName.replace(/^persistent:\/\//, "");
  switch (trigger.kind) {
    case "pulsar":
      return `Pulsar backlog of ${topic}`;
    case "kafka":
      return `Kafka lag of ${trigger.metadata.consumerGroup} on ${topic}`;
    case "http":
      return "HTTP requests";
    // Words rather than cron fields and '%': characters that need escaping render as codes in some Mermaid versions.
    case "cron":
      return `cron window (${trigger.metadata.timezone})`;
    case "cpu":
    case "memory":
      return `${trigger.kind} at ${trigger.metadata.value} percent`;
    default:
      return trigger.kind;
  }
}
