import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONSUL_SYNC_PROGRAM } from "../lib/discovery/consul-program";
import { JOB_PRELUDE } from "../lib/discovery/job-prelude";
import { NACOS_AUTH_PROGRAM, NACOS_SYNC_PROGRAM } from "../lib/discovery/nacos-programs";

/**
 * The registries' Job programs, run for real under python3 against fakes of the Kubernetes API,
 * Nacos 2.5's open API and Consul's HTTP API served on loopback (answers as the upstream sources
 * give them: Nacos' admin init answers 200 with {"code": 409} once initialized, a second user or
 * role binding is HTTP 400, a duplicate permission fails on a unique key). Each program runs twice:
 * the second run must write nothing.
 */
const FAKES = String.raw`
import json, sys, threading, base64, urllib.parse, subprocess, os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

state = json.load(open(sys.argv[1] + "/state.json"))
writes = []

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def answer(self, status, body, raw=False):
        data = body.encode() if raw else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def form(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n).decode() if n else ""
        return raw

    def handle_any(self, method):
        url = urllib.parse.urlparse(self.path)
        q = {k: v[0] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
        body = self.form()
        if url.path.startswith("/api/v1/"):
            return self.kube(method, url.path, body)
        if url.path.startswith("/nacos/"):
            if method != "GET":
                q.update({k: v[0] for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items()})
            return self.nacos(method, url.path[len("/nacos"):], q)
        if url.path.startswith("/v1/"):
            return self.consul(method, url.path, q, body)
        self.answer(404, {})

    def do_GET(self): self.handle_any("GET")
    def do_POST(self): self.handle_any("POST")
    def do_PUT(self): self.handle_any("PUT")
    def do_DELETE(self): self.handle_any("DELETE")

    # --- Kubernetes: Secrets only
    def kube(self, method, path, body):
        assert self.headers.get("Authorization") == "Bearer sa-token", "no service-account token"
        secrets = state.setdefault("secrets", {})
        if method == "GET":
            return self.answer(200, secrets[path]) if path in secrets else self.answer(404, {})
        obj = json.loads(body)
        key = path + "/" + obj["metadata"]["name"] if method == "POST" else path
        if method == "POST" and key in secrets:
            return self.answer(409, {})
        secrets[key] = obj
        writes.append(["kube", method, key])
        self.answer(201 if method == "POST" else 200, obj)

    # --- Nacos 2.5 open API
    def nacos(self, method, path, q):
        n = state.setdefault("nacos", {"admin": None, "namespaces": [""], "users": {}, "roles": [], "permissions": [], "configs": {}})
        if path == "/v1/console/health/readiness":
            return self.answer(200, "OK", raw=True)
        if path == "/v1/auth/users/admin" and method == "POST":
            if n["admin"] is not None:
                return self.answer(200, {"code": 409, "message": "have admin user cannot use it"})
            n["admin"] = q["password"]
            writes.append(["nacos", "admin"])
            return self.answer(200, {"username": "nacos", "password": q["password"]})
        if path == "/v1/auth/login":
            ok = (q.get("username") == "nacos" and q.get("password") == n["admin"]) or n["users"].get(q.get("username")) == q.get("password")
            return self.answer(200, {"accessToken": "tok", "tokenTtl": 18000}) if ok else self.answer(403, "unknown user!", raw=True)
        if q.get("accessToken") != "tok":
            return self.answer(403, "user not found!", raw=True)
        if path == "/v1/console/namespaces":
            if method == "GET":
                return self.answer(200, {"code": 200, "data": [{"namespace": i, "namespaceShowName": i or "public"} for i in n["namespaces"]]})
            if q["customNamespaceId"] in n["namespaces"]:
                return self.answer(200, False)
            n["namespaces"].append(q["customNamespaceId"]); writes.append(["nacos", "namespace", q["customNamespaceId"]])
            return self.answer(200, True)
        if path == "/v1/auth/users":
            if method == "POST":
                if q["username"] in n["users"]:
                    return self.answer(400, "user '%s' already exist!" % q["username"], raw=True)
                n["users"][q["username"]] = q["password"]; writes.append(["nacos", "user", q["username"]])
                return self.answer(200, {"code": 200, "data": "create user ok!"})
            if method == "PUT":
                if n["users"][q["username"]] != q["newPassword"]:
                    writes.append(["nacos", "password", q["username"]])
                n["users"][q["username"]] = q["newPassword"]
                return self.answer(200, {"code": 200, "data": "update user ok!"})
        if path == "/v1/auth/roles" and method == "POST":
            if [q["role"], q["username"]] in n["roles"]:
                return self.answer(400, "user '%s' already bound to the role '%s'!" % (q["username"], q["role"]), raw=True)
            n["roles"].append([q["role"], q["username"]]); writes.append(["nacos", "role", q["role"]])
            return self.answer(200, {"code": 200, "data": "add role ok!"})
        if path == "/v1/auth/permissions":
            p = [q["role"], q["resource"], q["action"]]
            if method == "GET":
                return self.answer(200, {"code": 0, "data": p in n["permissions"]})
            if p in n["permissions"]:
                return self.answer(500, "Duplicate entry for key 'uk_role_permission'", raw=True)
            n["permissions"].append(p); writes.append(["nacos", "permission"] + p)
            return self.answer(200, {"code": 200, "data": "add permission ok!"})
        if path == "/v1/cs/configs":
            key = "%s|%s|%s" % (q.get("tenant", ""), q["group"], q["dataId"])
            if method == "GET":
                return self.answer(200, n["configs"][key]["content"], raw=True) if key in n["configs"] else self.answer(404, "config data not exist", raw=True)
            n["configs"][key] = {"content": q["content"], "type": q.get("type")}; writes.append(["nacos", "config", key])
            return self.answer(200, True)
        self.answer(404, "no such path %s %s" % (method, path), raw=True)

    # --- Consul HTTP API (ACL policies and tokens, KV)
    def consul(self, method, path, q, body):
        if self.headers.get("X-Consul-Token") != "bootstrap":
            return self.answer(403, "ACL not found", raw=True)
        c = state.setdefault("consul", {"policies": {}, "tokens": {}, "kv": {}})
        if path == "/v1/status/leader":
            return self.answer(200, "10.0.0.1:8300")
        if path == "/v1/acl/policies":
            return self.answer(200, [{"ID": i, "Name": p["Name"]} for i, p in c["policies"].items()])
        if path == "/v1/acl/policy" and method == "PUT":
            pid = "p-%d" % len(c["policies"]); c["policies"][pid] = json.loads(body); writes.append(["consul", "policy", pid])
            return self.answer(200, dict(c["policies"][pid], ID=pid))
        if path.startswith("/v1/acl/policy/"):
            pid = path.rsplit("/", 1)[1]
            if method == "PUT":
                c["policies"][pid] = json.loads(body); writes.append(["consul", "policy", pid])
            return self.answer(200, dict(c["policies"][pid], ID=pid))
        if path == "/v1/acl/tokens":
            return self.answer(200, [dict(t, SecretID=None) for t in c["tokens"].values()])
        if path == "/v1/acl/token" and method == "PUT":
            t = json.loads(body); c["tokens"][t["AccessorID"]] = t; writes.append(["consul", "token", t["AccessorID"]])
            return self.answer(200, t)
        if path.startswith("/v1/acl/token/") and method == "DELETE":
            a = path.rsplit("/", 1)[1]; del c["tokens"][a]; writes.append(["consul", "revoke", a])
            return self.answer(200, True)
        if path.startswith("/v1/acl/token/") and method == "PUT":
            a = path.rsplit("/", 1)[1]; c["tokens"][a].update(json.loads(body)); writes.append(["consul", "token", a])
            return self.answer(200, c["tokens"][a])
        if path.startswith("/v1/kv/"):
            key = urllib.parse.unquote(path[len("/v1/kv/"):])
            if method == "GET":
                return self.answer(200, c["kv"][key], raw=True) if key in c["kv"] else self.answer(404, "", raw=True)
            c["kv"][key] = body; writes.append(["consul", "kv", key])
            return self.answer(200, True)
        self.answer(404, "no such path %s %s" % (method, path), raw=True)

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = "http://127.0.0.1:%d" % server.server_address[1]
spec = json.load(open(sys.argv[1] + "/spec.json"))
spec["url"] = base + spec["url"]
json.dump(spec, open(sys.argv[1] + "/spec.run.json", "w"))
env = dict(os.environ, JOB_SPEC=sys.argv[1] + "/spec.run.json", JOB_FILES=sys.argv[1] + "/files", JOB_SERVICE_ACCOUNT=sys.argv[1] + "/sa",
           JOB_KUBE_API=base, JOB_ATTEMPTS="3", JOB_DELAY="0")
runs = []
for _ in range(int(sys.argv[2])):
    before = len(writes)
    r = subprocess.run([sys.executable, sys.argv[1] + "/job.py"], env=env, capture_output=True, text=True, timeout=30)
    runs.append({"code": r.returncode, "out": r.stdout + r.stderr, "writes": writes[before:]})
server.shutdown()
print(json.dumps({"runs": runs, "state": state}))
`;

