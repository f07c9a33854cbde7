import { IResolvable, IResolveContext, Tokenization } from "cdktf";
/**
 * Terraform evaluates `${...}` and `%{...}` inside every string of its JSON, so text the
 * platform means literally (a user's env value or annotation, Jaeger's `${env:VAR}` in Helm
 * values) is written with `$${` and `%%{`, which Terraform turns back into `${` and `%{`.
 * cdktf's own token markers (`${TfToken[...]}`) are left for cdktf to resolve.
 */
export function escapeTemplates(text: string): string {
  // Function replacements: in a replacement string "$$" would itself mean "$".
  return text.replace(/\$\{(?!TfToken\[)/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/**
 * `escapeTemplates` on every string of a plain value (objects, lists), for text written into a
 * resource's arguments. A token that resolves later (a `Lazy`) is wrapped so that what it
 * produces is escaped too; numbers, booleans and cdktf's own token strings pass unchanged.
 */
export function escapeDeep<T>(value: T): T {
  return escapeValue(value) as T;
}

function escapeValue(value: unknown): unknown {
  if (typeof value === "string") return escapeTemplates(value);
  if (Array.isArray(value)) return value.map(escapeValue);
  if (value === null || typeof value !== "object") return value;
  if (Tokenization.isResolvable(value)) {
    const inner = value;
    return { creationStack: [], resolve: (context: IResolveContext) => escapeValue(inner.resolve(context)), toString: () => inner.toString() } satisfies IResolvable;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeValue(v)]));
}
