/**
 * The reconciler the broker's sync Job and CronJob run (python3 and its standard library ship in
 * the Pulsar image). Idempotent: it creates what is missing and updates what differs, through
 * Pulsar's admin REST API, and never deletes.
 *
 * 1. Racks: maps every registered bookie to the zone of the node its pod runs on (read from the
 *    Kubernetes API with the Job's own ServiceAccount), so rack-aware placement spreads each
 *    ledger's copies across zones. The chart cannot do this. Bookies keep their zone for life
 *    because their volumes are zonal.
 * 2. Tenants, namespaces (retention, offload policy) and topics declared in code.
 */
export const ADMIN_SYNC_SCRIPT = String.raw`#!/usr/bin/env python3
import json, os, ssl, sys, time, urllib.error, urllib.parse, urllib.request

SPEC = json.load(open(os.environ.get("SYNC_SPEC", "/etc/pulsar-sync/spec.json")))
SA = "/var/run/secrets/kubernetes.io/serviceaccount"


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def request(base, method, path, body=None, token=None, ca=None, accept=(200, 204)):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    ctx = ssl.create_default_context(cafile=ca) if base.startswith("https") else None
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=30) as res:
            raw = res.read()
            return res.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        if e.code in accept:
            return e.code, None
        raise RuntimeError("%s %s -> %s %s" % (method, path, e.code, e.read()[:300]))


def admin(method, path, body=None, accept=(200, 204)):
    token = open(SPEC["tokenFile"]).read().strip()
    return request(SPEC["adminUrl"], method, path, body, token, SPEC.get("caFile"), accept)


def kube(path):
    token = open(SA + "/token").read().strip()
    return request("https://kubernetes.default.svc", "GET", path, None, token, SA + "/ca.crt")[1]


def wait_for_broker(deadline):
    while True:
        try:
            admin("GET", "/admin/v2/brokers/health")
            return
        except Exception as e:
            if time.time() > deadline:
                raise
            log("waiting for the broker: %s" % e)
            time.sleep(10)


def sync_racks():
    racks = SPEC.get("racks")
    if not racks:
        return
    pods = kube("/api/v1/namespaces/%s/pods?labelSelector=%s" % (racks["namespace"], urllib.parse.quote(racks["bookieSelector"])))
    zones, zone_of_pod = {}, {}
    for pod in pods["items"]:
        node = pod["spec"].get("nodeName")
        if not node:
            continue
        if node not in zones:
            zones[node] = kube("/api/v1/nodes/" + node)["metadata"].get("labels", {}).get(racks["zoneLabel"])
        zone_of_pod[pod["metadata"]["name"]] = zones[node]
    current = admin("GET", "/admin/v2/bookies/racks-info")[1] or {}
    placed = current.get("default", {})
    for bookie in (admin("GET", "/admin/v2/bookies/all")[1] or {}).get("bookies", []):
        bookie_id = bookie["bookieId"]
        host = bookie_id.rsplit(":", 1)[0]
        zone = zone_of_pod.get(host.split(".")[0])
        if not zone:
            log("no zone known for bookie %s (pod not scheduled or node unlabelled)" % bookie_id)
            continue
        if placed.get(bookie_id, {}).get("rack") == zone:
            continue
        admin("POST", "/admin/v2/bookies/racks-info/%s?group=default" % urllib.parse.quote(bookie_id, safe=""), {"rack": zone, "hostname": host})
        log("bookie %s -> rack %s" % (bookie_id, zone))


def sync_resources():
    cluster = SPEC["cluster"]
    for tenant in SPEC.get("tenants", []):
        t = tenant["name"]
        info = {"adminRoles": tenant.get("adminRoles", []), "allowedClusters": [cluster]}
        if admin("PUT", "/admin/v2/tenants/" + t, info, accept=(204, 409))[0] == 409:
            admin("POST", "/admin/v2/tenants/" + t, info)
        for ns in tenant.get("namespaces", []):
            path = "/admin/v2/namespaces/%s/%s" % (t, ns["name"])
            admin("PUT", path, {}, accept=(204, 409))
            if "retention" in ns:
                admin("POST", path + "/retention", ns["retention"])
            if "offloadThresholdBytes" in ns:
                admin("PUT", path + "/offloadThreshold", ns["offloadThresholdBytes"])
            if "offloadDeletionLagMs" in ns:
                admin("PUT", path + "/offloadDeletionLagMs", ns["offloadDeletionLagMs"])
            for topic in ns.get("topics", []):
                tpath = "/admin/v2/persistent/%s/%s/%s" % (t, ns["name"], topic["name"])
                want = topic.get("partitions", 0)
                if want > 0:
                    if admin("PUT", tpath + "/partitions", want, accept=(204, 409))[0] == 409:
                        have = (admin("GET", tpath + "/partitions")[1] or {}).get("partitions", 0)
                        if have < want:
                            admin("POST", tpath + "/partitions", want)
                else:
                    admin("PUT", tpath, None, accept=(204, 409))
            log("namespace %s/%s in sync" % (t, ns["name"]))


def main():
    wait_for_broker(time.time() + int(os.environ.get("SYNC_TIMEOUT_SECONDS", "900")))
    sync_racks()
    sync_resources()
    log("done")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:
        log("failed: %s" % e)
        sys.exit(1)
`;