/** Runs `program` `times` times against the fakes; returns each run's exit code, output and writes, and the fakes' final state. */
function runAgainstFakes(program: string, spec: object, files: Record<string, string>, state: object = {}, times = 2): { runs: { code: number; out: string; writes: string[][] }[]; state: any } {
  const dir = mkdtempSync(join(tmpdir(), "registry-job-"));
  try {
    mkdirSync(join(dir, "files"));
    mkdirSync(join(dir, "sa"));
    writeFileSync(join(dir, "sa", "token"), "sa-token");
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, "files", name), content);
    writeFileSync(join(dir, "job.py"), JOB_PRELUDE + program);
    writeFileSync(join(dir, "spec.json"), JSON.stringify(spec));
    writeFileSync(join(dir, "state.json"), JSON.stringify(state));
    const r = spawnSync("python3", ["-c", FAKES, dir, String(times)], { encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) throw new Error(`harness failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split("\n").pop()!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const secretData = (state: any, path: string) =>
  Object.fromEntries(Object.entries<string>(state.secrets[path].data).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));

describe("Nacos auth Secret generation", () => {
  const spec = { url: "", namespace: "shop-registry", secret: "nacos-auth", labels: { a: "b" } };

  test("generates a token of at least 32 random bytes, an identity and an admin password once; a second run keeps them", () => {
    const { runs, state } = runAgainstFakes(NACOS_AUTH_PROGRAM, spec, {});
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(runs[0].writes).toEqual([["kube", "POST", "/api/v1/namespaces/shop-registry/secrets/nacos-auth"]]);
    expect(runs[1].writes).toEqual([]);
    const data = secretData(state, "/api/v1/namespaces/shop-registry/secrets/nacos-auth");
    expect(Buffer.from(data.token, "base64").length).toBeGreaterThanOrEqual(32);
    expect(data["identity-value"].length).toBeGreaterThanOrEqual(24);
    expect(data["admin-password"].length).toBeGreaterThanOrEqual(24);
    expect(data["admin-password"].length).toBeLessThanOrEqual(72); // bcrypt's limit in Nacos
  });

  test("an existing Secret without every key fails with what to do, and is not touched", () => {
    const path = "/api/v1/namespaces/shop-registry/secrets/nacos-auth";
    const state = { secrets: { [path]: { data: { token: Buffer.from("x").toString("base64") } } } };
    const { runs } = runAgainstFakes(NACOS_AUTH_PROGRAM, spec, {}, state, 1);
    expect(runs[0].code).not.toBe(0);
    expect(runs[0].out).toContain("lacks identity-key, identity-value, admin-password");
    expect(runs[0].writes).toEqual([]);
  });
});

describe("Nacos sync against a fake Nacos 2.5", () => {
  const spec = {
    url: "/",
    auth: true,
    shared: "shop-shared",
    teams: [{ namespace: "orders", secret: "registry-credentials" }, { namespace: "billing", secret: "registry-credentials" }],
    configs: [
      { namespace: "orders", group: "orders", dataId: "settings.json", format: "json", content: '{"timeout": 5}' },
      { namespace: "shop-shared", group: "DEFAULT_GROUP", dataId: "common.yaml", format: "yaml", content: "region: eu" },
    ],
    credentialLabels: { x: "y" },
  };
  spec.url = "";
  const { runs, state } = runAgainstFakes(NACOS_SYNC_PROGRAM, spec, { "admin-password": "admin-secret-1" });

  test("both runs succeed, and the second writes nothing", () => {
    expect(runs.map((r) => [r.code, r.code === 0 ? "" : r.out])).toEqual([[0, ""], [0, ""]]);
    expect(runs[0].writes.length).toBeGreaterThan(10);
    expect(runs[1].writes).toEqual([]);
  });

  test("the admin is initialized with the generated password", () => {
    expect(state.nacos.admin).toBe("admin-secret-1");
  });

  test("each team gets its namespace, a user and role of its name, read-write there and read on the shared namespace", () => {
    expect(state.nacos.namespaces.sort()).toEqual(["", "billing", "orders", "shop-shared"]);
    expect(state.nacos.roles.sort()).toEqual([["billing", "billing"], ["orders", "orders"]]);
    expect(state.nacos.permissions.sort()).toEqual([
      ["billing", "billing:*:*", "rw"],
      ["billing", "shop-shared:*:*", "r"],
      ["orders", "orders:*:*", "rw"],
      ["orders", "shop-shared:*:*", "r"],
    ]);
  });

  test("each team's credentials land in a Secret of its namespace, and they log in", () => {
    const creds = secretData(state, "/api/v1/namespaces/orders/secrets/registry-credentials");
    expect(creds.username).toBe("orders");
    expect(state.nacos.users.orders).toBe(creds.password);
    expect(creds.password.length).toBeGreaterThanOrEqual(24);
    expect(state.secrets["/api/v1/namespaces/orders/secrets/registry-credentials"].metadata.labels).toEqual({ x: "y" });
  });

  test("configuration entries are published to their namespace", () => {
    expect(state.nacos.configs["orders|orders|settings.json"]).toEqual({ content: '{"timeout": 5}', type: "json" });
    expect(state.nacos.configs["shop-shared|DEFAULT_GROUP|common.yaml"]).toEqual({ content: "region: eu", type: "yaml" });
  });

  test("a password changed in Nacos by hand is set back from the team's Secret; an already initialized admin is kept", () => {
    const drifted = JSON.parse(JSON.stringify(state));
    drifted.nacos.users.orders = "changed-by-hand";
    const again = runAgainstFakes(NACOS_SYNC_PROGRAM, spec, { "admin-password": "admin-secret-1" }, drifted, 1);
    expect(again.runs[0].code).toBe(0);
    expect(again.runs[0].writes).toEqual([["nacos", "password", "orders"]]);
    expect(again.state.nacos.admin).toBe("admin-secret-1");
  });

  test("a wrong admin password fails the Job instead of going on unauthenticated", () => {
    const wrong = runAgainstFakes(NACOS_SYNC_PROGRAM, spec, { "admin-password": "not-it" }, state, 1);
    expect(wrong.runs[0].code).not.toBe(0);
    expect(wrong.runs[0].out).toContain("the Nacos admin password differs from admin-password in the auth Secret");
    // fatal at once: no retry loop against a server that will never accept it
    expect(wrong.runs[0].out).not.toContain("waiting for the admin login");
    expect(wrong.runs[0].writes).toEqual([]);
  });
});

describe("Consul sync against a fake Consul", () => {
  const spec = {
    url: "",
    platform: "gcp",
    shared: "gcp-shared",
    teams: [{ namespace: "orders", secret: "registry-credentials", services: ["orders-api", "orders-worker"] }],
    configs: [{ namespace: "orders", group: "orders-api", dataId: "data", format: "yaml", content: "timeout: 5s" }],
    credentialLabels: { x: "y" },
  };
  const { runs, state } = runAgainstFakes(CONSUL_SYNC_PROGRAM, spec, { token: "bootstrap", "ca.crt": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----" });

  test("both runs succeed, and the second writes nothing", () => {
    expect(runs.map((r) => [r.code, r.code === 0 ? "" : r.out])).toEqual([[0, ""], [0, ""]]);
    expect(runs[1].writes).toEqual([]);
  });

  test("the team's policy writes only its own services and key prefix", () => {
    const [policy] = Object.values<any>(state.consul.policies);
    expect(policy.Name).toBe("team-orders");
    expect(policy.Rules).toContain('service "orders-api" { policy = "write" }');
    expect(policy.Rules).toContain('service "orders-worker" { policy = "write" }');
    expect(policy.Rules).toContain('key_prefix "orders/" { policy = "write" }');
    expect(policy.Rules).toContain('key_prefix "gcp-shared/" { policy = "read" }');
    expect(policy.Rules).not.toMatch(/service_prefix "" \{ policy = "write"/);
  });

  test("the team's token and the CA land in its Secret; the token is the one Consul knows", () => {
    const creds = secretData(state, "/api/v1/namespaces/orders/secrets/registry-credentials");
    const token = state.consul.tokens[creds.accessor];
    expect(token.SecretID).toBe(creds.token);
    expect(token.Policies).toEqual([{ ID: Object.keys(state.consul.policies)[0] }]);
    expect(creds["ca.crt"]).toContain("BEGIN CERTIFICATE");
  });

  test("entries are written as <namespace>/<group>/<dataId>", () => {
    expect(state.consul.kv["orders/orders-api/data"]).toBe("timeout: 5s");
  });

  test("a team whose Secret was lost gets a new token, and the old one is revoked", () => {
    const lost = JSON.parse(JSON.stringify(state));
    delete lost.secrets["/api/v1/namespaces/orders/secrets/registry-credentials"];
    const [oldAccessor] = Object.keys(lost.consul.tokens);
    const again = runAgainstFakes(CONSUL_SYNC_PROGRAM, spec, { token: "bootstrap", "ca.crt": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----" }, lost, 1);
    expect(again.runs[0].code).toBe(0);
    const tokens = Object.keys(again.state.consul.tokens);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).not.toBe(oldAccessor);
    expect(again.runs[0].writes.map((w) => w.slice(0, 2))).toEqual([["consul", "revoke"], ["consul", "token"], ["kube", "POST"]]);
  });

  test("a new service of the team widens the policy on the next run", () => {
    const more = { ...spec, teams: [{ ...spec.teams[0], services: ["orders-api", "orders-worker", "orders-web"] }] };
    const again = runAgainstFakes(CONSUL_SYNC_PROGRAM, more, { token: "bootstrap", "ca.crt": "ca" }, state, 1);
    expect(again.runs[0].code).toBe(0);
    expect(again.runs[0].writes.map((w) => w.slice(0, 2))).toEqual([["consul", "policy"], ["kube", "PUT"]]);
  });
});
