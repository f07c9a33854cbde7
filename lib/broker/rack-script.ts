/**
 * The rack resolver autorecovery runs (BookKeeper's `ScriptBasedMapping`): for every address it
 * is given (a bookie's pod IP, or its hostname when DNS has no record yet) it prints `/<zone>` of
 * the node the bookie pod runs on, read from the Kubernetes API with the autorecovery pod's own
 * ServiceAccount. Brokers and autorecovery thus read one truth, the node's zone label, so
 * re-replication after a bookie or zone loss spreads copies across zones like the brokers' writes.
 *
 * How BookKeeper uses it (checked in release-4.17.3): it runs the script once with no argument at
 * start-up (exit 0), then with batches of addresses; it caches answers for the life of the process
 * but never a failed run (non-zero exit), so a bookie whose zone cannot be read yet is asked again
 * later instead of being pinned to the default rack. Addresses that are not bookies (the
 * autorecovery pod itself) answer `/default-rack`.
 */
export function rackScript(opts: { namespace: string; bookieSelector: Record<string, string>; zoneLabel: string }): string {
  const selector = Object.entries(opts.bookieSelector).map(([k, v]) => `${k}=${v}`).join(",");
  return String.raw`#!/usr/bin/env python3
import json, ssl, sys, time, urllib.parse, urllib.request

NAMESPACE = ${JSON.stringify(opts.namespace)}
BOOKIE_SELECTOR = ${JSON.stringify(selector)}
ZONE_LABEL = ${JSON.stringify(opts.zoneLabel)}
SA = "/var/run/secrets/kubernetes.io/serviceaccount"


def kube_get(path):
    token = open(SA + "/token").read().strip()
    req = urllib.request.Request("https://kubernetes.default.svc" + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, context=ssl.create_default_context(cafile=SA + "/ca.crt"), timeout=5) as res:
        return json.loads(res.read())


def racks(names):
    pods = kube_get("/api/v1/namespaces/%s/pods?labelSelector=%s" % (NAMESPACE, urllib.parse.quote(BOOKIE_SELECTOR)))["items"]
    by_ip = {p.get("status", {}).get("podIP"): p for p in pods}
    by_name = {p["metadata"]["name"]: p for p in pods}
    zones, out = {}, []
    for name in names:
        pod = by_ip.get(name) or by_name.get(name.split(".")[0])
        if pod is None:
            out.append("/default-rack")  # not a bookie
            continue
        node = pod.get("spec", {}).get("nodeName")
        if node and node not in zones:
            zones[node] = kube_get("/api/v1/nodes/" + node)["metadata"].get("labels", {}).get(ZONE_LABEL)
        zone = zones.get(node)
        if not zone:
            raise RuntimeError("bookie %s has no zone yet (node %s)" % (name, node))
        out.append("/" + zone)
    return out


def main(names):
    if not names:
        return 0
    for attempt in range(3):
        try:
            print("\n".join(racks(names)))
            return 0
        except Exception as e:
            sys.stderr.write("rack lookup failed (%s), attempt %d\n" % (e, attempt + 1))
            time.sleep(1)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
`;
}
