import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderValidators } from "../lib/schemas/render";
import { SCHEMAS } from "../lib/schemas";
import { VALIDATORS } from "../lib/generated/validators";
import { checkOptionsSchema } from "../lib/core/validate";
import { failure } from "./helpers";

describe("options schemas", () => {
  test("the committed validators are TypeBox's compiled code of the current schemas (run `npm run schemas` after changing lib/schemas)", () => {
    expect(readFileSync(join(__dirname, "..", "lib", "generated", "validators.ts"), "utf8")).toBe(renderValidators());
    expect(Object.keys(VALIDATORS).sort()).toEqual(Object.keys(SCHEMAS).sort());
  });

  test("every object of every schema rejects keys it does not list, at every depth", () => {
    const open: string[] = [];
    const walk = (name: string, node: any, path: string) => {
      if (!node || typeof node !== "object") return;
      if (node.type === "object" && node.properties && node.additionalProperties !== false) open.push(`${name}${path}`);
      for (const [key, child] of Object.entries(node)) if (key !== "examples") walk(name, child, `${path}/${key}`);
    };
    for (const [name, schema] of Object.entries(SCHEMAS)) walk(name, schema, "");
    expect(open).toEqual([]);
  });

  test("a failure names the option path, the value and a fix; an unknown key names the known ones", () => {
    expect(failure(() => checkOptionsSchema("shop", "BrokerOptions", { exposeListeners: { internl: true } }, "broker"))).toBe(
      '[shop] broker.exposeListeners has an unknown option "internl" (received: "internl"). Known options are: internal.',
    );
    expect(failure(() => checkOptionsSchema("shop/orders", "ServiceOptions", { image: "a:1", secretEnv: { DB: { secretName: "Orders DB", key: "password" } } }))).toBe(
      `[shop/orders] secretEnv.DB.secretName must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.') (received: "Orders DB"). Use e.g. "orders-db".`,
    );
    expect(failure(() => checkOptionsSchema("shop", "ServiceOptions", { image: "a:1", env: "abc" }))).toBe('[shop] env must be an object (received: "abc"). Use e.g. {"LOG_LEVEL":"info"}.');
    expect(failure(() => checkOptionsSchema("shop", "ServiceOptions", "orders"))).toBe('[shop] options must be an object (received: "orders"). See the option\'s documentation.');
    expect(failure(() => checkOptionsSchema("shop", "TeamOptions", { quota: true }))).toBe(
      '[shop] quota must be a quota { cpu, memory, pods } or false (received: true). Use e.g. {"cpu":"16","memory":"32Gi","pods":100}.',
    );
  });

  test("the crashing inputs of the issue are refused by the schema, not by a TypeError", () => {
    expect(failure(() => checkOptionsSchema("p", "ServiceOptions", { image: "a:1", env: "abc" }))).toContain("env must be an object");
    expect(failure(() => checkOptionsSchema("p", "ServiceOptions", { image: "a:1", replicas: 1e21 }))).toContain("replicas must be at most 10000");
    expect(failure(() => checkOptionsSchema("p", "ProfileOverrides", { requireTransportSecurity: "false" }))).toContain("requireTransportSecurity must be true or false");
    expect(failure(() => checkOptionsSchema("p", "CloudTargetOptions", { region: "eu-west-1", zones: "abc" }))).toContain("zones must be a list");
    expect(failure(() => checkOptionsSchema("p", "TeamOptions", { quota: { cpu: 16, memory: "lots", pods: 1 } }))).toContain("quota.cpu must be a Kubernetes quantity");
  });
});
