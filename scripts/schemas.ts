// `npm run schemas`: writes lib/generated/validators.ts, one compiled check per options schema
// (lib/schemas), so that checking input costs no schema library at run time.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderValidators } from "../lib/schemas/render";

// Run from source (ts-node): the generated checks must exist before the rest compiles.
const target = join(__dirname, "..", "lib", "generated", "validators.ts");
writeFileSync(target, renderValidators());
console.log(`wrote ${target}`);
