/**
 * The reconciler the broker's sync Job runs (python3 and its standard library ship in the Pulsar
 * image). Idempotent: it creates what is missing and updates what differs, through Pulsar's admin
 * REST API and the Kubernetes API. It never deletes tenants, namespaces, topics or Secrets.
 *
 * 1. Racks: maps every registered bookie to the zone of the node its pod runs on (read from the
 *    Kubernetes API with the Job's own ServiceAccount), so rack-aware placement spreads each
 *    ledger's copies across zones. The chart cannot do this. Bookies keep their zone for life
 *    because their volumes are zonal. This runs as soon as the brokers have started and before
 *    anything that needs a ledger (the health check included): with racks enforced, no ledger can
 *    be created before it, so waiting on one first would wait forever. It retries until every
 *    expected bookie is registered and placed.
 * 2. Tenants, namespaces (retention, offload policy) and topics declared in code.
 * 3. Permissions: the platform owns the permissions of the namespaces and topics it declares, so a
 *    grant removed from the code is revoked here.
 * 4. Service credentials: for every granted service, a token for its role (HS256 with the
 *    broker's signing key, subject = role, no expiry, as `pulsar tokens create` makes them) and,
 *    with TLS, the broker's CA, written as a Secret in the service's namespace (with a Kafka
 *    listener, also its SASL/PLAIN username and "token:<jwt>" password). The token is a
 *    pure function of key and role, so a re-run rewrites nothing unless the key changed.
 */
