import { spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN_SYNC_SCRIPT } from "../lib/broker/admin-sync-script";

/**
 * Runs the sync script's functions under python3 against fakes of the Pulsar admin API and the
 * Kubernetes API, and returns the calls it made. `state` seeds what the fakes answer.
 */
function runScript(spec: object, state: object, steps: string[], files: Record<string, Buffer | string> = {}): { calls: any[]; secrets: any } {
  const dir = mkdtempSync(join(tmpdir(), "sync-script-"));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    const resolved = JSON.parse(JSON.stringify(spec).replace(/@DIR@/g, dir));
    writeFileSync(join(dir, "spec.json"), JSON.stringify(resolved));
    writeFileSync(join(dir, "sync.py"), ADMIN_SYNC_SCRIPT);
    writeFileSync(join(dir, "state.json"), JSON.stringify(state));
    const harness = String.raw`
import json, sys, importlib.util
spec = importlib.util.spec_from_file_location("sync", sys.argv[1] + "/sync.py")
sync = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sync)
state = json.load(open(sys.argv[1] + "/state.json"))
calls = []
def fake_admin(method, path, body=None, accept=(200, 204)):
    calls.append([method, path, body])
    if method == "GET" and path.endswith("/permissions"):
        return 200, state.get("permissions", {}).get(path, {})
    return 204, None
def fake_kube(path, method="GET", body=None, accept=(200, 201)):
    calls.append(["KUBE " + method, path, body])
    secrets = state.setdefault("secrets", {})
    if method == "GET":
        return (200, secrets[path]) if path in secrets else (404, None)
    if method == "POST":
        secrets[path + "/" + body["metadata"]["name"]] = dict(body, metadata=dict(body["metadata"], resourceVersion="1"))
    if method == "PUT":
        secrets[path] = body
    return 200, body
sync.admin = fake_admin
sync.kube = fake_kube
for step in sys.argv[2:]:
    getattr(sync, step)()
print(json.dumps({"calls": calls, "secrets": state.get("secrets", {})}))
`;
    const r = spawnSync("python3", ["-c", harness, dir, ...steps], { encoding: "utf8", env: { ...process.env, SYNC_SPEC: join(dir, "spec.json") } });
    if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split("\n").pop()!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const base64url = (b: Buffer) => b.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

describe("admin sync script: permissions", () => {
  const spec = {
    adminUrl: "http://broker:8080",
    cluster: "shop",
    tenants: [
      {
        name: "shop",
        adminRoles: [],
        namespaces: [{ name: "orders", permissions: { "checkout.auditor": ["consume"] }, topics: [{ name: "placed", partitions: 0, permissions: { "checkout.publisher": ["produce"] } }] }],
      },
    ],
  };
  const nsPath = "/admin/v2/namespaces/shop/orders/permissions";
  const topicPath = "/admin/v2/persistent/shop/orders/placed/permissions";

  test("grants what is declared and revokes what no longer is", () => {
    const { calls } = runScript(spec, { permissions: { [nsPath]: { "checkout.old": ["produce"] }, [topicPath]: { "checkout.publisher": ["produce"], "checkout.gone": ["consume"] } } }, ["sync_resources"]);
    const writes = calls.filter((c) => c[0] === "POST" || c[0] === "DELETE").filter((c) => c[1].includes("/permissions"));
    expect(writes).toEqual([
      ["DELETE", `${topicPath}/checkout.gone`, null],
      ["POST", `${nsPath}/checkout.auditor`, ["consume"]],
      ["DELETE", `${nsPath}/checkout.old`, null],
    ]);
  });

  test("is idempotent: a second run against the applied state writes nothing", () => {
    const { calls } = runScript(spec, { permissions: { [nsPath]: { "checkout.auditor": ["consume"] }, [topicPath]: { "checkout.publisher": ["produce"] } } }, ["sync_resources"]);
    expect(calls.filter((c) => (c[0] === "POST" || c[0] === "DELETE") && c[1].includes("/permissions"))).toEqual([]);
  });
});

describe("admin sync script: service credentials", () => {
  const key = randomBytes(32);
  const spec = {
    adminUrl: "https://broker:8443",
    cluster: "shop",
    signingKeyFile: "@DIR@/key",
    caFile: "@DIR@/ca.crt",
    credentials: [{ role: "checkout.publisher", namespace: "checkout", secret: "publisher-pulsar" }],
    credentialLabels: { "app.kubernetes.io/managed-by": "cdktf-microservice-platform" },
  };
  const files = { key, "ca.crt": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" };

  test("mints an HS256 token for the role that verifies with the broker's key, and writes it with the CA", () => {
    const { secrets } = runScript(spec, {}, ["sync_credentials"], files);
    const secret = secrets["/api/v1/namespaces/checkout/secrets/publisher-pulsar"];
    expect(secret.metadata).toMatchObject({ name: "publisher-pulsar", namespace: "checkout", labels: spec.credentialLabels });
    const token = Buffer.from(secret.data.token, "base64").toString();
    const [header, payload, signature] = token.split(".");
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({ alg: "HS256" });
    expect(JSON.parse(Buffer.from(payload, "base64url").toString())).toEqual({ sub: "checkout.publisher" });
    expect(signature).toBe(base64url(createHmac("sha256", key).update(`${header}.${payload}`).digest()));
    expect(Buffer.from(secret.data["ca.crt"], "base64").toString()).toBe(files["ca.crt"]);
  });

  test("creates once, rewrites nothing on a re-run, and updates after the key changed", () => {
    const first = runScript(spec, {}, ["sync_credentials"], files);
    expect(first.calls.map((c) => c[0])).toEqual(["KUBE GET", "KUBE POST"]);
    const again = runScript(spec, { secrets: first.secrets }, ["sync_credentials"], files);
    expect(again.calls.map((c) => c[0])).toEqual(["KUBE GET"]);
    const rotated = runScript(spec, { secrets: first.secrets }, ["sync_credentials"], { ...files, key: randomBytes(32) });
    expect(rotated.calls.map((c) => c[0])).toEqual(["KUBE GET", "KUBE PUT"]);
    expect(rotated.calls[1][2].metadata.resourceVersion).toBe("1");
  });
});
