/**
 * The program of Consul's sync Job (appended to JOB_PRELUDE), run with the chart's bootstrap
 * token and CA once the servers have a leader. For every team: an ACL policy `team-<namespace>`
 * (read services, nodes and agents; write its own services' registrations and keys under
 * `<namespace>/`; read the shared prefix), a token of that policy whose ids are generated once and
 * kept in the team's Secret with the CA, so a re-run rewrites nothing. Then it writes every
 * declared entry whose value differs. It creates and updates; it never deletes.
 */
export const CONSUL_SYNC_PROGRAM = String.raw`
import uuid

BASE = SPEC["url"].rstrip("/")
CA = os.path.join(FILES, "ca.crt")


def consul(method, path, body=None, accept=(200,)):
    return http(BASE + path, method, body, headers={"X-Consul-Token": read_file("token")}, ca=CA, accept=accept)


def consul_json(method, path, body=None):
    _, text = consul(method, path, body)
    return json.loads(text) if text else None


def rules_for(team, shared):
    lines = [
        'service_prefix "" { policy = "read" }',
        'node_prefix "" { policy = "read" }',
        'agent_prefix "" { policy = "read" }',
        'key_prefix "%s/" { policy = "write" }' % team["namespace"],
        'key_prefix "%s/" { policy = "read" }' % shared,
    ]
    lines += ['service "%s" { policy = "write" }' % name for name in team["services"]]
    return "\n".join(lines) + "\n"


def ensure_policy(name, rules, description):
    for policy in consul_json("GET", "/v1/acl/policies") or []:
        if policy.get("Name") == name:
            current = consul_json("GET", "/v1/acl/policy/" + policy["ID"])
            if current.get("Rules") != rules:
                consul("PUT", "/v1/acl/policy/" + policy["ID"], {"Name": name, "Description": description, "Rules": rules})
                log("updated policy %s" % name)
            return policy["ID"]
    created = consul_json("PUT", "/v1/acl/policy", {"Name": name, "Description": description, "Rules": rules})
    log("created policy %s" % name)
    return created["ID"]


def ensure_token(accessor, secret, policy_id, description):
    body = {"Description": description, "Policies": [{"ID": policy_id}]}
    tokens = consul_json("GET", "/v1/acl/tokens") or []
    # A team's token whose Secret was lost is revoked: one live token per team.
    for token in tokens:
        if token.get("Description") == description and token.get("AccessorID") != accessor:
            consul("DELETE", "/v1/acl/token/" + token["AccessorID"])
            log("revoked an old token of %s" % description)
    for token in tokens:
        if token.get("AccessorID") == accessor:
            if [p.get("ID") for p in token.get("Policies") or []] != [policy_id] or token.get("Description") != description:
                consul("PUT", "/v1/acl/token/" + accessor, body)
                log("updated token %s" % description)
            return
    consul("PUT", "/v1/acl/token", dict(body, AccessorID=accessor, SecretID=secret))
    log("created token %s" % description)


def sync_team(team):
    namespace = team["namespace"]
    current = read_secret(namespace, team["secret"]) or {}
    accessor = current.get("accessor") or str(uuid.uuid4())
    secret = current.get("token") or str(uuid.uuid4())
    description = "%s team %s" % (SPEC["platform"], namespace)
    policy_id = ensure_policy("team-" + namespace, rules_for(team, SPEC["shared"]), description)
    ensure_token(accessor, secret, policy_id, description)
    ca = open(CA).read()
    write_secret(namespace, team["secret"], {"accessor": accessor, "token": secret, "ca.crt": ca}, SPEC["credentialLabels"])


def publish(entry):
    key = "/v1/kv/%s/%s/%s" % tuple(urllib.parse.quote(p, safe="") for p in (entry["namespace"], entry["group"], entry["dataId"]))
    status, text = consul("GET", key + "?raw", accept=(200, 404))
    if status == 200 and text == entry["content"]:
        return
    consul("PUT", key, entry["content"].encode())
    log("wrote %s/%s/%s" % (entry["namespace"], entry["group"], entry["dataId"]))


def leader():
    _, text = consul("GET", "/v1/status/leader")
    if text.strip() in ("", '""'):
        raise RuntimeError("no leader yet")


def main():
    retry("a Consul leader", leader)
    for team in SPEC["teams"]:
        sync_team(team)
    for entry in SPEC["configs"]:
        publish(entry)
    log("in sync: %d teams, %d entries" % (len(SPEC["teams"]), len(SPEC["configs"])))


if __name__ == "__main__":
    main()
`;
