import { spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN_SYNC_SCRIPT } from "../lib/broker/admin-sync-script";
import { rackScript } from "../lib/broker/rack-script";

/**
 * Runs `harness` under python3 with `files` written to a temporary directory (its path is
 * `sys.argv[1]`, `args` follow; "@DIR@" in text files becomes that path); the sync script reads
 * `spec.json` there. Returns the process result; the directory is removed.
 */
function runPython(harness: string, files: Record<string, Buffer | string>, args: string[] = [], env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "sync-script-"));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === "string" ? content.replace(/@DIR@/g, dir) : content);
    return spawnSync("python3", ["-c", harness, dir, ...args], { encoding: "utf8", env: { ...process.env, SYNC_SPEC: join(dir, "spec.json"), ...env }, timeout: 20000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The JSON the harness printed last on stdout; a failed run is an error with its stderr. */
function printed(r: ReturnType<typeof runPython>): any {
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

/** Python that loads the sync script as the module `sync`. */
const LOAD_SYNC = String.raw`
import json, sys, importlib.util
spec = importlib.util.spec_from_file_location("sync", sys.argv[1] + "/sync.py")
sync = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sync)
`;

/** The sync script and its spec, as `runPython` files. */
const syncFiles = (spec: object, more: Record<string, Buffer | string> = {}) => ({ "spec.json": JSON.stringify(spec), "sync.py": ADMIN_SYNC_SCRIPT, ...more });

/**
 * Runs the sync script's functions under python3 against fakes of the Pulsar admin API and the
 * Kubernetes API, and returns the calls it made. `state` seeds what the fakes answer.
 */
function runScript(spec: object, state: object, steps: string[], files: Record<string, Buffer | string> = {}): { calls: any[]; secrets: any } {
  const harness = LOAD_SYNC + String.raw`
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
  return printed(runPython(harness, syncFiles(spec, { ...files, "state.json": JSON.stringify(state) }), steps));
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

  test("with a Kafka listener, also writes KoP's SASL/PLAIN username (the role) and password (token:<the same jwt>)", () => {
    const kafkaSpec = { ...spec, kafkaKeys: { username: "kafka-username", password: "kafka-password" } };
    const { secrets } = runScript(kafkaSpec, {}, ["sync_credentials"], files);
    const data = secrets["/api/v1/namespaces/checkout/secrets/publisher-pulsar"].data;
    const decode = (k: string) => Buffer.from(data[k], "base64").toString();
    expect(decode("kafka-username")).toBe("checkout.publisher");
    expect(decode("kafka-password")).toBe(`token:${decode("token")}`);
    const plain = runScript(spec, {}, ["sync_credentials"], files).secrets["/api/v1/namespaces/checkout/secrets/publisher-pulsar"].data;
    expect(Object.keys(plain).sort()).toEqual(["ca.crt", "token"]);
  });
});

/**
 * A model of the brokers for the rack sequence: `/brokers/ready` answers once they have started
 * (no ledger needed); `/brokers/health` writes a topic, so, with racks enforced, it fails until at
 * least 3 bookies sit in registered racks spanning 2 zones (what BookKeeper needs for E=3 with at
 * least 2 racks per write quorum). Pods get a node after `scheduledAfter` pod listings.
 */
function runRackModel(state: object, code: string): { calls: string[]; racks: Record<string, any>; result: string } {
  const spec = {
    adminUrl: "http://broker:8080",
    cluster: "shop",
    pollSeconds: 0.01,
    racks: { namespace: "shop-pulsar", bookies: 6, bookieSelector: "component=bookie", zoneLabel: "topology.kubernetes.io/zone" },
    tenants: [{ name: "shop", adminRoles: [], namespaces: [{ name: "orders", topics: [{ name: "placed", partitions: 0 }] }] }],
  };
  const harness = LOAD_SYNC + String.raw`
state = json.load(open(sys.argv[1] + "/state.json"))
racks = state.get("racks", {})
calls = []
listings = [0]
def healthy():
    placed = [b for b in state["bookies"] if b in racks]
    return len(placed) >= 3 and len({racks[b]["rack"] for b in placed}) >= 2
def fake_admin(method, path, body=None, accept=(200, 204)):
    calls.append(method + " " + path.split("?")[0])
    if path == "/admin/v2/brokers/ready":
        return 200, None
    if path == "/admin/v2/brokers/health":
        if not healthy():
            raise RuntimeError("GET /admin/v2/brokers/health -> 500 Not enough non-faulty bookies available")
        return 200, None
    if path == "/admin/v2/bookies/racks-info" and method == "GET":
        return 200, {"default": racks}
    if path.startswith("/admin/v2/bookies/racks-info/") and method == "POST":
        racks[sync.urllib.parse.unquote(path.split("/")[-1].split("?")[0])] = body
        return 204, None
    if path == "/admin/v2/bookies/all":
        return 200, {"bookies": [{"bookieId": b} for b in state["bookies"]]}
    if "/persistent/" in path and method == "PUT" and not healthy():
        raise RuntimeError("PUT %s -> 500 could not create ledger" % path)
    if path.endswith("/permissions"):
        return 200, {}
    return 204, None
def fake_kube(path, method="GET", body=None, accept=(200, 201)):
    calls.append("KUBE " + method + " " + path.split("?")[0])
    if "/pods" in path:
        listings[0] += 1
        items = []
        for name, pod in state["pods"].items():
            scheduled = listings[0] > pod.get("scheduledAfter", 0)
            items.append({"metadata": {"name": name}, "spec": {"nodeName": pod["node"]} if scheduled else {}})
        return 200, {"items": items}
    node = path.split("/")[-1]
    return 200, {"metadata": {"labels": {"topology.kubernetes.io/zone": state["nodes"][node]}}}
sync.admin = fake_admin
sync.kube = fake_kube
try:
${code}
    result = "ok"
except Exception as e:
    result = "failed: %s" % e
print(json.dumps({"calls": calls, "racks": racks, "result": result}))
`;
  return printed(runPython(harness, syncFiles(spec, { "state.json": JSON.stringify(state) }), [], { SYNC_TIMEOUT_SECONDS: "2" }));
}

describe("admin sync script: racks before anything needs a ledger", () => {
  const zones = { "node-a": "eu-west-1a", "node-b": "eu-west-1b", "node-c": "eu-west-1c", "node-a2": "eu-west-1a" };
  const bookieIds = [0, 1, 2, 3, 4, 5].map((i) => `pulsar-bookie-${i}.pulsar-bookie.shop-pulsar.svc.cluster.local:3181`);
  const pods = Object.fromEntries([0, 1, 2, 3, 4, 5].map((i) => [`pulsar-bookie-${i}`, { node: ["node-a", "node-b", "node-c"][i % 3] }]));
  const fresh = { bookies: bookieIds, pods, nodes: zones };

  test("a fresh install with no racks: the Job registers every rack first, then health passes and topics are created", () => {
    const run = runRackModel(fresh, "    sync.main()");
    expect(run.result).toBe("ok");
    const firstHealth = run.calls.indexOf("GET /admin/v2/brokers/health");
    const lastRack = run.calls.lastIndexOf("POST /admin/v2/bookies/racks-info/" + encodeURIComponent(bookieIds[5]));
    expect(run.calls[0]).toBe("GET /admin/v2/brokers/ready");
    expect(lastRack).toBeGreaterThan(0);
    expect(firstHealth).toBeGreaterThan(lastRack);
    expect(run.calls).toContain("PUT /admin/v2/persistent/shop/orders/placed");
    expect(Object.values(run.racks).map((r: any) => r.rack).sort()).toEqual(["eu-west-1a", "eu-west-1a", "eu-west-1b", "eu-west-1b", "eu-west-1c", "eu-west-1c"]);
  });

  test("the old order (health first) never gets there: no rack, no ledger, no health", () => {
    const run = runRackModel(fresh, '    sync.wait_for("health", "/admin/v2/brokers/health", sync.time.time() + 0.2)\n    sync.sync_racks(sync.time.time() + 1)');
    expect(run.result).toMatch(/^failed: gave up waiting for health: .*Not enough non-faulty bookies/);
    expect(run.racks).toEqual({});
  });

  test("a bookie not scheduled yet is waited for, not skipped", () => {
    const run = runRackModel({ ...fresh, pods: { ...pods, "pulsar-bookie-4": { node: "node-b", scheduledAfter: 2 } } }, "    sync.main()");
    expect(run.result).toBe("ok");
    expect(run.calls.filter((c) => c.startsWith("KUBE GET /api/v1/namespaces/shop-pulsar/pods")).length).toBe(3);
    expect(run.racks[bookieIds[4]]).toEqual({ rack: "eu-west-1b", hostname: bookieIds[4].split(":")[0] });
  });

  test("a bookie replaced on another node of its zone keeps its rack; nothing is rewritten", () => {
    const placed = Object.fromEntries(bookieIds.map((id, i) => [id, { rack: zones[["node-a", "node-b", "node-c"][i % 3] as keyof typeof zones], hostname: id.split(":")[0] }]));
    const run = runRackModel({ ...fresh, racks: placed, pods: { ...pods, "pulsar-bookie-0": { node: "node-a2" } } }, "    sync.main()");
    expect(run.result).toBe("ok");
    expect(run.calls.filter((c) => c.startsWith("POST /admin/v2/bookies/racks-info"))).toEqual([]);
  });

  test("a bookie added in a new zone later gets its rack on the next run", () => {
    const placed = Object.fromEntries(bookieIds.map((id, i) => [id, { rack: zones[["node-a", "node-b", "node-c"][i % 3] as keyof typeof zones], hostname: id.split(":")[0] }]));
    const added = "pulsar-bookie-6.pulsar-bookie.shop-pulsar.svc.cluster.local:3181";
    const run = runRackModel({ bookies: [...bookieIds, added], racks: placed, pods: { ...pods, "pulsar-bookie-6": { node: "node-d" } }, nodes: { ...zones, "node-d": "eu-west-1d" } }, "    sync.main()");
    expect(run.result).toBe("ok");
    expect(run.calls.filter((c) => c.startsWith("POST /admin/v2/bookies/racks-info"))).toEqual([`POST /admin/v2/bookies/racks-info/${encodeURIComponent(added)}`]);
    expect(run.racks[added].rack).toBe("eu-west-1d");
  });

  test("a node without a zone label fails the Job with the reason, instead of leaving a bookie out", () => {
    const run = runRackModel({ ...fresh, nodes: { ...zones, "node-c": "" } }, "    sync.main()");
    expect(run.result).toMatch(/^failed: racks incomplete: no zone for bookie pulsar-bookie-2\./);
  });
});

describe("autorecovery's rack resolver (BookKeeper ScriptBasedMapping)", () => {
  const script = rackScript({ namespace: "shop-pulsar", bookieSelector: { component: "bookie" }, zoneLabel: "topology.kubernetes.io/zone" });
  const pods = [
    { metadata: { name: "pulsar-bookie-0" }, status: { podIP: "10.0.1.5" }, spec: { nodeName: "node-a" } },
    { metadata: { name: "pulsar-bookie-1" }, status: { podIP: "10.0.2.7" }, spec: { nodeName: "node-b" } },
    { metadata: { name: "pulsar-bookie-2" }, status: {}, spec: {} },
  ];
  const nodes = { "node-a": "eu-west-1a", "node-b": "eu-west-1b" };

  function resolve(args: string[]): { code: number; out: string; listed: string[] } {
    const harness = String.raw`
import json, sys, importlib.util
spec = importlib.util.spec_from_file_location("zone_of", sys.argv[1] + "/zone_of.py")
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
state = json.load(open(sys.argv[1] + "/state.json"))
listed = []
def fake_get(path):
    listed.append(path)
    if "/pods" in path:
        return {"items": state["pods"]}
    return {"metadata": {"labels": {"topology.kubernetes.io/zone": state["nodes"][path.split("/")[-1]]}}}
m.kube_get = fake_get
m.time.sleep = lambda s: None
code = m.main(sys.argv[2:])
sys.stderr.write(json.dumps({"code": code, "listed": listed}) + "\n")
`;
    const r = runPython(harness, { "zone_of.py": script, "state.json": JSON.stringify({ pods, nodes }) }, args);
    const meta = JSON.parse(r.stderr.trim().split("\n").pop()!);
    return { code: meta.code, out: r.stdout, listed: meta.listed };
  }

  test("answers /<zone> per bookie IP or hostname, one line per argument, /default-rack for others", () => {
    const r = resolve(["10.0.1.5", "pulsar-bookie-1.pulsar-bookie.shop-pulsar.svc.cluster.local", "10.9.9.9"]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n").filter(Boolean)).toEqual(["/eu-west-1a", "/eu-west-1b", "/default-rack"]);
    expect(r.listed[0]).toBe("/api/v1/namespaces/shop-pulsar/pods?labelSelector=component%3Dbookie");
  });

  test("exits 0 with no argument (BookKeeper's start-up check) and non-zero for a bookie without a zone yet, so nothing wrong is cached", () => {
    expect(resolve([]).code).toBe(0);
    const pending = resolve(["pulsar-bookie-2.pulsar-bookie.shop-pulsar.svc.cluster.local"]);
    expect(pending.code).toBe(1);
    expect(pending.out).toBe("");
  });
});

describe("admin sync script: talking to a real HTTP server, tenants it does not own", () => {
  function python(code: string, spec: object = { adminUrl: "http://127.0.0.1:1", cluster: "shop" }): any {
    const harness = LOAD_SYNC + String.raw`
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
${code}
`;
    return printed(runPython(harness, syncFiles(spec)));
  }

  test("plain-text answers (the brokers' ready and health endpoints say \"ok\") and JSON both parse", () => {
    const out = python(String.raw`
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        text = self.path.endswith("/ready")
        body = b"ok" if text else b'{"bookies": []}'
        self.send_response(200)
        self.send_header("Content-Type", "text/plain" if text else "application/json")
        self.end_headers()
        self.wfile.write(body)
server = HTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = "http://127.0.0.1:%d" % server.server_address[1]
ready = sync.request(base, "GET", "/admin/v2/brokers/ready")
bookies = sync.request(base, "GET", "/admin/v2/bookies/all")
server.shutdown()
print(json.dumps({"ready": ready, "bookies": bookies}))
`);
    expect(out).toEqual({ ready: [200, "ok"], bookies: [200, { bookies: [] }] });
  });

  test("an existing tenant keeps the admin roles others gave it and gains the cluster; nothing is written when it has both", () => {
    const fake = (tenant: object) => String.raw`
calls = []
def fake_admin(method, path, body=None, accept=(200, 204)):
    calls.append([method, path, body])
    if method == "PUT":
        return 409, None
    return 200, ${JSON.stringify(tenant)}
sync.admin = fake_admin
sync.sync_tenant("shop", [], "shop")
print(json.dumps(calls))
`;
    const merged = python(fake({ adminRoles: ["ops"], allowedClusters: ["other"] }));
    expect(merged[2]).toEqual(["POST", "/admin/v2/tenants/shop", { adminRoles: ["ops"], allowedClusters: ["other", "shop"] }]);
    expect(python(fake({ adminRoles: ["ops"], allowedClusters: ["shop"] }))).toHaveLength(2);
  });

  test("without a cluster name (an external broker), the broker's only cluster is used", () => {
    const out = python(String.raw`
sync.admin = lambda method, path, body=None, accept=(200, 204): (200, ["pulsar-prod"])
print(json.dumps(sync.cluster_name()))
`, { adminUrl: "http://127.0.0.1:1" });
    expect(out).toBe("pulsar-prod");
  });
});
