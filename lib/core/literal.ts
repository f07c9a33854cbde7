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