export const ADMIN_SYNC_SCRIPT = String.raw`#!/usr/bin/env python3
import base64, hashlib, hmac, json, os, ssl, sys, time, urllib.error, urllib.parse, urllib.request

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
            if not raw:
                return res.status, None
            # Some endpoints answer plain text ("ok" from /brokers/ready and /brokers/health).
            try:
                return res.status, json.loads(raw)
            except ValueError:
                return res.status, raw.decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        if e.code in accept:
            return e.code, None
        raise RuntimeError("%s %s -> %s %s" % (method, path, e.code, e.read()[:300]))


def admin(method, path, body=None, accept=(200, 204)):
    token = open(SPEC["tokenFile"]).read().strip()
    return request(SPEC["adminUrl"], method, path, body, token, SPEC.get("caFile"), accept)


def kube(path, method="GET", body=None, accept=(200, 201)):
    """Calls the Kubernetes API with the Job's token; returns (status, body)."""
    token = open(SA + "/token").read().strip()
    return request("https://kubernetes.default.svc", method, path, body, token, SA + "/ca.crt", accept)


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def mint_token(key, role):
    header = b64url(json.dumps({"alg": "HS256"}, separators=(",", ":")).encode())
    payload = b64url(json.dumps({"sub": role}, separators=(",", ":")).encode())
    signature = hmac.new(key, (header + "." + payload).encode(), hashlib.sha256).digest()
    return header + "." + payload + "." + b64url(signature)


def sync_permissions(path, want, revoke_accept=(204,)):
    have = admin("GET", path)[1] or {}
    for role, actions in sorted(want.items()):
        if sorted(have.get(role, [])) != sorted(actions):
            admin("POST", "%s/%s" % (path, urllib.parse.quote(role, safe="")), sorted(actions))
            log("granted %s on %s: %s" % (role, path, ",".join(actions)))
    for role in sorted(set(have) - set(want)):
        admin("DELETE", "%s/%s" % (path, urllib.parse.quote(role, safe="")), accept=revoke_accept)
        log("revoked %s on %s" % (role, path))


def sync_credentials():
    wanted = SPEC.get("credentials", [])
    if not wanted:
        return
    key = open(SPEC["signingKeyFile"], "rb").read()
    ca = open(SPEC["caFile"], "rb").read() if SPEC.get("caFile") else None
    for c in wanted:
        token = mint_token(key, c["role"])
        data = {"token": base64.b64encode(token.encode()).decode()}
        kafka = SPEC.get("kafkaKeys")
        if kafka:
            # KoP's SASL/PLAIN: any username (the role, for its logs), the token as "token:<jwt>".
            data[kafka["username"]] = base64.b64encode(c["role"].encode()).decode()
            data[kafka["password"]] = base64.b64encode(("token:" + token).encode()).decode()
        if ca is not None:
            data["ca.crt"] = base64.b64encode(ca).decode()
        path = "/api/v1/namespaces/%s/secrets/%s" % (c["namespace"], c["secret"])
        status, current = kube(path, accept=(200, 404))
        body = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "data": data,
                "metadata": {"name": c["secret"], "namespace": c["namespace"], "labels": SPEC.get("credentialLabels", {})}}
        if status == 404:
            kube("/api/v1/namespaces/%s/secrets" % c["namespace"], "POST", body)
            log("credentials of %s written to %s/%s" % (c["role"], c["namespace"], c["secret"]))
        elif (current or {}).get("data") != data:
            body["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
            kube(path, "PUT", body)
            log("credentials of %s updated in %s/%s" % (c["role"], c["namespace"], c["secret"]))


def wait_for(what, path, deadline):
    while True:
        try:
            admin("GET", path)
            return
        except Exception as e:
            if time.time() > deadline:
                raise RuntimeError("gave up waiting for %s: %s" % (what, e))
            log("waiting for %s: %s" % (what, e))
            time.sleep(SPEC.get("pollSeconds", 10))


def place_racks(racks):
    """Registers the zone of every bookie that has none yet; returns what is still missing."""
    pods = kube("/api/v1/namespaces/%s/pods?labelSelector=%s" % (racks["namespace"], urllib.parse.quote(racks["bookieSelector"])))[1]
    zones, zone_of_pod = {}, {}
    for pod in pods["items"]:
        node = pod["spec"].get("nodeName")
        if not node:
            continue
        if node not in zones:
            zones[node] = kube("/api/v1/nodes/" + node)[1]["metadata"].get("labels", {}).get(racks["zoneLabel"])
        zone_of_pod[pod["metadata"]["name"]] = zones[node]
    placed = (admin("GET", "/admin/v2/bookies/racks-info")[1] or {}).get("default", {})
    bookies = (admin("GET", "/admin/v2/bookies/all")[1] or {}).get("bookies", [])
    missing = []
    if len(bookies) < racks["bookies"]:
        missing.append("%d of %d bookies registered" % (len(bookies), racks["bookies"]))
    for bookie in bookies:
        bookie_id = bookie["bookieId"]
        host = bookie_id.rsplit(":", 1)[0]
        zone = zone_of_pod.get(host.split(".")[0])
        if not zone:
            missing.append("no zone for bookie %s (pod not scheduled or node unlabelled)" % bookie_id)
            continue
        if placed.get(bookie_id, {}).get("rack") == zone:
            continue
        # A metadata write: it needs no ledger, so it works while BookKeeper refuses every ensemble.
        admin("POST", "/admin/v2/bookies/racks-info/%s?group=default" % urllib.parse.quote(bookie_id, safe=""), {"rack": zone, "hostname": host})
        log("bookie %s -> rack %s" % (bookie_id, zone))
    return missing


def sync_racks(deadline):
    racks = SPEC.get("racks")
    if not racks:
        return
    while True:
        missing = place_racks(racks)
        if not missing:
            log("every bookie is in its zone's rack")
            return
        if time.time() > deadline:
            raise RuntimeError("racks incomplete: " + "; ".join(missing))
        log("racks incomplete, retrying: " + "; ".join(missing))
        time.sleep(SPEC.get("pollSeconds", 10))


def cluster_name():
    # The platform's own broker is named after the platform; an external one may not be.
    if SPEC.get("cluster"):
        return SPEC["cluster"]
    clusters = admin("GET", "/admin/v2/clusters")[1] or []
    if len(clusters) != 1:
        raise RuntimeError("the broker has clusters %s: name the one to use (ExternalBroker clusterName)" % clusters)
    return clusters[0]


def sync_tenant(t, declared_roles, cluster):
    """Creates the tenant, or adds the cluster (and declared admin roles) to an existing one, keeping what others set."""
    info = {"adminRoles": declared_roles, "allowedClusters": [cluster]}
    if admin("PUT", "/admin/v2/tenants/" + t, info, accept=(204, 409))[0] != 409:
        return
    have = admin("GET", "/admin/v2/tenants/" + t)[1] or {}
    want = {
        "adminRoles": declared_roles if declared_roles else have.get("adminRoles", []),
        "allowedClusters": sorted(set(have.get("allowedClusters", [])) | {cluster}),
    }
    if sorted(want["adminRoles"]) != sorted(have.get("adminRoles", [])) or want["allowedClusters"] != sorted(have.get("allowedClusters", [])):
        admin("POST", "/admin/v2/tenants/" + t, want)


def sync_resources():
    cluster = cluster_name()
    for tenant in SPEC.get("tenants", []):
        t = tenant["name"]
        sync_tenant(t, tenant.get("adminRoles", []), cluster)
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
                # Reads include namespace-level roles; revoking one of those at topic level answers 412.
                sync_permissions(tpath + "/permissions", topic.get("permissions", {}), revoke_accept=(204, 412))
            sync_permissions(path + "/permissions", ns.get("permissions", {}))
            log("namespace %s/%s in sync" % (t, ns["name"]))


def main():
    deadline = time.time() + int(os.environ.get("SYNC_TIMEOUT_SECONDS", "900"))
    # The order matters. With racks enforced, BookKeeper refuses every new ledger until bookies
    # sit in at least two racks, and the broker health check writes a topic (a new ledger). So:
    # wait only until the brokers have started (no ledger), register the racks (metadata only),
    # and only then wait for health and create topics.
    wait_for("the brokers to start", "/admin/v2/brokers/ready", deadline)
    sync_racks(deadline)
    wait_for("the brokers to write (health check)", "/admin/v2/brokers/health", deadline)
    sync_resources()
    sync_credentials()
    log("done")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:
        log("failed: %s" % e)
        sys.exit(1)
`;
