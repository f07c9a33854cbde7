import { TProperties, TSchema, Type } from "@sinclair/typebox";

/**
 * Building blocks of the options schemas. Every object rejects keys it does not list, at every
 * level, and every leaf carries an example that error messages offer as the fix.
 */

/** An options object: the listed keys only. */
export function options<T extends TProperties>(properties: T, description?: string) {
  return Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
}

export const optional = Type.Optional;

/** A whole number in [min, max]. */
export function whole(min: number, max: number, example: number) {
  return Type.Integer({ minimum: min, maximum: max, examples: [example] });
}

/** A string matching `pattern` (and at most `maxLength`); `description` says the form in words, for messages. */
export function text(pattern: string, example: string, maxLength = 253, description?: string) {
  return Type.String({ pattern, maxLength, minLength: 1, examples: [example], ...(description ? { description } : {}) });
}

export const bool = (example = true) => Type.Boolean({ examples: [example] });

/** A DNS-1123 label: names of namespaces, services, Kubernetes objects. */
export const dnsLabel = (example: string) => text("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", example, 63, "a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit)");
/** A DNS-1123 subdomain: Secret names, hosts. */
export const dnsSubdomain = (example: string) => text("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", example, 253, "a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')");
/** A Kubernetes quantity ("500m", "2", "32Gi"). */
export const quantity = (example: string) => text("^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$", example, 32, 'a Kubernetes quantity (a string such as "16" or "500m" for CPU, "32Gi" for memory)');
/** Any non-empty string (checked further by the construct). */
export const str = (example: string, maxLength = 4096) => Type.String({ minLength: 1, maxLength, examples: [example] });
/** A list of `item`. */
export const list = <T extends TSchema>(item: T, example: unknown[], maxItems = 1000) => Type.Array(item, { maxItems, examples: [example] });
/** A map of strings to strings. */
export const stringMap = (example: Record<string, string>) => Type.Record(Type.String(), Type.String({ maxLength: 65536 }), { examples: [example] });
/** A reference to a key of an existing Secret. */
export const secretRef = () =>
  Type.Object(
    { secretName: dnsSubdomain("orders-db"), key: text("^[-._a-zA-Z0-9]+$", "password", 253, "a Secret key (letters, digits, '-', '_', '.')") },
    { additionalProperties: false, description: "a Secret reference { secretName, key }, never the secret itself", examples: [{ secretName: "orders-db", key: "password" }] },
  );
/** A value made by a factory or constructor of the library (a Target, a Protocol): the construct checks its class. */
export const instance = (what: string, example: string) => Type.Unknown({ description: what, examples: [example] });
/** Helm values: any object (checked for plain data by the chart construct). */
export const helmValues = () => Type.Record(Type.String(), Type.Unknown(), { examples: [{ replicaCount: 2 }] });
