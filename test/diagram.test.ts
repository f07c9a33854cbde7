import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { Construct } from "constructs";
import {
  DaprRuntime, IComponentContext, IPlatformComponent, Keda, KubernetesConnection, Layer, mermaidText, MicroservicePlatform, Nacos, ObjectStorageService, platformDiagram, Profile, ScaleTrigger, Target,
  Tracing, TraceStorage, ZoneGroup,
} from "../lib";
import { BLUEPRINTS } from "../stacks/blueprints";
import { diagramFiles } from "../scripts/diagram";
import { failure, testApp } from "./helpers";

const DIAGRAMS = join(__dirname, "..", "docs", "diagrams");

/** What the real Mermaid parser (mermaid 11, in a child process: it is ESM-only) makes of each text. */
interface Parsed {
  readonly ok: boolean;
  readonly error?: string;
  readonly diagramType?: string;
  readonly vertices: Record<string, string>;
  readonly edges: { start: string; end: string; text: string }[];
  readonly subgraphs: { id: string; title: string; nodes: string[] }[];
}

function parseAll(texts: Record<string, string>): Record<string, Parsed> {
  const out = execFileSync(process.execPath, [join(__dirname, "mermaid-check.mjs")], { input: JSON.stringify(texts), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out);
}

/** Mermaid's entity codes (`#60;`, or as its parser keeps them in edge text, `\ufb02\u00b0\u00b060\u00b6\u00df`) back to text, as the renderer shows a label. */
const decode = (text: string) => text.replace(/#(\d+);|\ufb02\u00b0\u00b0(\d+)\u00b6\u00df/g, (_, a, b) => String.fromCodePoint(Number(a ?? b)));

/** Ids of the nodes and subgraphs the generator declared (one per line, at the line's start). */
function declaredIds(text: string): { nodes: string[]; subgraphs: string[] } {
  const lines = text.split("\n").map((l) => l.trim());
  return {
    nodes: lines.filter((l) => /^[A-Za-z0-9_]+(\[|\(|>)/.test(l)).map((l) => l.match(/^[A-Za-z0-9_]+/)![0]),
    subgraphs: lines.filter((l) => l.startsWith("subgraph ")).map((l) => l.match(/^subgraph ([A-Za-z0-9_]+)\[/)![1]),
  };
}

/** A component of a user's own, reporting zone groups with hostile part names. */
class HostileParts implements IPlatformComponent {
  public readonly key = "hostile";
  constructor(private readonly part: string) {}
  public install(context: IComponentContext): void {
    new Construct(context.scope(Layer.BASE), "Nothing");
  }
  public zoneGroups(): ZoneGroup[] {
    return [{ component: this.key, part: this.part, kind: "consensus", members: 3, spread: "hard", stateful: true }];
  }
}

const HOSTILE = 'x"] --> injected["pwned"]\nclick zone_a call alert(1)\n%%{init: {"theme": "dark"}}%%\nend\nsubgraph evil["<img src=x onerror=alert(1)>`#quot;|;&'; // every way out of a label

function hostilePlatform(app: App): MicroservicePlatform {
  const platform = new MicroservicePlatform(app, "odd", {
    target: Target.custom({
      kind: "onprem",
      zones: ["end", "click", "z-1_x.y"],
      storage: { provisioner: "csi.example.com" },
      objectStorage: { service: ObjectStorageService.MINIO },
      connection: KubernetesConnection.kubeconfig(),
    }),
    profile: Profile.PRODUCTION,
    components: [new Nacos(), new Keda(), new DaprRuntime(), new Tracing({ storage: TraceStorage.memory({ productionReason: "a test platform keeps no traces" }) }), new HostileParts(HOSTILE)],
  });
  // Names as odd as the checks allow: Mermaid keywords, ids that clean up to the same text.
  const tenant = platform.broker.addTenant("subgraph");
  const end = tenant.addNamespace("end");
  const dotted = end.addTopic("a.b");
  const dashed = end.addTopic("a-b", { partitions: 3 });
  const style = platform.addTeam("style");
  const click = platform.addService("click", { team: style, image: "example.com/click:1.0.0" });
  const endService = platform.addService("end", { team: style, image: "example.com/end:1.0.0" });
  dotted.grantProduce(click);
  end.grantConsume(endService);
  click.publish(dashed);
  endService.subscribe(dashed, { route: "/in", deadLetter: dotted });
  endService.autoscale({ triggers: [ScaleTrigger.pulsarBacklog(dotted, { subscription: "end" }), ScaleTrigger.cpu({ utilization: 70 })], minReplicas: 1 });
  return platform;
}

let aws: string;
let gcp: string;
let hostile: string;
let generated: Record<string, string>;
let parsed: Record<string, Parsed>;

beforeAll(() => {
  aws = platformDiagram(BLUEPRINTS.aws(testApp()));
  gcp = platformDiagram(BLUEPRINTS.gcp(testApp()));
  hostile = platformDiagram(hostilePlatform(testApp()));
  generated = Object.fromEntries(Object.keys(BLUEPRINTS).map((name) => [name, readFileSync(join(DIAGRAMS, `${name}.mmd`), "utf8")]));
  parsed = parseAll({ aws, gcp, hostile, ...Object.fromEntries(Object.entries(generated).map(([name, text]) => [`file:${name}`, text])) });
}, 120_000);

describe("the aws diagram", () => {
  test("has one subgraph per zone, each holding its share of the stateful parts", () => {
    const zones = [...aws.matchAll(/^ *subgraph (zone_\w+)\["zone ([^"]+)"\]/gm)].map((m) => m[2]);
    expect(zones).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    const zoneGraphs = parsed.aws.subgraphs.filter((s) => /^zone /.test(s.title));
    expect(zoneGraphs).toHaveLength(3);
    for (const zone of zoneGraphs) {
      const labels = zone.nodes.map((id) => parsed.aws.vertices[id]);
      expect(labels).toContain("broker<br>Oxia servers: 1 (volume)<br>bookies: 2 (volume)<br>brokers: 1<br>proxies: 1");
      expect(labels).toContain("registry<br>Nacos members: 1 (volume)");
      expect(labels).toContain("dapr<br>placement: 1 (volume, preferred spread)<br>scheduler: 1 (volume, preferred spread)");
    }
    // What nothing spreads is drawn apart.
    expect(parsed.aws.subgraphs.find((s) => s.id === "zones_any")!.nodes.map((id) => parsed.aws.vertices[id])).toEqual(["broker<br>Oxia coordinator: 1", "tracing<br>Jaeger: 1"]);
  });

  test("draws the components: broker endpoints, topics and offload store, registry, Dapr, collector and Jaeger, KEDA, cert-manager", () => {
    const v = parsed.aws.vertices;
    expect(v.broker_endpoints).toBe("endpoints<br>pulsar: pulsar+ssl://pulsar-broker.aws-pulsar.svc.cluster.local:6651<br>admin: https://pulsar-broker.aws-pulsar.svc.cluster.local:8443");
    expect(v.broker_offload).toBe("offload store for cold ledgers<br>S3 bucket aws-platform-pulsar-offload");
    expect(parsed.aws.subgraphs.find((s) => s.id === "broker")!.nodes).toEqual(["broker_endpoints", "broker_offload", "pns_public_default"]);
    expect(v.topic_public_default_hello).toBe("hello");
    expect(v.topic_public_default_hello_dlq).toBe("hello-dlq");
    expect(v.registry).toBe("Nacos: registry and config center<br>nacos.aws-registry.svc.cluster.local:8848");
    expect(v.tracing_jaeger).toBe("Jaeger<br>traces in memory");
    expect(Object.keys(v)).toEqual(expect.arrayContaining(["dapr", "keda", "cert_manager", "tracing_collector"]));
    expect(parsed.aws.subgraphs.find((s) => s.id === "team_aws_apps")!.nodes).toEqual(["svc_aws_apps_hello_publisher", "svc_aws_apps_hello_subscriber"]);
  });

  const edge = (start: string, end: string) => parsed.aws.edges.filter((e) => e.start === start && e.end === end).map((e) => e.text);
  const publisher = "svc_aws_apps_hello_publisher";
  const subscriber = "svc_aws_apps_hello_subscriber";

  test("the publisher publishes to hello through Dapr", () => {
    expect(aws).toContain(`  ${publisher} -->|"publishes via Dapr pulsar"| topic_public_default_hello\n`);
    expect(edge(publisher, "topic_public_default_hello")).toEqual(["publishes via Dapr pulsar"]);
  });

  test("the subscriber's subscription comes from hello, with its route and its dead letters to hello-dlq", () => {
    expect(edge("topic_public_default_hello", subscriber)).toEqual(["subscription /echo, via Dapr pulsar, dead letters to hello-dlq"]);
    expect(edge(subscriber, "topic_public_default_hello_dlq")).toEqual(["dead letters"]);
  });

  test("both services trace to the collector, and so do the sidecars; the collector exports to Jaeger", () => {
    for (const s of [publisher, subscriber, "dapr"]) expect(edge(s, "tracing_collector")).toHaveLength(1);
    expect(edge("tracing_collector", "tracing_jaeger")).toEqual(["spans"]);
  });

  test("both services use the registry and config center", () => {
    for (const s of [publisher, subscriber]) expect(edge(s, "registry")).toEqual(["registry + config"]);
    // Nacos: Dapr keeps resolving through Kubernetes.
    expect(edge("dapr", "registry")).toEqual([]);
  });

  test("KEDA scales the publisher on HTTP and the subscriber on its backlog, from zero", () => {
    expect(edge("keda", publisher)).toEqual(["scales 0-10 on HTTP requests"]);
    expect(edge("keda", subscriber)).toEqual(["scales 0-10 on Pulsar backlog of public/default/hello"]);
    expect(aws).toContain(`keda ==>|"scales 0-10 on HTTP requests"| ${publisher}`);
  });

  test("cert-manager issues the broker's certificates", () => {
    expect(edge("cert_manager", "broker")).toEqual(["TLS certificates"]);
  });
});

test("gcp: the sidecars register the services in Consul and resolve app ids through it", () => {
  const edges = parsed.gcp.edges;
  expect(edges.filter((e) => e.end === "registry").map((e) => `${e.start}: ${decode(e.text)}`)).toEqual([
    "svc_gcp_apps_hello_publisher: config, registered by its sidecar",
    "svc_gcp_apps_hello_subscriber: config, registered by its sidecar",
    "dapr: name resolution",
  ]);
  expect(parsed.gcp.vertices.registry).toBe("Consul: registry and config center<br>consul-server.gcp-registry.svc:8501");
});

describe("odd and hostile names", () => {
  test("mermaidText leaves nothing of the syntax: only safe characters and entity codes, decoded back to the original", () => {
    const all = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join("") + "\n\t\u00e9\u4e2d\ud83d\ude80";
    const escaped = mermaidText(all);
    expect(escaped).toMatch(/^[A-Za-z0-9 _.,:/()+=@#;-]*$/);
    expect(escaped.replace(/#\d+;/g, "")).not.toMatch(/[#;]/);
    expect(decode(escaped)).toBe(all);
    expect(mermaidText(HOSTILE)).not.toMatch(/["[\]|<>%`\n]/);
  });

  test("a hostile part name, keyword-like service, team, tenant, namespace, topic and zone names parse to exactly the declared nodes", () => {
    const result = parsed.hostile;
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    const declared = declaredIds(hostile);
    // Nothing injected: the parser found the nodes and subgraphs the generator wrote, no others
    // (an edge to a subgraph, e.g. to the broker, is a vertex of the subgraph's id).
    for (const id of declared.nodes) expect(result.vertices[id]).toBeDefined();
    for (const id of Object.keys(result.vertices)) expect([...declared.nodes, ...declared.subgraphs]).toContain(id);
    expect(result.subgraphs.map((s) => s.id).sort()).toEqual([...declared.subgraphs].sort());
    expect(Object.keys(result.vertices)).not.toContain("injected");
    expect(result.subgraphs.map((s) => s.id)).not.toContain("evil");
    for (const line of hostile.split("\n")) expect(line.trim()).not.toMatch(/^(click|style|classDef|%%\{|subgraph evil)/);
    // The label still says what the component reported, once decoded.
    expect(decode(result.vertices.zone_end_hostile)).toBe(`hostile<br>${HOSTILE}: 1 (volume)`);
  });

  test("service, team and topic names with Mermaid syntax are refused before any diagram is drawn", () => {
    const platform = BLUEPRINTS.edge(testApp());
    expect(failure(() => platform.addService('x"] --> y["z', { image: "example.com/x:1.0.0" }))).toContain("service name");
    expect(failure(() => platform.addTeam("a\nclick b"))).toContain("team name");
    expect(failure(() => platform.broker.topic("t|%%{init}%%"))).toContain("topic name");
    // What passes the checks is drawn as it is, through the same escaping as above.
    expect(platformDiagram(platform)).not.toMatch(/click b|%%\{/);
  });

  test("ids stay apart when names clean up to the same text, and keywords never become ids", () => {
    expect(parsed.hostile.vertices.topic_subgraph_end_a_b).toBe("a.b");
    expect(parsed.hostile.vertices.topic_subgraph_end_a_b_2).toBe("a-b (3 partitions)");
    expect(parsed.hostile.subgraphs.map((s) => s.title)).toEqual(expect.arrayContaining(["zone end", "zone click", "zone z-1_x.y", "team style", "namespace subgraph/end"]));
    for (const id of Object.keys(parsed.hostile.vertices)) expect(id).not.toMatch(/^(end|subgraph|click|style|graph|flowchart)$/);
  });

  test("direct grants, Dapr links and KEDA triggers of the odd platform are all drawn", () => {
    const edges = parsed.hostile.edges.map((e) => `${e.start} -> ${e.end}: ${decode(e.text)}`);
    expect(edges).toEqual(
      expect.arrayContaining([
        "svc_style_click -> topic_subgraph_end_a_b_2: publishes via Dapr pulsar-subgraph-end",
        "topic_subgraph_end_a_b_2 -> svc_style_end: subscription /in, via Dapr pulsar-subgraph-end, dead letters to a.b",
        "svc_style_end -> topic_subgraph_end_a_b: dead letters",
        "svc_style_click -> topic_subgraph_end_a_b: produce grant",
        "pns_subgraph_end -> svc_style_end: consume grant on the namespace",
        // The backlog trigger reads with the service's own token: KEDA granted it consume on the topic.
        "topic_subgraph_end_a_b -> svc_style_end: consume grant",
        "keda -> svc_style_end: scales 1-10 on Pulsar backlog of subgraph/end/a.b, cpu at 70 percent",
      ]),
    );
  });
});

test("the output is deterministic: two builds of a blueprint give the same text", () => {
  expect(platformDiagram(BLUEPRINTS.aws(testApp()))).toBe(aws);
  expect(platformDiagram(hostilePlatform(testApp()))).toBe(hostile);
});

describe("the generated files", () => {
  test.each(Object.keys(BLUEPRINTS))("docs/diagrams/%s is up to date (npm run diagram)", (name) => {
    const files = diagramFiles(name, BLUEPRINTS[name](testApp()));
    for (const [file, content] of Object.entries(files)) expect(readFileSync(join(DIAGRAMS, file), "utf8")).toBe(content);
  });

  test.each(Object.keys(BLUEPRINTS))("docs/diagrams/%s.mmd is a flowchart Mermaid parses", (name) => {
    const result = parsed[`file:${name}`];
    expect(result.error).toBeUndefined();
    expect(result.diagramType).toBe("flowchart-v2");
    const declared = declaredIds(generated[name]);
    expect(result.subgraphs.map((s) => s.id).sort()).toEqual([...declared.subgraphs].sort());
    for (const id of declared.nodes) expect(result.vertices[id]).toBeDefined();
    for (const id of Object.keys(result.vertices)) expect([...declared.nodes, ...declared.subgraphs]).toContain(id);
    // Names of the default blueprints need no escaping: every renderer shows them as they are
    // (some Mermaid versions display entity codes undecoded).
    expect(generated[name]).not.toMatch(/#\d+;/);
  });

  test("the README shows the aws diagram as it is generated", () => {
    const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
    expect(readme).toContain(["```mermaid", generated.aws.trimEnd(), "```"].join("\n"));
  });
});
