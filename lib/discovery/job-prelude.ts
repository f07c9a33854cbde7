/**
 * What every registry Job program starts with (Python 3 standard library): its spec, HTTP with
 * the answers it accepts, the Kubernetes API with the Job's own token, Secrets written only when
 * they differ, random text, and retries while a server starts.
 */
export const JOB_PRELUDE = String.raw`#!/usr/bin/env python3
import base64, json, os, secrets, ssl, sys, time, urllib.error, urllib.parse, urllib.request

SPEC = json.load(open(os.environ.get("JOB_SPEC", "/etc/registry-job/spec.json")))
# Overridable so the programs can be tested against fakes on loopback.
FILES = os.environ.get("JOB_FILES", "/var/run/registry")
SA = os.environ.get("JOB_SERVICE_ACCOUNT", "/var/run/secrets/kubernetes.io/serviceaccount")
KUBE = os.environ.get("JOB_KUBE_API", "https://kubernetes.default.svc")


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def read_file(name):
    with open(os.path.join(FILES, name)) as f:
        return f.read().strip()


def http(url, method="GET", body=None, form=None, headers=None, ca=None, accept=(200,)):
    """Returns (status, text); raises on a status outside accept."""
    hdrs = dict(headers or {})
    data = None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    ctx = ssl.create_default_context(cafile=ca) if url.startswith("https") else None
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=30) as res:
            return res.status, res.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        text = e.read().decode("utf-8", "replace")
        if e.code in accept:
            return e.code, text
        raise RuntimeError("%s %s -> %s %s" % (method, url.split("?")[0], e.code, text[:300]))


def kube(path, method="GET", body=None, accept=(200, 201)):
    token = open(SA + "/token").read().strip()
    return http(KUBE + path, method, body, headers={"Authorization": "Bearer " + token}, ca=SA + "/ca.crt", accept=accept)


def read_secret(namespace, name):
    """The Secret's data as text, or None when it does not exist."""
    status, text = kube("/api/v1/namespaces/%s/secrets/%s" % (namespace, name), accept=(200, 404))
    if status == 404:
        return None
    data = json.loads(text).get("data") or {}
    return {k: base64.b64decode(v).decode() for k, v in data.items()}


def write_secret(namespace, name, values, labels):
    """Makes the Secret hold exactly values; writes nothing when it already does."""
    body = {
        "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "data": {k: base64.b64encode(v.encode()).decode() for k, v in sorted(values.items())},
    }
    current = read_secret(namespace, name)
    if current is None:
        kube("/api/v1/namespaces/%s/secrets" % namespace, "POST", body)
        log("created Secret %s/%s" % (namespace, name))
    elif current != values:
        kube("/api/v1/namespaces/%s/secrets/%s" % (namespace, name), "PUT", body)
        log("updated Secret %s/%s" % (namespace, name))


def random_text(nbytes=24):
    """URL-safe random text from nbytes random bytes."""
    return base64.urlsafe_b64encode(secrets.token_bytes(nbytes)).rstrip(b"=").decode()


def retry(what, fn, attempts=None, delay=None):
    attempts = attempts or int(os.environ.get("JOB_ATTEMPTS", "90"))
    delay = float(os.environ.get("JOB_DELAY", "5")) if delay is None else delay
    for i in range(attempts):
        try:
            return fn()
        except Exception as e:  # a starting server refuses, times out or answers 5xx
            if i == attempts - 1:
                raise
            log("waiting for %s: %s" % (what, e))
            time.sleep(delay)
`;
