import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { loadPlatformSpec, PlatformConfigError, PlatformSpecError, readPlatformSpec } from "../lib";
import { renderSpecJsonSchema } from "../lib/blueprints/render";
import { testApp } from "./helpers";

/**
 * Hostile input for the spec loader (fast-check, fixed seed; FC_SEED picks another): valid specs
 * with one thing changed, as objects and as YAML text. Every outcome must be an accepted spec or a
 * PlatformConfigError that says where; a TypeError or any other error from inside the library
 * fails the run with the input. A spec is never silently wrong: a key the schema does not know is
 * always refused, at its path.
 */

const seed = Number(process.env.FC_SEED ?? 20261207);
const RUNS = { objects: 3000, renames: 1000, yaml: 1500, build: 300, synth: 25, references: 300, keys: 300 };
const counts: Record<string, number> = {};
afterAll(() => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(`hostile spec inputs: ${total} (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ")})`);
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "msp-spec-hostile-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A spec that uses most of the format, on one node (cheap to build). */
const VALID = {
  name: "lab",
  target: { kind: { clusterName: "lab", connection: { kubeconfig: { context: "kind-lab" } }, ingressClassName: "nginx" } },
  profile: { dev: { statelessReplicas: 1 } },
  mirror: { imageRegistry: "harbor.example.com/proxy", imagePullSecrets: ["harbor"] },
  broker: { bookies: 1, offload: { filesystem: { size: "5Gi" } } },
  components: { nacos: { storage: "embedded" }, keda: {}, dapr: { logLevel: "info" }, tracing: { storage: { memory: {} } } },
  topics: { hello: { partitions: 0 }, "hello-dlq": {} },
  tenants: { shop: { adminRoles: ["shop-admin"], namespaces: { orders: { retention: { minutes: 60, sizeMb: 100 }, topics: { placed: { partitions: 3 } } } } } },
  teams: { checkout: { editGroups: ["checkout-devs"], quota: { cpu: "16", memory: "32Gi", pods: 100 } } },
  services: {
    orders: {
      team: "checkout",
      image: "ghcr.io/example/orders:1.4.2",
      port: 8080,
      env: { LOG_LEVEL: "info" },
      dapr: { appProtocol: "http" },
      publish: ["hello"],
      grants: { produce: ["shop/orders/placed"], consume: ["shop/orders"] },
      autoscale: { triggers: [{ cpu: { utilization: 70 } }, { cron: { timezone: "Europe/Berlin", start: "0 8 * * *", end: "0 18 * * *", desiredReplicas: 2 } }], maxReplicas: 5 },
      expose: { ingress: { host: "orders.example.com" } },
      config: { "settings.json": { logLevel: "info" } },
    },
    billing: {
      team: "checkout",
      image: "ghcr.io/example/billing:1.2.0",
      subscribe: [{ topic: "hello", route: "/hello", deadLetter: "hello-dlq", scaleToZero: true }],
    },
  },
  daprComponents: [{ team: "checkout", name: "billing-state", type: "state.redis", metadata: [{ name: "redisHost", value: "redis:6379" }], users: ["billing"] }],
  config: [{ group: "DEFAULT_GROUP", dataId: "common.json", content: { region: "local" }, team: "checkout" }],
};

/** Strings a YAML file or a careless caller could hold. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom("", " ", "\n", "latest", "constructor", "__proto__", "toString", "hasOwnProperty", "${file(\"/etc/passwd\")}", "%{ x }", "../..", "a".repeat(300), "-".repeat(5000), "ünïcødé", "UPPER", "hello", "shop/orders", "shop/orders/placed", "checkout", "lab-apps", "3", "true", "null", "production", "eks", "fromStackVariables", "embedded"),
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { maxDepth: 3 },
  nastyString,
  fc.constantFrom(0, -1, 1, 3, 1e21, -0, Number.NaN, Infinity, 2 ** 53, 0.5, true, false, null, undefined),
  fc.anything({ maxDepth: 2, maxKeys: 4, withNullPrototype: true }),
  fc.dictionary(fc.constantFrom("constructor", "__proto__", "eks", "kind", "image", "topic", "http", "memory", "mysql", "name", "bucket"), fc.oneof(nastyString, fc.integer(), fc.constant({})), { maxKeys: 3 }),
  fc.array(nastyString, { maxLength: 3 }),
);

type Path = (string | number)[];

/** Every path of the valid spec's tree. */
function pathsOf(value: unknown, path: Path = []): Path[] {
  if (!value || typeof value !== "object") return [path];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [path, ...entries.flatMap(([k, v]) => pathsOf(v, [...path, k]))];
}
const PATHS = pathsOf(VALID);

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function getAt(root: any, path: Path): any {
  return path.reduce((node, key) => node?.[key], root);
}

/** The JSON Schema of spec files: what keys an object at a data path allows. */
const SCHEMA = JSON.parse(renderSpecJsonSchema());
function schemaAt(path: Path): any {
  let node = SCHEMA;
  for (const key of path) {
    const objectOf = (n: any) => (n?.anyOf ? (n.anyOf.find((a: any) => a.properties || a.patternProperties || a.items) ?? n) : n);
    node = objectOf(node);
    if (typeof key === "number") node = node?.items;
    else node = node?.properties?.[key] ?? Object.entries<any>(node?.patternProperties ?? {}).find(([p]) => new RegExp(p).test(key))?.[1];
  }
  return node?.anyOf ? (node.anyOf.find((a: any) => a.properties || a.patternProperties) ?? node) : node;
}
function allows(parent: Path, key: string): boolean {
  const node = schemaAt(parent);
  if (!node) return false;
  if (node.properties && Object.prototype.hasOwnProperty.call(node.properties, key)) return true;
  // "^(.*)$" is TypeBox's map of any text (env, Helm values, config content): every key.
  return Object.keys(node.patternProperties ?? {}).some((p) => p === "^(.*)$" || new RegExp(p).test(key));
}

/** Reads (and, with `build`, builds) a spec; anything but a PlatformConfigError fails with the input. */
function outcome(area: string, input: unknown, fn: () => void): "accepted" | PlatformConfigError {
  counts[area] = (counts[area] ?? 0) + 1;
  try {
    fn();
    return "accepted";
  } catch (e) {
    if (e instanceof PlatformConfigError) {
      expect(e.message).toMatch(/^\[[^\]]+\] ./s);
      return e;
    }
    throw new Error(`${area}: ${(e as Error)?.constructor?.name} from inside the library for input ${safeJson(input)}: ${(e as Error)?.message}\n${(e as Error)?.stack}`);
  }
}

function safeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : typeof v === "symbol" ? String(v) : v));
    return text === undefined ? String(value) : text.length > 600 ? `${text.slice(0, 600)}...` : text;
  } catch {
    return "<unprintable>";
  }
}

describe("hostile specs (fast-check)", () => {
  test("the valid spec is valid, builds and synthesizes", () => {
    const app = testApp();
    loadPlatformSpec(app, clone(VALID), { source: "hostile" });
    Testing.synth(app.node.findChild("lab-apps") as TerraformStack, true);
  });

  test("objects: one value replaced, dropped, or a key added, anywhere", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), fc.constantFrom("replace", "drop", "add"), anyValue, fc.oneof(nastyString, fc.constantFrom("imgae", "profle", "zone", "topics", "kind")), (path, kind, value, key) => {
        const spec = clone(VALID) as any;
        let added: { parent: Path; key: string } | undefined;
        // defineProperty: "__proto__" becomes a key, as a parsed file would have it.
        const put = (o: object, k: string, v: unknown) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
        if (path.length === 0) {
          if (kind === "add") {
            put(spec, key, value);
            added = { parent: [], key };
          }
        } else {
          const parent = getAt(spec, path.slice(0, -1));
          const last = path[path.length - 1];
          if (kind === "replace") parent[last] = value;
          else if (kind === "drop") Array.isArray(parent) ? parent.splice(last as number, 1) : delete parent[last];
          else {
            const target = getAt(spec, path);
            if (target && typeof target === "object" && !Array.isArray(target)) {
              put(target, key, value);
              added = { parent: path, key };
            } else parent[last] = value;
          }
        }
        const result = outcome("object", spec, () => readPlatformSpec(spec, { source: "hostile" }));
        expect(result === "accepted" || result.message.startsWith("[hostile] ")).toBe(true);
        // A key the schema does not allow there is never accepted.
        if (added && value !== undefined && !allows(added.parent, added.key)) {
          expect(result).not.toBe("accepted");
        }
      }),
      { numRuns: RUNS.objects, seed },
    );
  });

  test("objects: a key misspelled is refused at its path, unless it became another key allowed there", () => {
    const keyed = PATHS.filter((p) => p.length > 0 && typeof p[p.length - 1] === "string");
    fc.assert(
      fc.property(fc.constantFrom(...keyed), fc.nat(), fc.constantFrom("drop", "swap", "double", "upper"), (path, at, how) => {
        const spec = clone(VALID) as any;
        const parent = getAt(spec, path.slice(0, -1));
        const key = String(path[path.length - 1]);
        if (!(key in parent)) return;
        const i = at % key.length;
        const typo = how === "drop" ? key.slice(0, i) + key.slice(i + 1) : how === "swap" ? key.slice(0, i) + (key[i + 1] ?? "") + key[i] + key.slice(i + 2) : how === "double" ? key.slice(0, i) + key[i] + key.slice(i) : key.slice(0, i) + key[i].toUpperCase() + key.slice(i + 1);
        if (typo === key || typo in parent) return;
        parent[typo] = parent[key];
        delete parent[key];
        const result = outcome("rename", { path, typo }, () => readPlatformSpec(spec, { source: "hostile" }));
        if (result === "accepted") {
          expect([path, typo, allows(path.slice(0, -1), typo)]).toEqual([path, typo, true]);
        } else {
          expect(result.message.startsWith("[hostile] ")).toBe(true);
        }
      }),
      { numRuns: RUNS.renames, seed },
    );
  });

  test("YAML text: characters inserted, lines dropped, doubled or swapped; every refusal names file, line and column", () => {
    const yaml = require("yaml").stringify(VALID) as string;
    const lines = yaml.split("\n");
    const file = join(dir, "spec.yaml");
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ kind: fc.constant("insert" as const), at: fc.nat({ max: yaml.length }), text: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(":", "- ", "  ", "\t", "{", "[", "&a ", "*a", "!!binary ", "!x ", "? ", "---\n", "#", "'", '"', "|", ">", "<<: ", "%YAML 1.1\n", "\u0000", "\uFEFF")) }),
          fc.record({ kind: fc.constant("dropLine" as const), at: fc.nat({ max: lines.length - 1 }) }),
          fc.record({ kind: fc.constant("doubleLine" as const), at: fc.nat({ max: lines.length - 1 }) }),
          fc.record({ kind: fc.constant("swapLines" as const), at: fc.nat({ max: lines.length - 2 }) }),
        ),
        (m) => {
          let text: string;
          if (m.kind === "insert") text = yaml.slice(0, m.at) + m.text + yaml.slice(m.at);
          else {
            const copy = [...lines];
            if (m.kind === "dropLine") copy.splice(m.at, 1);
            else if (m.kind === "doubleLine") copy.splice(m.at, 0, copy[m.at]);
            else [copy[m.at], copy[m.at + 1]] = [copy[m.at + 1], copy[m.at]];
            text = copy.join("\n");
          }
          writeFileSync(file, text);
          const result = outcome("yaml", text, () => readPlatformSpec(file));
          if (result !== "accepted") expect(result.message).toMatch(new RegExp(`^\\[${file.replace(/[.\\/]/g, "\\$&")}:\\d+:\\d+\\] |^\\[[^\\]]+\\] the spec file cannot be read as data`));
        },
      ),
      { numRuns: RUNS.yaml, seed },
    );
  });

  test("what the schema accepts builds into a platform or is refused located in the spec; a sample synthesizes", () => {
    let synthesized = 0;
    fc.assert(
      // Values from elsewhere in the spec pass the schema more often: a topic where a team belongs, a trigger where a store does.
      fc.property(fc.constantFrom(...PATHS.filter((p) => p.length > 0)), fc.oneof(anyValue, fc.constantFrom(...PATHS.map((p) => getAt(VALID, p)))), (path, value) => {
        const spec = clone(VALID) as any;
        getAt(spec, path.slice(0, -1))[path[path.length - 1]] = value;
        if (outcome("build", spec, () => readPlatformSpec(spec, { source: "hostile" })) !== "accepted") return;
        const app = testApp();
        const built = outcome("build", spec, () => loadPlatformSpec(app, spec, { source: "hostile" }));
        if (built !== "accepted") {
          // A construct's refusal of a schema-valid spec still says where in the spec.
          expect(built).toBeInstanceOf(PlatformSpecError);
          return;
        }
        if (synthesized++ < RUNS.synth) {
          outcome("synth", spec, () => {
            for (const stack of ["lab-base", "lab-apps"]) Testing.synth(app.node.findChild(stack) as TerraformStack, true);
          });
        }
      }),
      { numRuns: RUNS.build, seed },
    );
  });

  test("names and references swapped for other names: refused located in the spec, or built", () => {
    const strings = PATHS.filter((p) => typeof getAt(VALID, p) === "string");
    const texts = [...new Set(strings.map((p) => getAt(VALID, p) as string))];
    fc.assert(
      fc.property(fc.constantFrom(...strings), fc.oneof(fc.constantFrom(...texts), nastyString), (path, value) => {
        const spec = clone(VALID) as any;
        getAt(spec, path.slice(0, -1))[path[path.length - 1]] = value;
        if (outcome("references", spec, () => readPlatformSpec(spec, { source: "hostile" })) !== "accepted") return;
        const built = outcome("references", spec, () => loadPlatformSpec(testApp(), spec, { source: "hostile" }));
        if (built !== "accepted") expect(built).toBeInstanceOf(PlatformSpecError);
      }),
      { numRuns: RUNS.references, seed },
    );
  });

  test("YAML keys: a plain key is kept exactly as written, or refused at its line with the quoted form to write", () => {
    const file = join(dir, "keys.yaml");
    const plainKey = fc.oneof(
      fc.constantFrom("1.50", "0x1F", "007", "0o17", "1e3", "-0", "+1", ".5", "true", "false", "True", "FALSE", "null", "Null", "~", "yes", "no", "on", "off", ".inf", "-.Inf", ".nan", "hello", "a.b", "x-1"),
      fc.integer().map(String),
      fc.double({ noNaN: true }).map(String),
      fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,8}$/),
    );
    fc.assert(
      fc.property(plainKey, fc.constantFrom("topics", "env"), (key, where) => {
        const text =
          where === "topics"
            ? `name: k\ntarget: { kind: {} }\nprofile: dev\ntopics:\n  ${key}: {}\n`
            : `name: k\ntarget: { kind: {} }\nprofile: dev\nservices:\n  a:\n    image: x/a:1.0.0\n    env:\n      ${key}: v\n`;
        writeFileSync(file, text);
        const result = outcome("keys", { key, where }, () => readPlatformSpec(file));
        if (result === "accepted") {
          const spec = readPlatformSpec(file).spec;
          expect(Object.keys(where === "topics" ? spec.topics! : spec.services!.a.env!)).toEqual([key]);
        } else if (!/is not a valid name/.test(result.message)) {
          expect(result.message).toContain(`:${where === "topics" ? 5 : 8}:${where === "topics" ? 3 : 7}] `);
          expect(result.message).toContain(`Write it in quotes (${JSON.stringify(key)}:) to keep it as written.`);
        }
      }),
      { numRuns: RUNS.keys, seed },
    );
  });

  test("at least 5,000 generated specs per run", () => {
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(5_000);
  });
});
