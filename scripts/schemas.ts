// `npm run schemas`: writes lib/generated/validators.ts, one compiled check per options schema
// (lib/schemas), so that checking input costs no schema library at run time; and, from the same
// schemas, the JSON Schema of platform spec files and its compiled check (lib/blueprints/spec.ts).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderValidators } from "../lib/schemas/render";
import { renderSpecJsonSchema, renderSpecValidator, SPEC_SCHEMA_FILE, SPEC_VALIDATOR_FILE } from "../lib/blueprints/render";

// Run from source (ts-node): the generated checks must exist before the rest compiles.
const root = join(__dirname, "..");
for (const [file, text] of [
  ["lib/generated/validators.ts", renderValidators()],
  [SPEC_VALIDATOR_FILE, renderSpecValidator()],
  [SPEC_SCHEMA_FILE, renderSpecJsonSchema()],
]) {
  writeFileSync(join(root, file), text);
  console.log(`wrote ${join(root, file)}`);
}
