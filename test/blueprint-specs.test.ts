import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Testing, TerraformStack } from "cdktf";
import {
  DaprRuntime, Keda, loadPlatformSpec, MicroservicePlatform, Mirror, Nacos, PlatformConfigError, PlatformPreset, PlatformSpecError, platformFromSpec, Profile, readPlatformSpec, Target,
} from "../lib";
import { SCHEMAS } from "../lib/schemas";
import { renderSpecJsonSchema, renderSpecValidator, SPEC_SCHEMA_FILE, SPEC_VALIDATOR_FILE } from "../lib/blueprints/render";
import { PlatformSpecSchema } from "../lib/blueprints/spec";
import { BLUEPRINTS } from "../stacks/blueprints";
import { synthesizeSpecs } from "../stacks/specs";
import { shopOnEks } from "../examples/shop-on-eks";
import { shopFromSpec } from "../examples/shop-from-spec";
import { paymentsPlatform } from "../examples/payments-platform";
import { teamPlatform } from "../examples/presets/team-preset";
import { failure, resourcesOf, stackNames, testApp } from "./helpers";

const ROOT = join(__dirname, "..");
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "msp-specs-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a spec file into the test's folder; returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function synthAll(app: App): Record<string, any> {
  const out: Record<string, any> = {};
  for (const name of stackNames(app)) out[name] = JSON.parse(Testing.synth(app.node.findChild(name) as TerraformStack, true));
  return out;
}

/** A small valid spec (one node, DEV), for the error cases to change one thing of. */
const SMALL = `name: small
target:
  kind: {}
profile: dev
components:
  nacos: {}
  keda: {}
  dapr: {}
topics:
  hello: {}
services:
  hello:
    image: ghcr.io/example/hello:1.0.0
    publish: [hello]
`;

describe("the spec schema", () => {
  test("the committed JSON Schema and compiled check are those of the current schemas (run `npm run schemas` after changing lib/schemas or lib/blueprints/spec.ts)", () => {
    expect(readFileSync(join(ROOT, SPEC_SCHEMA_FILE), "utf8")).toBe(renderSpecJsonSchema());
    expect(readFileSync(join(ROOT, SPEC_VALIDATOR_FILE), "utf8")).toBe(renderSpecValidator());
  });

  test("every object of the spec rejects keys it does not list, at every depth (maps of names included)", () => {
    const open: string[] = [];
    const walk = (node: any, path: string) => {
      if (!node || typeof node !== "object") return;
      const named = Object.keys(node.patternProperties ?? {}).some((p) => p !== "^(.*)$");
      if (node.type === "object" && (node.properties || named) && node.additionalProperties !== false) open.push(path);
      for (const [key, child] of Object.entries(node)) if (key !== "examples") walk(child, `${path}/${key}`);
    };
    walk(JSON.parse(renderSpecJsonSchema()), "");
    // Helm values, env and config content are free-form maps on purpose ("^(.*)$").
    expect(open).toEqual([]);
  });

  test("option objects are the options schemas themselves: a change there reaches spec files", () => {
    const schema = JSON.parse(renderSpecJsonSchema());
    const service = Object.values<any>(schema.properties.services.patternProperties)[0];
    const json = (s: unknown) => JSON.parse(JSON.stringify(s));
    expect(service.properties.resources).toEqual(json(SCHEMAS.ServiceOptions.properties.resources));
    expect(schema.properties.teams.patternProperties["^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"]).toEqual(json(SCHEMAS.TeamOptions));
    expect(schema.properties.target.properties.eks.properties.region).toEqual(json(SCHEMAS.CloudTargetOptions.properties.region));
    expect(schema.properties.mirror).toEqual(json(SCHEMAS.MirrorOptions));
  });

  test("the loader loads no schema library and no spec schema until a spec fails (lib/blueprints imports them lazily)", () => {
    const eager = /^import (?!type)[^;]*from "(@sinclair\/typebox[^"]*|\.\/spec|\.\/explain|\.\/render|\.\.\/generated\/spec-validator|yaml)"/m;
    for (const name of ["load.ts", "source.ts", "preset.ts", "spec-error.ts"]) {
      expect([name, eager.test(readFileSync(join(ROOT, "lib", "blueprints", name), "utf8"))]).toEqual([name, false]);
    }
    expect(readFileSync(join(ROOT, "lib", "index.ts"), "utf8")).not.toMatch(/^export \* from "\.\/blueprints\/(spec|explain|render)"/m);
  });

  test("the loader's factory tables list every kind the schema allows: one left out does not compile", () => {
    const ts = require("typescript") as typeof import("typescript");
    const loader = join(ROOT, "lib", "blueprints", "load.ts");
    // One entry of each table, as the loader writes it.
    const entries: Record<string, RegExp> = {
      kind: /kind: \(o\) => Target\.kind\(o\),?/, cluster: /cluster: \(o\) => KubernetesConnection\.cluster\(o\),?/, edge: /edge: Profile\.EDGE,?/, rocketmq: /rocketmq: \(o\) => Protocol\.rocketmq\(o\),?/,
      filesystem: /filesystem: \(o\) => OffloadStore\.filesystem\(o\),?/, workloadIdentity: /workloadIdentity: \(o\) => OffloadCredentials\.workloadIdentity\(o\),?/, keda: /keda: \(o\) => new Keda\(o\),?/,
      opensearch: /opensearch: \(o\) => TraceStorage\.opensearch\(o\),?/, kafkaLag: /kafkaLag: \(\{ topic, \.\.\.o \}, resolve, at\) => \{[^}]*\},?/,
    };
    let source = readFileSync(loader, "utf8");
    for (const [kind, entry] of Object.entries(entries)) {
      expect([kind, entry.test(source)]).toEqual([kind, true]);
      source = source.replace(entry, "");
    }
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    const host = ts.createCompilerHost(config.options);
    const read = host.getSourceFile;
    host.getSourceFile = (name, language, ...rest) => (join(name) === loader ? ts.createSourceFile(name, source, language) : read(name, language, ...rest));
    const program = ts.createProgram([loader], { ...config.options, noEmit: true }, host);
    const missing = program
      .getSemanticDiagnostics(program.getSourceFile(loader))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n").match(/^Property '(\w+)' is missing/)?.[1])
      .filter(Boolean);
    expect(missing.sort()).toEqual(Object.keys(entries).sort());
  });

  test("every file of blueprints/ names the schema for editors and is valid", () => {
    const files = readdirSync(join(ROOT, "blueprints"));
    expect(files.sort()).toEqual(["aws.yaml", "azure.yaml", "edge.yaml", "gcp.yaml", "local.yaml", "tencent.yaml"]);
    for (const f of files) {
      const text = readFileSync(join(ROOT, "blueprints", f), "utf8");
      expect(text.startsWith("# yaml-language-server: $schema=../schemas/platform-spec.schema.json\n")).toBe(true);
      expect(readPlatformSpec(join(ROOT, "blueprints", f)).name).toBe(f.replace(/\.yaml$/, ""));
    }
  });
});

