#!/usr/bin/env node
// A throw-away Kubernetes control plane for integration tests: etcd +
// kube-apiserver + kube-controller-manager on free loopback ports, in a fresh
// temp directory, no nodes. Binaries come from scripts/tools.sh.
//
//   import { startCluster } from "./scripts/local-cluster.mjs";
//   const cluster = await startCluster({ toolsEnv: process.env });
//   ... KUBECONFIG=cluster.kubeconfigPath (context "local-test") ...
//   await cluster.stop();
//
//   node scripts/local-cluster.mjs start   # prints the kubeconfig path, runs until SIGINT/SIGTERM
//
// Pods are never scheduled (no nodes): use wait_for_rollout = false / Helm wait = false.
// Only node builtins and the `openssl` CLI are used.
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import https from "node:https";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const CONTEXT = "local-test";
const READY_TIMEOUT_MS = 60_000;

/** Default location of the env.sh written by scripts/tools.sh. */
export function defaultToolsDir() {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return process.env.MSP_TOOLS_DIR || path.join(cache, "cdktf-microservice-platform", "tools");
}

/** Parses the `export KEY="VALUE"` lines of tools.sh's env.sh. */
export function readToolsEnv(file = path.join(defaultToolsDir(), "env.sh")) {
  const env = {};
  if (!fs.existsSync(file)) return env;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^export (MSP_[A-Z_]+|TF_CLI_CONFIG_FILE)="([^"]*)"$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}

function resolveTools(toolsEnv) {
  const fromFile = readToolsEnv(
    toolsEnv?.MSP_TOOLS_DIR ? path.join(toolsEnv.MSP_TOOLS_DIR, "env.sh") : undefined,
  );
  const pick = (k) => toolsEnv?.[k] || process.env[k] || fromFile[k];
  const tools = {
    etcd: pick("MSP_ETCD"),
    apiserver: pick("MSP_KUBE_APISERVER"),
    controllerManager: pick("MSP_KUBE_CONTROLLER_MANAGER"),
  };
  for (const [name, bin] of Object.entries(tools)) {
    if (!bin || !fs.existsSync(bin)) {
      throw new Error(
        `local-cluster: ${name} binary not found (${bin || "unset"}); run scripts/tools.sh and pass its env.sh values as toolsEnv`,
      );
    }
  }
  return tools;
}

async function freePorts(n) {
  const servers = await Promise.all(
    Array.from({ length: n }, () =>
      new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => resolve(s));
      }),
    ),
  );
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function openssl(args, cwd) {
  try {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    throw new Error(`local-cluster: openssl ${args[0]} failed: ${err.stderr?.toString() || err.message}`);
  }
}

/** CA, apiserver serving cert, admin client cert (O=system:masters), service-account key. */
function makePki(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const ecKey = (name) => openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name], dir);
  ecKey("ca.key");
  openssl(["req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=local-test-ca", "-days", "30", "-out", "ca.crt",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir);
  const signed = (name, subj, ext) => {
    ecKey(`${name}.key`);
    openssl(["req", "-new", "-key", `${name}.key`, "-subj", subj, "-out", `${name}.csr`], dir);
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
      "-days", "30", "-extfile", `${name}.ext`, "-out", `${name}.crt`], dir);
  };
  signed("apiserver", "/CN=kube-apiserver",
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n" +
      "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1\n");
  signed("admin", "/O=system:masters/CN=local-test-admin",
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n");
  openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "sa.key"], dir);
  openssl(["pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
}

function kubeconfig(server, pki) {
  const b64 = (f) => fs.readFileSync(path.join(pki, f)).toString("base64");
  // JSON is valid YAML; kubectl, client-go and the providers all read it.
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: CONTEXT, cluster: { server, "certificate-authority-data": b64("ca.crt") } }],
    users: [{ name: CONTEXT, user: { "client-certificate-data": b64("admin.crt"), "client-key-data": b64("admin.key") } }],
    contexts: [{ name: CONTEXT, context: { cluster: CONTEXT, user: CONTEXT } }],
    "current-context": CONTEXT,
  }, null, 2) + "\n";
}

