import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { filesUnder, synthEverything } from "./everything";
import { findLiteralSecret } from "../lib/core/secrets";
import { terraformString } from "./helpers";

/** Credentials by their shape, wherever they appear in a file. */
const SECRET_SHAPES: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a PEM private key"],
  [/eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/, "a JSON Web Token"],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/[a-z][a-z0-9+.-]*:\/\/[^\s/:@"]+:[^\s/@"$]+@/i, "a URL with a password"],
];

/** What in one synthesized stack holds a literal credential: Secret data, env, Helm values, variable defaults. */
function literalSecretsInStack(file: string, stack: any): string[] {
  const found: string[] = [];
  const literal = (v: unknown) => typeof v === "string" && v.length > 0 && !/^\$\{[^}]*\}$/.test(v);
  for (const [type, resources] of Object.entries<any>(stack.resource ?? {})) {
    for (const [id, r] of Object.entries<any>(resources)) {
      const at = `${file}: ${type}.${id}`;
      if (type === "kubernetes_secret_v1") {
        for (const key of ["data", "binary_data"]) for (const [k, v] of Object.entries<any>(r[key] ?? {})) if (literal(v)) found.push(`${at} ${key}.${k}`);
      }
      if (type === "kubernetes_manifest" && r.manifest?.kind === "Secret") found.push(`${at} (a Secret manifest)`);
      if (type === "helm_release") {
        for (const values of r.values ?? []) {
          const hit = findLiteralSecret(parse(terraformString(values)));
          if (hit) found.push(`${at} values ${hit}`);
        }
        for (const s of r.set_sensitive ?? []) if (literal(s.value)) found.push(`${at} set_sensitive ${s.name}`);
      }
    }
  }
  for (const [name, v] of Object.entries<any>(stack.variable ?? {})) if (v.sensitive && v.default !== undefined) found.push(`${file}: variable ${name} has a default`);
  // Env entries named like a credential carry references (or a path to a mounted file), never the value.
  JSON.stringify(stack.resource ?? {}, (key, value) => {
    if (key === "env" && Array.isArray(value)) {
      for (const e of value) {
        if (/pass(word)?|secret|token|credential|private.?key|api.?key|access.?key/i.test(String(e?.name)) && literal(e?.value) && !/^\/(var\/run|etc|pulsar)\//.test(e.value)) found.push(`${file}: env ${e.name}`);
      }
    }
    return value;
  });
  return found;
}

describe("synthesized output of every blueprint and example", () => {
  const first = mkdtempSync(join(tmpdir(), "msp-synth-a-"));
  const second = mkdtempSync(join(tmpdir(), "msp-synth-b-"));
  synthEverything(first);
  synthEverything(second);
  const files = filesUnder(first).map((f) => relative(first, f)).sort();
  const stacks = files.filter((f) => f.endsWith("cdk.tf.json"));
  afterAll(() => {
    rmSync(first, { recursive: true, force: true });
    rmSync(second, { recursive: true, force: true });
  });

  test("holds every blueprint's and example's stacks", () => {
    // Six blueprints and four examples, each a base, system and apps stack (examples may add their own).
    expect(stacks.length).toBeGreaterThanOrEqual(30);
  });

  test("synthesizing twice gives byte-identical files", () => {
    expect(filesUnder(second).map((f) => relative(second, f)).sort()).toEqual(files);
    const differing = files.filter((f) => !readFileSync(join(first, f)).equals(readFileSync(join(second, f))));
    expect(differing).toEqual([]);
  });

  test("no file holds a credential's shape (private key, JWT, cloud key id, URL with a password)", () => {
    const found: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(first, f), "utf8");
      for (const [pattern, what] of SECRET_SHAPES) if (pattern.test(text)) found.push(`${f}: ${what}`);
    }
    expect(found).toEqual([]);
  });

  test("no stack holds a literal credential: Secret data, credential-named env values, Helm values, sensitive variable defaults", () => {
    const found = stacks.flatMap((f) => literalSecretsInStack(f, JSON.parse(readFileSync(join(first, f), "utf8"))));
    expect(found).toEqual([]);
  });

  test("the scan finds what it looks for (a planted key, a Secret with data, a password in Helm values)", () => {
    const planted = {
      resource: {
        kubernetes_secret_v1: { s: { data: { password: "hunter2" } } },
        helm_release: { r: { values: ['auth:\n  adminPassword: "hunter2"\n'] } },
        kubernetes_deployment_v1: { d: { spec: { template: { spec: { container: [{ env: [{ name: "DB_PASSWORD", value: "hunter2" }] }] } } } } },
      },
      variable: { key: { sensitive: true, default: "x" } },
    };
    expect(literalSecretsInStack("planted", planted)).toHaveLength(4);
    expect(SECRET_SHAPES.some(([p]) => p.test("postgres://app:hunter2@db:5432/app"))).toBe(true);
  });
});
