import type { SecretKeyRef } from "./bindings";
import { check, ErrorSite, PlatformConfigError } from "./errors";
import { isDnsSubdomain } from "./names";

/** Key names that hold credentials (password, secret, token, private or API keys, credentials). */
const SECRET_KEY = /(pass(word|wd|phrase)?$|pwd$|secret|token|credential|private[-_.]?key|api[-_.]?key|access[-_.]?key|auth[-_.]?key|signing[-_.]?key)/i;
/** Key names that only name or point at a secret (a Secret's name, a reference, an id, a file). */
const SECRET_POINTER = /(name|ref|id|file|path|ttl|seconds|length|enabled|type|url|uri|header)$/i;
/** Values that are credentials whatever their key: PEM private keys, JWTs, AWS access key ids. */
const SECRET_VALUES: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a PEM private key"],
  [/\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/, "a JSON Web Token"],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i, "a URL with a password"],
];
/** A value that only points at a secret (a placeholder the app resolves), not a secret itself. */
const REFERENCE = /^\s*(\$\{[^}]*\}|\$\([^)]*\)|<[^>]*>|)\s*$/;

/**
 * Where a literal credential appears in configuration content, or undefined: a key that names a
 * credential with a non-placeholder value, or a value shaped like a private key, a JWT or a cloud
 * access key. Text is read as `key=value` / `key: value` lines (properties, YAML, .env).
 */
export function findLiteralSecret(content: unknown, path = ""): string | undefined {
  if (typeof content === "string") {
    for (const [pattern, what] of SECRET_VALUES) if (pattern.test(content)) return `${path || "content"} (${what})`;
    if (path) return undefined;
    // JSON text is read as what it is.
    if (/^\s*[[{]/.test(content)) {
      try {
        return findLiteralSecret(JSON.parse(content), "json");
      } catch {
        // not JSON: read as lines below
      }
    }
    // "key": "value", key: value, key=value, key value (properties), <key>value</key>, anywhere in the text.
    const pairs = [
      /["']?([\w.-]+)["']?[ \t]*[:=][ \t]*["']?(\$\{[^}]*\}|[^"'\s,}]*)/g,
      /^\s*([\w.-]+)\s+(\S+)\s*$/gm,
      /<([\w.-]+)>([^<]*)<\/\1>/g,
    ];
    for (const pattern of pairs) {
      for (const m of content.matchAll(pattern)) {
        if (isSecretKey(m[1]) && !REFERENCE.test(m[2])) return `"${m[1]}"`;
      }
    }
    return undefined;
  }
  if (Array.isArray(content)) {
    for (let i = 0; i < content.length; i++) {
      const found = findLiteralSecret(content[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (content && typeof content === "object") {
    for (const [key, value] of Object.entries(content)) {
      const at = path ? `${path}.${key}` : key;
      if (isSecretKey(key) && (typeof value === "number" || (typeof value === "string" && !REFERENCE.test(value)))) return at;
      const found = findLiteralSecret(value, at);
      if (found) return found;
    }
  }
  return undefined;
}

/** Whether a key names a credential (and not just the name of or a pointer to one). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !SECRET_POINTER.test(key);
}

/**
 * Checks a reference to a key of an existing Secret and returns a clean copy. A string given
 * instead is taken for a literal credential and refused without echoing it.
 */
export function checkSecretRef(site: ErrorSite, what: string, ref: unknown, example = '{ secretName: "db", key: "password" }'): SecretKeyRef {
  if (typeof ref === "string") {
    throw new PlatformConfigError(site, `${what} must be a Secret reference, never a literal`, "<redacted>", `Put the value in a Kubernetes Secret and pass ${example}.`);
  }
  const r = ref as Partial<SecretKeyRef> | undefined;
  check(
    !!r && typeof r === "object" && isDnsSubdomain(r.secretName) && typeof r.key === "string" && /^[-._a-zA-Z0-9]+$/.test(r.key),
    site,
    `${what} must be a Secret reference { secretName, key } (a Secret name and one of its keys)`,
    ref,
    `Pass ${example}.`,
  );
  return { secretName: r!.secretName!, key: r!.key! };
}