describe.each(Object.keys(BLUEPRINTS))("the %s blueprint as YAML", (name) => {
  test(`blueprints/${name}.yaml synthesizes to the same JSON as stacks/blueprints.ts`, () => {
    const code = testApp();
    BLUEPRINTS[name](code);
    const data = testApp();
    loadPlatformSpec(data, join(ROOT, "blueprints", `${name}.yaml`));
    expect(synthAll(data)).toEqual(synthAll(code));
  });
});

describe("spec errors name the file, line and column, the spec path, the value and a fix", () => {
  const bad = (text: string, name = "bad.yaml") => failure(() => readPlatformSpec(file(name, text)));
  const at = (name = "bad.yaml") => join(dir, name);

  test("a misspelled field (the message `npm run synth:specs` prints)", () => {
    const text = SMALL.replace("    image: ghcr.io/example/hello:1.0.0", "    imgae: ghcr.io/example/hello:1.0.0");
    expect(bad(text)).toBe(
      `[${at()}:13:5] services.hello has an unknown option "imgae" (received: "imgae"). Did you mean "image"? Known options are: image, port, replicas, resources, env, secretEnv, health, runAsUser, automountServiceAccountToken, serviceAccountAnnotations, team, dapr, publish, subscribe, grants, autoscale, expose, config.`,
    );
  });

  test("the same in a JSON file", () => {
    const json = JSON.stringify({ name: "j", target: { kind: {} }, profile: "dev", sevices: {} }, null, 2);
    expect(bad(json, "bad.json")).toBe(
      `[${at("bad.json")}:7:3] the spec has an unknown option "sevices" (received: "sevices"). Did you mean "services"? Known options are: $schema, name, description, target, profile, mirror, broker, components, prometheusOperator, policy, topics, tenants, teams, services, daprComponents, config.`,
    );
  });

  test("values of the wrong type, form or range", () => {
    expect(bad(SMALL.replace("  kind: {}", '  aks: { region: westeurope, zones: [1, 2, 3] }'))).toBe(
      `[${at()}:3:38] target.aks.zones[0] must be a zone name or suffix (letters, digits, '.', '_' and '-') (received: 1). Use e.g. "a".`,
    );
    expect(bad(SMALL.replace("    publish: [hello]", "    port: 80800"))).toBe(`[${at()}:14:5] services.hello.port must be at most 65535 (received: 80800). Use e.g. 8080.`);
    expect(bad(SMALL.replace("profile: dev", "profile: staging"))).toContain(`[${at()}:4:1] profile must be production, dev or edge, or one of them with overrides`);
    expect(bad(SMALL.replace("profile: dev", "profile: { dev: { statelessReplicas: many } }"))).toBe(`[${at()}:4:19] profile.dev.statelessReplicas must be a whole number (received: "many"). Use e.g. 3.`);
  });

  test("a choice names exactly one kind", () => {
    expect(bad(SMALL.replace("  kind: {}", "  kind: {}\n  k3s: {}"))).toBe(`[${at()}:2:1] target must name exactly one of eks, gke, aks, tke, ack, k3s, kind, not kind and k3s (received: ["kind","k3s"]). Use e.g. {"eks":{"region":"eu-west-1","zones":["a","b","c"]}}.`);
    expect(bad(SMALL.replace("target:\n  kind: {}", "target: {}"))).toContain("target must name one of eks, gke, aks, tke, ack, k3s, kind (received: {})");
    expect(bad(SMALL.replace("  kind: {}", "  eksx: {}"))).toContain('target has an unknown option "eksx" (received: "eksx"). Did you mean "eks"?');
    expect(bad(SMALL.replace("  nacos: {}", "  nacos: {}\n  tracing: { storage: { memory: {}, elasticsearch: { urls: [] } } }"))).toContain("components.tracing.storage must name exactly one of memory, elasticsearch, opensearch, not memory and elasticsearch");
  });

  test("names of services, teams and topics", () => {
    expect(bad(SMALL.replace("  hello:\n    image", "  Hello_World:\n    image"))).toBe(
      `[${at()}:12:3] services.Hello_World is not a valid name: it must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit) (received: "Hello_World"). Rename it, e.g. "orders".`,
    );
    expect(bad(SMALL.replace("  hello: {}", "  hello world: {}"))).toContain(`topics["hello world"] is not a valid name: it must be a Pulsar name`);
  });

  test("YAML that is not plain data, or not YAML", () => {
    expect(bad(SMALL.replace("profile: dev", "profile: dev\nprofile: edge"))).toBe(`[${at()}:5:1] the spec file has a key given twice (received: "profile: edge"). Fix the file at that line.`);
    expect(bad(`${SMALL}---\nname: other\n`)).toContain("the spec file holds more than one document");
    expect(bad(SMALL.replace("  hello: {}", "  hello: {\n"))).toMatch(/^\[.*bad\.yaml:\d+:\d+\] the spec file is not valid YAML/);
    expect(bad(SMALL.replace("profile: dev", "profile: !!binary ZGV2"))).toMatch(/bad\.yaml:4:10\] the spec file is not valid YAML \(Unresolved tag/);
    expect(bad(SMALL.replace("profile: dev", "<<: { profile: dev }"))).toContain('the spec has an unknown option "<<"');
    expect(bad(SMALL.replace("  hello: {}", "  hello: &t { partitions: 3 }\n  again: *t"))).toBe(""); // aliases are plain copies
    const laughs = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${"bcdefghij"[i]}: &${"bcdefghij"[i]} [*${"abcdefghi"[i]}, *${"abcdefghi"[i]}, *${"abcdefghi"[i]}, *${"abcdefghi"[i]}, *${"abcdefghi"[i]}, *${"abcdefghi"[i]}, *${"abcdefghi"[i]}, *${"abcdefghi"[i]}, *${"abcdefghi"[i]}, *${"abcdefghi"[i]}]`)].join("\n");
    expect(bad(`${SMALL}${laughs}\n`)).toContain("the spec file cannot be read as data");
    expect(bad("")).toBe(`[${at()}:1:1] the spec must be a map of the platform's settings (received: null). Start with "name: shop", "target: { kind: {} }", "profile: dev", one per line; then add services, topics and teams.`);
    expect(bad("- a\n- b\n")).toContain("the spec must be a map of the platform's settings (received: [\"a\",\"b\"])");
  });

  test("the spec an empty file is told to start with synthesizes", () => {
    const lines = [...bad("").matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    expect(lines).toEqual(["name: shop", "target: { kind: {} }", "profile: dev"]);
    const app = testApp();
    loadPlatformSpec(app, file("start.yaml", `${lines.join("\n")}\n`));
    expect(Object.keys(synthAll(app))).toEqual(expect.arrayContaining(["shop-base", "shop-system"]));
  });

  test("a key YAML reads as a number, true/false or null is refused at its line, not renamed", () => {
    const base = "name: k\ntarget: { kind: {} }\nprofile: dev\n";
    // Unquoted, these would become topics "1.5", "31" and "7".
    expect(bad(`${base}topics: { 1.50: {}, 0x1F: {}, 007: {} }\n`)).toBe(`[${at()}:4:11] topics has a key that YAML reads as the number 1.5, not as a name (received: "1.50"). Write it in quotes ("1.50":) to keep it as written.`);
    expect(bad(`${base}topics:\n  hello: {}\n  0x1F: {}\n`)).toBe(`[${at()}:6:3] topics has a key that YAML reads as the number 31, not as a name (received: "0x1F"). Write it in quotes ("0x1F":) to keep it as written.`);
    expect(bad(`${base}topics:\n  true: {}\n`)).toBe(`[${at()}:5:3] topics has a key that YAML reads as true, not as a name (received: "true"). Write it in quotes ("true":) to keep it as written.`);
    expect(bad(`${base}topics:\n  ~: {}\n`)).toBe(`[${at()}:5:3] topics has a key that YAML reads as null, not as a name (received: "~"). Write it in quotes ("~":) to keep it as written.`);
    expect(bad(`${base}topics:\n  : {}\n`)).toContain(`[${at()}:5:3] topics has a key with no name`);
    expect(bad(`${base}services:\n  a:\n    image: x/a:1.0.0\n    env: { 3: x }\n`)).toContain(`[${at()}:7:12] services.a.env has a key that YAML reads as the number 3`);
    expect(bad(`${base}1: x\n`)).toContain(`[${at()}:4:1] the spec has a key that YAML reads as the number 1`);
    // Quoted, they are names.
    expect(Object.keys(readPlatformSpec(file("quoted.yaml", `${base}topics: { "1.50": {}, "007": {} }\n`)).spec.topics!)).toEqual(["1.50", "007"]);
  });

  test("a component or topic left empty (`dapr:`) is declared with its defaults; a service left empty needs an image", () => {
    const text = "name: empty\ntarget: { kind: {} }\nprofile: dev\ncomponents:\n  nacos:\n  dapr:\n  keda:\ntopics:\n  hello:\ntenants: { shop: { namespaces: { orders: { topics: { placed: } } } } }\nservices:\n  hello:\n    image: ghcr.io/example/hello:1.0.0\n    publish: [hello, shop/orders/placed]\n";
    const platform = loadPlatformSpec(testApp(), file("empty.yaml", text));
    expect([platform.tryComponent(DaprRuntime), platform.tryComponent(Keda), platform.tryComponent(Nacos)].every((c) => c !== undefined)).toBe(true);
    expect(bad(SMALL.replace("  hello:\n    image: ghcr.io/example/hello:1.0.0\n    publish: [hello]\n", "  hello:\n"))).toBe(
      `[${at()}:12:3] services.hello is empty: a service needs at least \`image:\` (received: null). Write e.g. hello: { image: ghcr.io/example/orders:1.4.2 }.`,
    );
    expect(bad(SMALL.replace("target:\n  kind: {}", "target:"))).toBe(`[${at()}:2:1] target is empty: it must name one of eks, gke, aks, tke, ack, k3s, kind (received: null). Write e.g. target: { eks: { region: eu-west-1, zones: [a, b, c] } }.`);
    expect(bad(SMALL.replace(/services:[\s\S]*/, "services:\n"))).toBe(`[${at()}:11:1] services is empty (received: null). List its entries under it, e.g. services: { orders: { image: ghcr.io/example/orders:1.4.2 } }, or leave it out.`);
    expect(bad(SMALL.replace("topics:\n  hello: {}", "teams:\n  checkout:\ntopics:\n  hello: {}"))).toBe(`[${at()}:10:3] teams.checkout is empty (received: null). Write checkout: {} for its defaults, or give its options under it.`);
    expect(bad(SMALL.replace("  nacos: {}", "  externalBroker:"))).toBe(
      `[${at()}:6:3] components.externalBroker is empty: it needs at least \`pulsarUrl:\` and \`adminUrl:\` (received: null). Write e.g. externalBroker: { pulsarUrl: pulsar+ssl://pulsar.example.com:6651, adminUrl: https://pulsar.example.com:8443 }.`,
    );
  });

  test("text where a map belongs gets the map it likely meant, in YAML", () => {
    expect(bad(SMALL.replace("    publish: [hello]", "    subscribe: [hello]"))).toBe(`[${at()}:14:17] services.hello.subscribe[0] must be a map, not text (received: "hello"). Write e.g. - { topic: hello, route: /echo }.`);
    expect(bad(SMALL.replace("target:\n  kind: {}", "target: kind"))).toBe(`[${at()}:2:1] target must be a map, not text (received: "kind"). Write e.g. target: { kind: {} }.`);
    expect(bad(SMALL.replace("  nacos: {}", "  nacos: 3"))).toContain("components.nacos must be its options (a map), or nothing for its defaults (received: 3)");
  });

  test("autoscale needs a trigger", () => {
    expect(bad(SMALL.replace("    publish: [hello]", "    autoscale: { triggers: [] }"))).toBe(
      `[${at()}:14:18] services.hello.autoscale.triggers must list at least one (received: []). Write e.g. triggers: [{ http: {} }]; each names one of http, cron, cpu, memory, prometheus, pulsarBacklog, kafkaLag.`,
    );
  });

  test("a misspelling with two letters swapped is one edit: the option it meant, not a farther one", () => {
    expect(bad(SMALL.replace("profile: dev", "profile: dev\nbroker: { bookeis: 3 }"))).toContain('broker has an unknown option "bookeis" (received: "bookeis"). Did you mean "bookies"?');
    expect(bad(SMALL.replace("profile: dev", "porfile: dev"))).toContain('Did you mean "profile"?');
  });

  test("Infinity and NaN are refused as themselves, not as null", () => {
    expect(bad(SMALL.replace("    publish: [hello]", "    replicas: 1e400"))).toBe(
      `[${at()}:14:5] services.hello.replicas must be a finite number (received: Infinity). Write a number JSON can hold: 1e400 is too large, and .inf and .nan are not numbers a platform can use.`,
    );
    expect(bad(SMALL.replace("    publish: [hello]", "    config: { settings.json: { timeout: .nan } }"))).toContain(`services.hello.config["settings.json"].timeout must be a finite number (received: NaN)`);
    expect(failure(() => readPlatformSpec({ target: { kind: {} }, services: { a: { image: "x/a:1", replicas: Number.NaN } } }))).toContain("[spec] services.a.replicas must be a finite number (received: NaN)");
    expect(new PlatformSpecError("spec", "x", "is bad", { n: -Infinity, m: [Number.NaN] }, "Fix it.").message).toBe(`[spec] x is bad (received: {"n":-Infinity,"m":[NaN]}). Fix it.`);
  });

  test("files that cannot be read", () => {
    expect(failure(() => readPlatformSpec(join(dir, "missing.yaml")))).toBe(`[${join(dir, "missing.yaml")}] the spec file cannot be read (received: "ENOENT"). Check the path (relative paths start at the current directory).`);
    expect(failure(() => readPlatformSpec(file("spec.toml", "a = 1")))).toContain("the spec file must be YAML or JSON");
    expect(failure(() => readPlatformSpec(file("big.yaml", `# ${"x".repeat(1024 * 1024)}\n`)))).toContain("the spec file is larger than 1024 KiB");
  });

  test("a credential given where its Secret reference belongs is not echoed", () => {
    const message = bad(SMALL.replace("  nacos: {}", "  nacos: {}\n  tracing: { storage: { elasticsearch: { urls: ['https://es:9200'], password: hunter2 } } }"));
    expect(message).toContain("components.tracing.storage.elasticsearch.password must be a Secret reference { secretName, key }, never the secret itself (received: \"<redacted>\")");
    expect(message).not.toContain("hunter2");
  });

  test("references to what the spec does not declare", () => {
    const load = (text: string) => failure(() => loadPlatformSpec(testApp(), file("ref.yaml", text)));
    expect(load(SMALL.replace("publish: [hello]", "publish: [helo]"))).toBe(
      `[${join(dir, "ref.yaml")}:14:15] services.hello.publish[0] names topic "helo", which the spec does not declare (received: "helo"). Declare it under topics (public/default) or tenants.<tenant>.namespaces.<namespace>.topics; declared: hello.`,
    );
    expect(load(SMALL.replace("    publish: [hello]", "    team: checkout"))).toContain("services.hello.team names team \"checkout\", which the spec does not declare (received: \"checkout\"). Declare it under teams, or leave team out for the default team small-apps; declared: none.");
    expect(load(SMALL.replace("    publish: [hello]", "    team: small-apps"))).toBe(""); // the default team, by its name
    expect(load(SMALL.replace("    publish: [hello]", "    grants: { consume: [shop/orders] }"))).toContain('services.hello.grants.consume[0] names "shop/orders", which is not a declared topic or namespace');
    expect(load(SMALL.replace("    publish: [hello]", "    autoscale: { triggers: [{ pulsarBacklog: { topic: hola, subscription: hello } }] }"))).toContain("services.hello.autoscale.triggers[0].pulsarBacklog.topic names topic \"hola\"");
    expect(load(`${SMALL}daprComponents:\n  - { team: small-apps, name: state, type: state.redis, users: [hallo] }\n`)).toContain('daprComponents[0].users[0] names service "hallo", which the spec does not declare');
  });

  test("what the constructs refuse is located in the spec, with the construct's own message", () => {
    const load = (text: string) => failure(() => loadPlatformSpec(testApp(), file("construct.yaml", text)));
    const where = join(dir, "construct.yaml");
    expect(load(SMALL.replace("ghcr.io/example/hello:1.0.0", "ghcr.io/example/hello:latest"))).toMatch(new RegExp(`^\\[${where.replace(/[.\\/]/g, "\\$&")}:12:3\\] services\\.hello: \\[small-apps/Teams/small-apps/hello\\] .*latest`));
    // A three-zone profile on a laptop: the platform's own check, located at the profile.
    expect(load(SMALL.replace("profile: dev", "profile: production"))).toBe(
      `[${where}:4:1] profile: [small/Target.kind] this profile needs at least 3 zones so that losing one keeps every quorum, but 0 were given (received: []). List 3 zones (e.g. zones: ["a", "b", "c"]), or use profile: dev for a single-zone cluster.`,
    );
    // Without a profile, production by default: located at the target, saying so.
    expect(load(SMALL.replace("profile: dev\n", ""))).toBe(
      `[${where}:2:1] target: [small/Target.kind] this profile needs at least 3 zones so that losing one keeps every quorum, but 0 were given (received: []). The spec names no profile, so it is production (the default). List 3 zones (e.g. zones: ["a", "b", "c"]), or use profile: dev for a single-zone cluster.`,
    );
    // Fixes that name the TypeScript API are worded for the file.
    expect(load(SMALL.replace("  keda: {}\n", "").replace("    publish: [hello]", "    autoscale: { triggers: [{ http: {} }] }"))).toMatch(/services\.hello\.autoscale: .* the platform has no autoscaling component \(received: .*\)\. Add keda: \{\} under components\.$/);
    expect(load(SMALL.replace("  nacos: {}\n", "").replace("    publish: [hello]", "    config: { settings.json: { a: 1 } }"))).toMatch(/this platform has no service registry \(received: .*\)\. Add nacos: \{\} \(or consul: \{\}\) under components\.$/);
    expect(load(SMALL.replace("profile: dev", "profile: dev\nbroker: false"))).toContain("this platform has no broker (received: \"broker: false\"). Remove `broker: false` from the spec, or add externalBroker: { pulsarUrl, adminUrl } (its options) under components.");
    expect(load(SMALL.replace("  dapr: {}\n", ""))).toContain("services.hello.publish[0]: [small-apps/Teams/small-apps/hello] the service cannot publish: the platform has no messaging component");
    expect(load(SMALL.replace("  dapr: {}\n", "").replace("    publish: [hello]", "    dapr: { appProtocol: grpc }"))).toContain("services.hello.dapr needs the sidecar runtime, which the platform does not have (received: \"no dapr component\"). Add dapr: {} under components.");
    const error = (() => {
      try {
        loadPlatformSpec(testApp(), file("construct.yaml", SMALL.replace("1.0.0", "latest")));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PlatformSpecError);
    expect(error).toBeInstanceOf(PlatformConfigError);
    expect((error as PlatformSpecError).specPath).toBe("services.hello");
  });

  test("an object spec: messages name it; instances made by code are refused", () => {
    expect(failure(() => platformFromSpec(testApp(), "p", { target: Target.kind() }))).toBe(
      `[spec] target must be plain data: a map, not an object made by code (received: "Target"). Write the options as data (e.g. target: { eks: {...} }), or use the TypeScript API for instances.`,
    );
    expect(failure(() => loadPlatformSpec(testApp(), { target: { kind: {} }, profile: "dev" }, { source: "inline" }))).toBe(`[inline] the spec has no name (received: undefined). Give it name: "shop", or pass an id.`);
    const cyclic: any = { target: { kind: {} } };
    cyclic.description = cyclic;
    expect(failure(() => readPlatformSpec(cyclic))).toContain("description contains itself");
    expect(failure(() => readPlatformSpec({ target: { kind: { get zones() { return ["a"]; } } } }))).toContain("target.kind.zones must be plain data: it is computed by a getter");
  });
});

describe("what a spec can say", () => {
  test("teams, tenants, grants on topics and namespaces, triggers, exposure, sidecar options, config, mirror, profile overrides, connections", () => {
    const app = testApp();
    const platform = platformFromSpec(app, "lab", {
      target: { kind: { clusterName: "lab", connection: { kubeconfig: { context: "kind-lab" } } } },
      profile: { dev: { statelessReplicas: 2 } },
      mirror: { imageRegistry: "harbor.example.com/proxy" },
      broker: { offload: { minio: { bucket: "cold", endpoint: "http://minio.storage:9000", credentials: { fromSecret: { secretName: "minio-keys", idKey: "user" } } } } },
      components: { consul: {}, dapr: { logLevel: "warn" }, keda: {}, certManager: {} },
      tenants: { shop: { adminRoles: ["shop-admin"], namespaces: { orders: { topics: { placed: { partitions: 3 } } }, audit: {} } } },
      teams: { checkout: { editGroups: ["checkout-devs"] } },
      services: {
        orders: {
          team: "checkout",
          image: "ghcr.io/example/orders:1.4.2",
          dapr: { appProtocol: "grpc" },
          grants: { produce: ["shop/orders/placed"], consume: ["shop/audit"] },
          autoscale: { triggers: [{ cron: { timezone: "Europe/Berlin", start: "0 8 * * 1-5", end: "0 18 * * 1-5", desiredReplicas: 2 } }, { cpu: { utilization: 70 } }], maxReplicas: 6 },
          expose: { ingress: { host: "orders.example.com", className: "nginx" } },
          config: { "orders.properties": "timeout=5s" },
        },
        billing: {
          team: "checkout",
          image: "ghcr.io/example/billing:1.2.0",
          autoscale: { triggers: [{ pulsarBacklog: { topic: "shop/orders/placed", subscription: "billing" } }] },
          grants: { consume: ["shop/orders/placed"] },
        },
      },
      config: [{ group: "DEFAULT_GROUP", dataId: "common.json", content: { region: "local" } }],
    });
    expect(platform.profile.statelessReplicas).toBe(2);
    const stacks = synthAll(app);
    const deployments = resourcesOf(stacks["lab-apps"], "kubernetes_deployment_v1");
    const orders = deployments.find((d) => d.metadata.name === "orders");
    expect(orders.metadata.namespace).toBe("checkout");
    expect(orders.spec.template.spec.container[0].image).toBe("harbor.example.com/proxy/example/orders:1.4.2");
    expect(orders.spec.template.metadata.annotations["dapr.io/app-protocol"]).toBe("grpc");
    expect(orders.spec.replicas).toBeUndefined(); // the autoscaler owns it
    const manifests = resourcesOf(stacks["lab-apps"], "kubernetes_manifest").map((m) => m.manifest);
    const scaled = manifests.filter((m) => m.kind === "ScaledObject");
    expect(scaled.map((s) => s.metadata.name).sort()).toEqual(["billing", "orders"]);
    expect(scaled.find((s) => s.metadata.name === "orders").spec.triggers.map((t: any) => t.type)).toEqual(["cron", "cpu"]);
    expect(resourcesOf(stacks["lab-apps"], "kubernetes_ingress_v1")[0].spec.rule[0].host).toBe("orders.example.com");
    const sync = JSON.parse(resourcesOf(stacks["lab-apps"], "kubernetes_config_map_v1").find((c) => c.metadata.name === "pulsar-sync").data["spec.json"]);
    const shop = sync.tenants.find((t: any) => t.name === "shop");
    expect(shop.adminRoles).toEqual(["shop-admin"]);
    expect(shop.namespaces.find((n: any) => n.name === "orders").topics[0]).toEqual({ name: "placed", partitions: 3, permissions: { "checkout.billing": ["consume"], "checkout.orders": ["produce"] } });
    expect(shop.namespaces.find((n: any) => n.name === "audit").permissions).toEqual({ "checkout.orders": ["consume"] });
    expect(Object.keys(stacks)).toContain("lab-system");
    expect(JSON.stringify(stacks["lab-apps"])).toContain("orders.properties");
  });

  test("no broker of its own: an external one, by reference", () => {
    const app = testApp();
    platformFromSpec(app, "ext", {
      target: { k3s: {} },
      profile: "edge",
      broker: false,
      components: {
        externalBroker: { pulsarUrl: "pulsar+ssl://pulsar.example.com:6651", adminUrl: "https://pulsar.example.com:8443", admin: { namespace: "pulsar-admin", token: { secretName: "pulsar-admin", key: "token" } } },
        dapr: {},
      },
      topics: { events: {} },
      services: { reader: { image: "ghcr.io/example/reader:1.0.0", subscribe: [{ topic: "events", route: "/events" }] } },
    });
    const stacks = synthAll(app);
    expect(resourcesOf(stacks["ext-system"] ?? {}, "helm_release").map((r) => r.chart)).not.toContain("pulsar");
    expect(resourcesOf(stacks["ext-apps"], "kubernetes_deployment_v1").map((d) => d.metadata.name)).toEqual(["reader"]);
  });
});

test("the README's spec synthesizes", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.split(/^## Blueprints as data.*$/m)[1]?.split(/^## /m)[0];
  const yaml = section?.match(/```yaml\r?\n([\s\S]*?)```/)?.[1];
  expect(yaml).toBeDefined();
  const app = testApp();
  loadPlatformSpec(app, file("readme.yaml", yaml!));
  expect(resourcesOf(synthAll(app)["shop-apps"], "kubernetes_deployment_v1").map((d) => d.metadata.name).sort()).toEqual(["billing", "orders"]);
});

describe("examples", () => {
  test("shop.platform.yaml synthesizes to the same JSON as shop-on-eks.ts", () => {
    const code = testApp();
    shopOnEks(code);
    const data = testApp();
    shopFromSpec(data);
    expect(synthAll(data)).toEqual(synthAll(code));
  });

  test("payments-platform: the company preset, extended (profile, mirror, services and topics)", () => {
    const app = testApp();
    const platform = paymentsPlatform(app);
    expect(platform.teams.map((t) => t.teamName).sort()).toEqual(["ledger", "payments"]);
    const stacks = synthAll(app);
    const deployments = resourcesOf(stacks["payments-apps"], "kubernetes_deployment_v1");
    expect(deployments.map((d) => [d.metadata.name, d.metadata.namespace]).sort()).toEqual([["ledger", "ledger"], ["payments-api", "payments"]]);
    expect(deployments[0].spec.template.spec.container[0].image).toMatch(/^harbor\.example\.com\/proxy\/example\//);
    const subscription = resourcesOf(stacks["payments-apps"], "kubernetes_manifest").map((m) => m.manifest).find((m) => m.kind === "Subscription");
    expect(subscription.spec).toMatchObject({ topic: "payment-settled", routes: { default: "/settled" } });
  });
});

describe("presets", () => {
  const base = () => teamPlatform({ region: "eu-west-1", teams: ["a"], traceStoreUrl: "https://es:9200", offloadRole: "arn:aws:iam::111122223333:role/r" });

  test("a preset is a value: extending it leaves it as it was, and it builds any number of platforms", () => {
    const preset = base();
    const dev = preset.withProps((p) => ({ ...p, target: Target.kind(), profile: Profile.DEV, broker: {} }));
    const app = testApp();
    const one = preset.build(app, "one");
    const two = preset.build(app, "two");
    const three = dev.build(app, "three");
    expect(one.profile).toBe(Profile.PRODUCTION);
    expect(three.profile).toBe(Profile.DEV);
    expect(one.registry).not.toBe(two.registry); // each platform has its own components
    expect(stackNames(app)).toEqual(expect.arrayContaining(["one-base", "two-base", "three-base"]));
    synthAll(app);
  });

  test("a spec is a preset too: extended in code, its own errors still name the file", () => {
    const app = testApp();
    const edge = PlatformPreset.fromSpec(join(ROOT, "blueprints", "edge.yaml"))
      .withProps((p) => ({ ...p, mirror: Mirror.of({ imageRegistry: "registry.site.local:5000" }) }))
      .then((platform) => platform.addService("till", { image: "docker.io/example/till:5.2.0" }));
    const platform = edge.build(app);
    expect(platform.node.id).toBe("edge");
    const stacks = synthAll(app);
    expect(resourcesOf(stacks["edge-apps"], "kubernetes_deployment_v1").map((d) => d.spec.template.spec.container[0].image).sort()).toEqual([
      "registry.site.local:5000/example/till:5.2.0",
      "registry.site.local:5000/stefanprodan/podinfo:6.7.1",
      "registry.site.local:5000/stefanprodan/podinfo:6.7.1",
    ]);
    // Without its registry, the spec's config entries fail, located in the spec.
    const noRegistry = PlatformPreset.fromSpec(join(ROOT, "blueprints", "edge.yaml")).withProps((p) => ({ ...p, components: [new Keda(), new DaprRuntime()] }));
    expect(failure(() => noRegistry.build(testApp(), "bare"))).toMatch(/edge\.yaml:\d+:\d+\] services\.hello-publisher\.config\["settings\.json"\]: \[bare\] this platform has no service registry/);
  });

  test("the platform's refusal of props changed in code is the construct's, not the spec's; of the spec's own props, the spec's", () => {
    const production = PlatformPreset.fromSpec(join(ROOT, "blueprints", "edge.yaml")).withProps((p) => ({ ...p, profile: Profile.PRODUCTION }));
    expect(failure(() => production.build(testApp()))).toBe(`[edge/Target.k3s] this profile needs at least 3 zones so that losing one keeps every quorum, but 0 were given (received: []). List 3 zones (e.g. zones: ["a", "b", "c"]), or use Profile.DEV for a single-zone cluster.`);
    const laptop = file("laptop.yaml", "name: laptop\ntarget: { kind: {} }\n");
    expect(failure(() => PlatformPreset.fromSpec(laptop).build(testApp()))).toMatch(new RegExp(`^\\[${laptop.replace(/[.\\/]/g, "\\$&")}:2:1\\] target: \\[laptop/Target\\.kind\\] this profile needs at least 3 zones.* The spec names no profile, so it is production \\(the default\\)\\.`));
    expect(PlatformPreset.fromSpec(laptop).withProps((p) => ({ ...p, profile: Profile.DEV })).build(testApp()).profile).toBe(Profile.DEV);
  });

  test("bad presets are PlatformConfigErrors", () => {
    expect(failure(() => PlatformPreset.of("props" as never))).toContain("[PlatformPreset.of] props must be a function");
    expect(failure(() => PlatformPreset.of(() => ({ target: Target.kind() })).build(testApp()))).toContain("[PlatformPreset.build] the platform needs a name");
    expect(failure(() => PlatformPreset.of(() => undefined as never).build(testApp(), "x"))).toContain("the props function must return the platform's props");
    expect(failure(() => base().then(42 as never))).toContain("[PlatformPreset.then] a step must be a function");
    expect(failure(() => base().withComponents(new Nacos() as never))).toContain("component 0 must be a factory");
    const shared = new MicroservicePlatform(testApp(), "s", { target: Target.kind(), profile: Profile.DEV });
    expect(shared.node.id).toBe("s");
  });
});

describe("stacks/specs.ts: every spec of a folder", () => {
  test("synthesizes each spec of the folder; SPECS picks some; two specs of one name are refused", () => {
    const good = mkdtempSync(join(dir, "good-"));
    writeFileSync(join(good, "small.yaml"), SMALL);
    writeFileSync(join(good, "other.json"), JSON.stringify({ name: "other", target: { k3s: {} }, profile: "edge", components: { nacos: {} } }));
    writeFileSync(join(good, "notes.txt"), "not a spec");
    const app = testApp();
    expect(synthesizeSpecs(app, good)).toEqual(["other", "small"]);
    app.synth();
    expect(Object.keys(JSON.parse(readFileSync(join(app.outdir, "manifest.json"), "utf8")).stacks).sort()).toEqual(["other-apps", "other-base", "other-system", "small-apps", "small-base", "small-system"]);
    expect(synthesizeSpecs(testApp(), good, ["small"])).toEqual(["small"]);
    expect(failure(() => synthesizeSpecs(testApp(), good, ["smal"]))).toBe(`[SPECS] no spec is named smal (received: ["smal"]). Name specs of ${good}: other, small.`);
    writeFileSync(join(good, "twin.yaml"), SMALL);
    expect(failure(() => synthesizeSpecs(testApp(), good))).toBe(`[${join(good, "twin.yaml")}:1:1] the platform name "small" is also the name of ${join(good, "small.yaml")}:1:1 (received: "small"). Give each spec its own name: stack names start with it.`);
    writeFileSync(join(good, "twin.yaml"), `# a copy\n\n${SMALL}`);
    expect(failure(() => synthesizeSpecs(testApp(), good))).toBe(`[${join(good, "twin.yaml")}:3:1] the platform name "small" is also the name of ${join(good, "small.yaml")}:1:1 (received: "small"). Give each spec its own name: stack names start with it.`);
    rmSync(join(good, "twin.yaml"));
    writeFileSync(join(good, "small.json"), JSON.stringify({ target: { k3s: {} }, profile: "edge" }));
    expect(failure(() => synthesizeSpecs(testApp(), good))).toBe(`[${join(good, "small.yaml")}:1:1] the platform name "small" is also the name of ${join(good, "small.json")} (named after the file) (received: "small"). Give each spec its own name: stack names start with it.`);
    expect(failure(() => synthesizeSpecs(testApp(), join(dir, "nowhere")))).toContain("[SPECS_DIR] the folder of platform specs cannot be read");
  });

  test("run as a program, a bad spec prints its message alone and exits 1, writing nothing", () => {
    const bad = mkdtempSync(join(dir, "bad-"));
    writeFileSync(join(bad, "small.yaml"), SMALL.replace("    image:", "    imgae:"));
    let result = { code: 0, stderr: "" };
    try {
      execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", join(ROOT, "stacks", "specs.ts")], {
        cwd: ROOT, env: { ...process.env, SPECS_DIR: bad, CDKTF_OUTDIR: join(dir, "out-bad"), TS_NODE_PROJECT: join(ROOT, "tsconfig.json") }, encoding: "utf8", stdio: "pipe",
      });
    } catch (e) {
      result = { code: (e as { status: number }).status, stderr: (e as { stderr: string }).stderr };
    }
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `[${join(bad, "small.yaml")}:13:5] services.hello has an unknown option "imgae" (received: "imgae"). Did you mean "image"? Known options are: image, port, replicas, resources, env, secretEnv, health, runAsUser, automountServiceAccountToken, serviceAccountAnnotations, team, dapr, publish, subscribe, grants, autoscale, expose, config.`,
    );
    expect(existsSync(join(dir, "out-bad", "manifest.json"))).toBe(false);
  });
});
