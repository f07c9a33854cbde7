import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConstructOrder, IConstruct, MetadataEntry } from "constructs";
import { AnnotationMetadataEntryType, App, ISynthesisSession, IStackSynthesizer, Manifest, TerraformStack } from "cdktf";
// Not exported from cdktf's root; the peer dependency pins cdktf to 0.21.
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { ValidateTerraformVersion } from "cdktf/lib/validations/validate-terraform-version";
import { fastResolution } from "./resolve";

/** Where cdktf keeps a construct's custom synthesis (`addCustomSynthesis`). */
const CUSTOM_SYNTHESIS = Symbol.for("cdktf/customSynthesis");
const ANNOTATION_TYPES: string[] = [AnnotationMetadataEntryType.INFO, AnnotationMetadataEntryType.WARN, AnnotationMetadataEntryType.ERROR];

/**
 * Writes a platform stack as cdktf's `StackSynthesizer` does (aspects, validations, custom
 * synthesis, annotations into the manifest, the same error on error annotations), but serializes
 * the stack's JSON with `stableJson` instead of the `json-stable-stringify` package: the same
 * bytes in a third of the time (~25 ms per synthesis of the default blueprints).
 *
 * HCL output and cdktf's own resolution (the differential tests) go to cdktf's synthesizer:
 * `test/resolve.test.ts` compares the two on every blueprint and example.
 */
export class PlatformStackSynthesizer implements IStackSynthesizer {
  private readonly continueOnErrorAnnotations = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
  private readonly hclOutput = process.env.SYNTH_HCL_OUTPUT === "true" || process.env.SYNTH_HCL_OUTPUT === "1";

  constructor(
    private readonly stack: TerraformStack,
    private readonly cdktfSynthesizer: IStackSynthesizer,
  ) {}

  public synthesize(session: ISynthesisSession): void {
    const stack = this.stack;
    if (this.hclOutput || !fastResolution()) return this.cdktfSynthesizer.synthesize(session);
    invokeAspects(stack);
    // Moved resources need Terraform 1.5.
    if (stack.hasResourceMove()) {
      stack.node.addValidation(new ValidateTerraformVersion(">=1.5", "Resource move functionality is only supported for Terraform >=1.5. Please upgrade your Terraform version."));
    }
    if (!session.skipValidation) stack.runAllValidations();
    const stackManifest = session.manifest.forStack(stack);
    const workingDirectory = join(session.outdir, stackManifest.workingDirectory);
    if (!existsSync(workingDirectory)) mkdirSync(workingDirectory);
    for (const node of stack.node.findAll(ConstructOrder.POSTORDER)) {
      (node as { [CUSTOM_SYNTHESIS]?: { onSynthesize(session: ISynthesisSession): void } })[CUSTOM_SYNTHESIS]?.onSynthesize(session);
    }
    const annotations = stack.node.findAll().flatMap((node: IConstruct) =>
      node.node.metadata
        .filter((entry: MetadataEntry) => ANNOTATION_TYPES.includes(entry.type))
        .map((entry: MetadataEntry) => ({ constructPath: node.node.path, level: entry.type as AnnotationMetadataEntryType, message: entry.data, stacktrace: entry.trace })),
    );
    (stackManifest as { annotations: unknown }).annotations = annotations;
    const errors = annotations.filter((a) => a.level === AnnotationMetadataEntryType.ERROR);
    if (!this.continueOnErrorAnnotations && errors.length > 0) {
      throw new Error(
        `Encountered Annotations with level "ERROR":\n${errors.map((a) => `[${a.constructPath}] ${a.message}`).join("\n")}\n\nEither fix the issues above, or set the environment variable CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS to ignore these annotations.\n`,
      );
    }
    writeFileSync(join(session.outdir, stackManifest.synthesizedStackPath), stableJson(stack.toTerraform()) ?? "");
  }
}

const stableManifests = new WeakSet<Manifest>();

/**
 * Has the app write its `manifest.json` with `stableJson` too (the same bytes): cdktf's manifest is
 * the last user of `json-stable-stringify`, whose loading (with its ~30 helper modules, ~14 ms)
 * core/startup then defers for good. Once per app; cdktf's own resolution (the differential
 * tests) keeps cdktf's writer.
 */
export function writeManifestStably(app: App): void {
  const manifest = app.manifest;
  if (stableManifests.has(manifest)) return;
  stableManifests.add(manifest);
  const cdktfWrite = manifest.writeToFile.bind(manifest);
  manifest.writeToFile = () => {
    if (!fastResolution()) return cdktfWrite();
    writeFileSync(join(manifest.outdir, Manifest.fileName), stableJson(manifest.buildManifest()) ?? "");
  };
}

/**
 * JSON with sorted keys and two-space indentation, byte for byte what cdktf writes with
 * `json-stable-stringify` (`{ space: 2 }`): `toJSON()` is honoured, `undefined` members are left
 * out and `undefined` list items written as null, and an empty object or list keeps its line
 * break (`{\n  }`); a value with no JSON form (undefined, a function) gives undefined, as with
 * `JSON.stringify`. `test/stack-synthesizer.test.ts` compares the two on generated values.
 */
export function stableJson(value: unknown): string | undefined {
  return write(value, "", new Set());
}

function write(value: unknown, indent: string, open: Set<object>): string | undefined {
  if (value && typeof (value as { toJSON?: unknown }).toJSON === "function") value = (value as { toJSON(): unknown }).toJSON();
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = `${indent}  `;
  let out = "";
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) out += `${i === 0 ? "" : ","}\n${inner}${write(value[i], inner, open) ?? "null"}`;
    return `[${out}\n${indent}]`;
  }
  if (open.has(value)) throw new TypeError("Converting circular structure to JSON");
  open.add(value);
  for (const key of Object.keys(value).sort()) {
    const member = write((value as Record<string, unknown>)[key], inner, open);
    if (member !== undefined) out += `${out === "" ? "" : ","}\n${inner}${JSON.stringify(key)}: ${member}`;
  }
  open.delete(value);
  return `{${out}\n${indent}}`;
}
