/**
 * The programs of Nacos' two Jobs (appended to JOB_PRELUDE).
 *
 * NACOS_AUTH_PROGRAM (base layer, before the members start): generates the auth Secret once —
 * the JWT signing key (`token`: base64 of 48 random bytes; Nacos wants at least 32), the server
 * identity pair members present to each other, and the admin password. An existing Secret is
 * kept as it is, so re-running never rotates a key under a running cluster.
 *
 * NACOS_SYNC_PROGRAM (apps layer, once Nacos answers): sets the admin password on first start,
 * logs in, and for every team: its Nacos namespace (id = the team's Kubernetes namespace), a user
 * and a role of the same name with read-write on that namespace and read on the shared one, and
 * the user's credentials as a Secret in the team's namespace (the password is generated once and
 * kept in that Secret). Then it publishes every declared configuration entry whose content
 * differs. It creates and updates; it never deletes.
 */
export const NACOS_AUTH_PROGRAM = String.raw`

AUTH_KEYS = ["token", "identity-key", "identity-value", "admin-password"]


def generate():
    namespace, name = SPEC["namespace"], SPEC["secret"]
    current = read_secret(namespace, name)
    if current is not None:
        missing = [k for k in AUTH_KEYS if not current.get(k)]
        if missing:
            raise SystemExit("Secret %s/%s lacks %s: add the keys (on a fresh install only, deleting the Secret has it generated; Nacos keeps its admin password once set)" % (namespace, name, ", ".join(missing)))
        log("Secret %s/%s is in place" % (namespace, name))
        return
    values = {
        "token": base64.b64encode(secrets.token_bytes(48)).decode(),
        "identity-key": "platform-" + random_text(6),
        "identity-value": random_text(24),
        "admin-password": random_text(24),
    }
    write_secret(namespace, name, values, SPEC["labels"])


if __name__ == "__main__":
    generate()
`;

export const NACOS_SYNC_PROGRAM = String.raw`

BASE = SPEC["url"].rstrip("/")
ADMIN = "nacos"
TOKEN = None


def api(method, path, params=None, accept=(200,)):
    params = {k: v for k, v in (params or {}).items() if v is not None}
    if TOKEN:
        params["accessToken"] = TOKEN
    if method in ("GET", "DELETE"):
        return http(BASE + path + "?" + urllib.parse.urlencode(params), method, accept=accept)
    return http(BASE + path, method, form=params, accept=accept)


def api_json(method, path, params=None, accept=(200,)):
    status, text = api(method, path, params, accept)
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


def login():
    global TOKEN
    password = read_file("admin-password")
    # Nacos 2.4 and later start without an admin: the first call creates "nacos" with this password;
    # later calls answer HTTP 200 with {"code": 409} in the body.
    _, text = http(BASE + "/nacos/v1/auth/users/admin", "POST", form={"password": password})
    body = json.loads(text) if text.startswith("{") else {}
    initialized_before = body.get("code") == 409
    log("admin: %s" % ("already initialized" if initialized_before else "initialized"))
    status, text = http(BASE + "/nacos/v1/auth/login", "POST", form={"username": ADMIN, "password": password}, accept=(200, 403))
    if status == 403:
        # Not a starting server: the admin's password is not the one in the auth Secret. Retrying cannot help.
        raise SystemExit("the Nacos admin password differs from admin-password in the auth Secret (was the Secret replaced after the first install?): "
                         "put the original password back in the Secret, or set it in Nacos with PUT /nacos/v1/auth/users")
    TOKEN = json.loads(text)["accessToken"]


def ensure_namespace(namespace_id, description):
    _, body = api_json("GET", "/nacos/v1/console/namespaces")
    have = {n.get("namespace") for n in (body or {}).get("data", [])}
    if namespace_id in have:
        return
    # Answers true, or false (an id taken meanwhile, or refused): the list is the judge.
    api("POST", "/nacos/v1/console/namespaces", {"customNamespaceId": namespace_id, "namespaceName": namespace_id, "namespaceDesc": description})
    _, body = api_json("GET", "/nacos/v1/console/namespaces")
    if namespace_id not in {n.get("namespace") for n in (body or {}).get("data", [])}:
        raise RuntimeError("Nacos refused namespace %s" % namespace_id)
    log("created namespace %s" % namespace_id)


def ensure_user(username, password):
    if username == ADMIN:
        raise SystemExit("a team user may not be named %s" % ADMIN)
    status, text = api("POST", "/nacos/v1/auth/users", {"username": username, "password": password}, accept=(200, 400))
    if status == 200:
        log("created user %s" % username)
        return
    if "already exist" not in text:
        raise RuntimeError("creating user %s: %s" % (username, text[:300]))
    # The team's Secret is the source of truth: a user whose password drifted gets it back.
    api("PUT", "/nacos/v1/auth/users", {"username": username, "newPassword": password})


def ensure_role(role, username):
    status, text = api("POST", "/nacos/v1/auth/roles", {"role": role, "username": username}, accept=(200, 400))
    if status == 400 and "already bound" not in text:
        raise RuntimeError("binding role %s to %s: %s" % (role, username, text[:300]))
    if status == 200:
        log("bound role %s to %s" % (role, username))


def ensure_permission(role, resource, action):
    # Nacos does not check for duplicates before inserting (a duplicate fails on a unique key): ask first.
    _, body = api_json("GET", "/nacos/v1/auth/permissions", {"role": role, "resource": resource, "action": action})
    if isinstance(body, dict) and body.get("data") is True:
        return
    api("POST", "/nacos/v1/auth/permissions", {"role": role, "resource": resource, "action": action})
    log("granted %s %s on %s" % (role, action, resource))


def sync_team(team, shared):
    namespace = team["namespace"]
    ensure_namespace(namespace, "team namespace %s" % namespace)
    if not SPEC["auth"]:
        return
    current = read_secret(namespace, team["secret"]) or {}
    password = current.get("password") or random_text(24)
    ensure_user(namespace, password)
    ensure_role(namespace, namespace)
    ensure_permission(namespace, namespace + ":*:*", "rw")
    ensure_permission(namespace, shared + ":*:*", "r")
    write_secret(namespace, team["secret"], {"username": namespace, "password": password}, SPEC["credentialLabels"])


def publish(entry):
    params = {"dataId": entry["dataId"], "group": entry["group"], "tenant": entry["namespace"]}
    status, text = api("GET", "/nacos/v1/cs/configs", params, accept=(200, 404))
    if status == 200 and text == entry["content"]:
        return
    api("POST", "/nacos/v1/cs/configs", dict(params, content=entry["content"], type=entry["format"]))
    log("published %s/%s/%s" % (entry["namespace"], entry["group"], entry["dataId"]))


def main():
    retry("Nacos to be ready", lambda: http(BASE + "/nacos/v1/console/health/readiness"))
    if SPEC["auth"]:
        retry("the admin login", login)
    ensure_namespace(SPEC["shared"], "entries every team may read")
    for team in SPEC["teams"]:
        sync_team(team, SPEC["shared"])
    for entry in SPEC["configs"]:
        publish(entry)
    log("in sync: %d teams, %d entries" % (len(SPEC["teams"]), len(SPEC["configs"])))


if __name__ == "__main__":
    main()
`;
