import { Token } from "cdktf";
import { check, ErrorSite } from "./errors";
import { checkScannable } from "./literal";

/** The value of `app.kubernetes.io/managed-by` on everything the platform creates. */
export const MANAGED_BY = "cdktf-microservice-platform";

/** Label prefix for the platform's own labels. */
export const LABEL_PREFIX = "platform.cdktf.io";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks a name that becomes a Kubernetes object name, namespace or label value (RFC 1123 label:
 * lowercase alphanumerics and '-', starting and ending alphanumeric, at most `maxLength`).
 * Names that are later suffixed (`<name>-base`) pass a smaller `maxLength`. A token (a value known
 * only at apply time, e.g. another resource's name) is accepted: the API server checks it then.
 */
export function checkDnsLabel(site: ErrorSite, what: string, value: string, maxLength = 63): void {
  if (typeof value === "string" && Token.isUnresolved(value)) return;
  check(
    typeof value === "string" && value.length > 0 && value.length <= maxLength && DNS1123_LABEL.test(value),
    site,
    `${what} must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters)`,
    value,
    `Use a name such as "${suggestDnsLabel(value, maxLength)}".`,
  );
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Whether `value` is a DNS-1123 subdomain (Secret and other object names: labels joined by '.'), at most `maxLength`. */
export function isDnsSubdomain(value: unknown, maxLength = 253): value is string {
  return typeof value === "string" && value.length <= maxLength && DNS1123_SUBDOMAIN.test(value);
}

/** A DNS-1123 label derived from any string, used to make the error message actionable. */
export function suggestDnsLabel(value: unknown, maxLength = 63): string {
  const cleaned = String(value ?? "")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, maxLength)
    .replace(/-+$/, "");
  return cleaned || "my-name";
}

/** The recommended labels (app.kubernetes.io/*) for one component of one platform. */
export function standardLabels(opts: { name: string; instance: string; component?: string; partOf: string; version?: string }): Record<string, string> {
  const labels: Record<string, string> = {
    "app.kubernetes.io/name": opts.name,
    "app.kubernetes.io/instance": opts.instance,
    "app.kubernetes.io/part-of": opts.partOf,
    "app.kubernetes.io/managed-by": MANAGED_BY,
  };
  if (opts.component) labels["app.kubernetes.io/component"] = opts.component;
  if (opts.version) labels["app.kubernetes.io/version"] = opts.version.slice(0, 63);
  return labels;
}

/** The subset of labels that selects a workload's pods: stable across upgrades (no version). */
export function selectorLabels(opts: { name: string; instance: string }): Record<string, string> {
  return { "app.kubernetes.io/name": opts.name, "app.kubernetes.io/instance": opts.instance };
}

/** Checks a name that also names constructs and stacks: a DNS label known at synth time (no token). */
export function checkConstructName(site: ErrorSite, what: string, value: string, maxLength = 63): void {
  check(
    !(typeof value === "string" && Token.isUnresolved(value)),
    site,
    `${what} must be known at synth time: it names constructs and stacks`,
    value,
    "Use a literal name; tokens are only accepted where the value reaches a resource's attributes.",
  );
  checkDnsLabel(site, what, value, maxLength);
  // The constructs library keeps children in a plain object: "constructor" would collide with it.
  check(!(value in Object.prototype), site, `${what} "${value}" cannot name a construct: it is a property of every JavaScript object`, value, `Use another name, e.g. "${value}-svc".`);
}

const QUALIFIED_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;

/** Whether `key` is a Kubernetes label or annotation key: `[prefix/]name`, the prefix a DNS subdomain. */
export function isMetadataKey(key: unknown): key is string {
  if (typeof key !== "string") return false;
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return (prefix === undefined || (prefix.length > 0 && isDnsSubdomain(prefix))) && QUALIFIED_NAME.test(name);
}

/**
 * Checks annotations (or labels, with `labels: true`) given by a user: a plain object of valid
 * keys to string values (label values: at most 63 characters of the allowed set).
 */
export function checkMetadataMap(site: ErrorSite, what: string, map: unknown, options: { labels?: boolean } = {}): Record<string, string> {
  if (map === undefined) return {};
  check(!!map && typeof map === "object" && !Array.isArray(map) && Object.getPrototypeOf(map) === Object.prototype, site, `${what} must be a map of keys to strings`, map, `Use e.g. ${what}: { "example.com/owner": "shop" }.`);
  for (const [key, value] of Object.entries(map as object)) {
    check(isMetadataKey(key), site, `${what} key "${key}" is not a Kubernetes ${options.labels ? "label" : "annotation"} key ([prefix/]name: letters, digits, '-', '_', '.')`, key, 'Use e.g. "example.com/owner".');
    check(typeof value === "string", site, `${what}["${key}"] must be a string`, value, 'Quote it, e.g. "true".');
    if (options.labels) check(value === "" || QUALIFIED_NAME.test(value), site, `${what}["${key}"] is not a label value (at most 63 letters, digits, '-', '_', '.')`, value, 'Use e.g. "shop".');
  }
  checkScannable(site, what, map);
  return map as Record<string, string>;
}