function tail(file, lines = 25) {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

function get(url, opts = {}) {
  return new Promise((resolve) => {
    const mod = url.startsWith("https:") ? https : http;
    const req = mod.get(url, { ...opts, timeout: 2000 }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (err) => resolve({ status: 0, body: err.message }));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Detached watchdog: if this node process dies without running stop() (SIGKILL,
 * a test runner killing its worker), it kills the control plane and removes
 * the temp dir. It exits by itself once the temp dir is gone.
 */
function startReaper(tmp, pidFile) {
  const code = `
    const fs = require("fs");
    const [parent, tmp, pidFile] = process.argv.slice(1);
    const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    setInterval(() => {
      if (!fs.existsSync(tmp)) process.exit(0);
      if (alive(Number(parent))) return;
      let pids = [];
      try { pids = fs.readFileSync(pidFile, "utf8").split(/\\s+/).filter(Boolean).map(Number); } catch {}
      for (const p of pids) { try { process.kill(p, "SIGKILL"); } catch {} }
      setTimeout(() => { try { fs.rmSync(tmp, { recursive: true, force: true }); } catch {} process.exit(0); }, 500);
    }, 1000);`;
  const child = spawn(process.execPath, ["-e", code, String(process.pid), tmp, pidFile], {
    detached: true,
    stdio: "ignore",
  });
  child.unref();
}

/**
 * Starts etcd, kube-apiserver and kube-controller-manager.
 * @param {{ toolsEnv?: Record<string,string|undefined>, keepTempDir?: boolean, log?: (msg: string) => void }} [options]
 *   toolsEnv: MSP_ETCD / MSP_KUBE_APISERVER / MSP_KUBE_CONTROLLER_MANAGER (falls back to
 *   process.env, then to env.sh in the tools cache).
 * @returns {Promise<{ kubeconfigPath: string, server: string, context: string, tempDir: string, stop: () => Promise<void> }>}
 */
export async function startCluster({ toolsEnv, keepTempDir = false, log = () => {} } = {}) {
  const tools = resolveTools(toolsEnv);
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "msp-cluster-"));
  const pki = path.join(tmp, "pki");
  const logs = path.join(tmp, "logs");
  fs.mkdirSync(logs);
  const pidFile = path.join(tmp, "pids");
  const procs = [];
  let stopped = false;

  const killAllSync = () => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) { try { p.kill("SIGKILL"); } catch {} }
    if (!keepTempDir) { try { fs.rmSync(tmp, { recursive: true, force: true }); } catch {} }
  };
  const onExit = () => killAllSync();
  process.on("exit", onExit);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", onExit);
    // reverse start order: controller-manager, apiserver, etcd
    for (const p of [...procs].reverse()) {
      if (p.exitCode !== null || p.signalCode !== null) continue;
      const exited = new Promise((r) => p.once("exit", r));
      p.kill("SIGTERM");
      const timer = setTimeout(() => p.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (!keepTempDir) await fsp.rm(tmp, { recursive: true, force: true });
  };

  const run = (name, bin, args) => {
    const out = fs.openSync(path.join(logs, `${name}.log`), "a");
    const p = spawn(bin, args, { cwd: tmp, stdio: ["ignore", out, out], detached: true });
    fs.closeSync(out);
    p.name = name;
    p.logFile = path.join(logs, `${name}.log`);
    p.on("error", () => {});
    procs.push(p);
    fs.appendFileSync(pidFile, `${p.pid}\n`);
    log(`started ${name} (pid ${p.pid})`);
    return p;
  };

  const fail = async (msg, proc) => {
    const detail = proc ? `\n--- last lines of ${proc.name} log (${proc.logFile}) ---\n${tail(proc.logFile)}` : "";
    const err = new Error(`local-cluster: ${msg}${detail}`);
    await stop().catch(() => {});
    throw err;
  };

  // wait until check() is truthy; fail early if proc died
  const waitFor = async (what, proc, check, timeoutMs = READY_TIMEOUT_MS) => {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        await fail(`${proc.name} exited (${proc.exitCode ?? proc.signalCode}) while waiting for ${what}`, proc);
      }
      const r = await check();
      if (r.ok) return;
      last = r.detail;
      await sleep(250);
    }
    await fail(`timed out after ${timeoutMs / 1000} s waiting for ${what} (last: ${last})`, proc);
  };

  try {
    startReaper(tmp, pidFile);
    makePki(pki);
    const [etcdPort, etcdPeerPort, apiPort, kcmPort] = await freePorts(4);
    const server = `https://127.0.0.1:${apiPort}`;
    const kubeconfigPath = path.join(tmp, "kubeconfig");
    fs.writeFileSync(kubeconfigPath, kubeconfig(server, pki), { mode: 0o600 });

    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const etcd = run("etcd", tools.etcd, [
      "--name=default",
      `--data-dir=${path.join(tmp, "etcd")}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeerPort}`,
      "--unsafe-no-fsync", // test data only
      "--log-level=warn",
    ]);
    await waitFor("etcd /health", etcd, async () => {
      const r = await get(`${etcdUrl}/health`);
      return { ok: r.status === 200 && r.body.includes('"true"'), detail: `${r.status} ${r.body}` };
    });

    const p = (f) => path.join(pki, f);
    const apiserver = run("kube-apiserver", tools.apiserver, [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      // the endpoint reconciler refuses a loopback advertise address ("may not be
      // in the loopback range"); nothing here needs the `kubernetes` Service endpoints
      "--endpoint-reconciler-type=none",
      `--secure-port=${apiPort}`,
      `--cert-dir=${path.join(tmp, "apiserver-certs")}`,
      `--tls-cert-file=${p("apiserver.crt")}`,
      `--tls-private-key-file=${p("apiserver.key")}`,
      `--client-ca-file=${p("ca.crt")}`,
      "--authorization-mode=RBAC",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${p("sa.pub")}`,
      `--service-account-signing-key-file=${p("sa.key")}`,
      "--service-cluster-ip-range=10.0.0.0/24",
      "--profiling=false",
      "--v=1",
    ]);
    const tlsOpts = { ca: fs.readFileSync(p("ca.crt")), cert: fs.readFileSync(p("admin.crt")), key: fs.readFileSync(p("admin.key")) };
    await waitFor("kube-apiserver /readyz", apiserver, async () => {
      const r = await get(`${server}/readyz`, tlsOpts);
      return { ok: r.status === 200 && r.body.trim() === "ok", detail: `${r.status} ${r.body.split("\n").filter((l) => l.includes("[-]")).join("; ") || r.body.slice(0, 200)}` };
    });

    const kcm = run("kube-controller-manager", tools.controllerManager, [
      `--kubeconfig=${kubeconfigPath}`,
      `--authentication-kubeconfig=${kubeconfigPath}`,
      `--authorization-kubeconfig=${kubeconfigPath}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${kcmPort}`,
      `--cert-dir=${path.join(tmp, "kcm-certs")}`,
      `--service-account-private-key-file=${p("sa.key")}`,
      `--root-ca-file=${p("ca.crt")}`,
      "--service-cluster-ip-range=10.0.0.0/24",
      "--leader-elect=false",
      "--controllers=*", // includes namespace (deletion), serviceaccount, serviceaccount-token
      "--profiling=false",
      "--v=1",
    ]);
    await waitFor("kube-controller-manager /healthz", kcm, async () => {
      const r = await get(`https://127.0.0.1:${kcmPort}/healthz`, { rejectUnauthorized: false });
      return { ok: r.status === 200, detail: `${r.status} ${r.body.slice(0, 200)}` };
    });
    // the serviceaccount controller creates "default" in every namespace: a sign that controllers run
    await waitFor("default service account in namespace default", kcm, async () => {
      const r = await get(`${server}/api/v1/namespaces/default/serviceaccounts/default`, tlsOpts);
      return { ok: r.status === 200, detail: `${r.status}` };
    });

    log(`cluster ready at ${server}`);
    return { kubeconfigPath, server, context: CONTEXT, tempDir: tmp, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

async function main(argv) {
  const cmd = argv[0];
  if (cmd !== "start") {
    process.stderr.write("usage: node scripts/local-cluster.mjs start\n" +
      "  starts etcd + kube-apiserver + kube-controller-manager, prints the kubeconfig path,\n" +
      "  runs until SIGINT/SIGTERM. Tools: MSP_* variables or scripts/tools.sh's env.sh.\n");
    process.exit(cmd ? 2 : 0);
  }
  const t0 = Date.now();
  let cluster;
  try {
    cluster = await startCluster({ toolsEnv: process.env, log: (m) => process.stderr.write(`local-cluster: ${m}\n`) });
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`local-cluster: ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; context ${cluster.context}; Ctrl-C to stop\n`);
  process.stdout.write(`${cluster.kubeconfigPath}\n`);
  let stopping = false;
  const shutdown = async (sig) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`local-cluster: ${sig}, stopping\n`);
    await cluster.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  process.on("SIGHUP", shutdown);
  setInterval(() => {}, 1 << 30); // stay alive
}

const invoked = process.argv[1] && fs.existsSync(process.argv[1]) &&
  pathToFileURL(fs.realpathSync(process.argv[1])).href === pathToFileURL(fs.realpathSync(fileURLToPath(import.meta.url))).href;
if (invoked) await main(process.argv.slice(2));
