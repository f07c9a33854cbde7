// lib/core/stack-synthesizer.ts against cdktf's own StackSynthesizer and json-stable-stringify:
// the same bytes, the same manifest, the same errors. (Every blueprint and example is compared
// byte for byte in test/resolve.test.ts.)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { Annotations, App, AssetType, TerraformAsset, TerraformOutput, TerraformResource } from "cdktf";
import { KubernetesConnection } from "../lib/core/connection";
import { PlatformStack } from "../lib/core/platform-stack";
import { emitResource } from "../lib/core/provider-resource";
import { stableJson } from "../lib/core/stack-synthesizer";
import { outputWith } from "./everything";
import { withOldTerraform } from "./fixtures/old-terraform";

// cdktf's serializer, from where cdktf loads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stableStringify = require(require.resolve("json-stable-stringify", { paths: [dirname(require.resolve("cdktf"))] })) as (value: unknown, options: { space: number }) => string;

const dirs: string[] = [];
const freshDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `msp-synthesizer-${name}-`));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe("stableJson writes what json-stable-stringify writes", () => {
  const leaf = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.date({ noInvalidDate: true }));
  const tree = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: "small" }, leaf, tie("list"), tie("map")),
    list: fc.array(tie("value"), { maxLength: 5 }),
    map: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("a", "B", "_", "é", "10", "2", "")), tie("value"), { maxKeys: 6 }),
  }));

  test("on generated values (strings, numbers, undefined members and items, dates, empty objects and lists)", () => {
    fc.assert(
      fc.property(tree.value, (value) => {
        expect(stableJson(value)).toBe(stableStringify(value, { space: 2 }));
      }),
      { numRuns: 2000, seed: Number(process.env.FC_SEED ?? 20261207) },
    );
  });

  test("on the corner cases written out", () => {
    const cases: unknown[] = [{}, [], { a: {} }, { a: [] }, [undefined, () => 1], { f: () => 1, u: undefined, s: Symbol("x") }, { toJSON: () => ({ b: 1, a: [1] }) }, "text", 0, -0, 1e300];
    for (const value of cases) expect(stableJson(value)).toBe(stableStringify(value, { space: 2 }));
  });

  test("a cycle is the same TypeError", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(() => stableStringify(cyclic, { space: 2 })).toThrow(new TypeError("Converting circular structure to JSON"));
    expect(() => stableJson(cyclic)).toThrow(new TypeError("Converting circular structure to JSON"));
  });
});

/** Synthesizes `build` with the library's synthesizer (fast) or cdktf's; the files written, or the error thrown. */
function synthesize(build: (app: App) => void, fast: boolean, skipValidation = false): { files?: Map<string, string>; error?: string } {
  try {
    return {
      files: outputWith((outdir) => {
        const app = new App({ outdir, skipValidation });
        build(app);
        app.synth();
      }, fast),
    };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Both ways, from one call site: annotations record the stack trace of the synthesis that built them. */
function both(build: (app: App) => void, skipValidation = false): { fast: ReturnType<typeof synthesize>; cdktf: ReturnType<typeof synthesize> } {
  const [fast, cdktf] = [true, false].map((fastResolution) => synthesize(build, fastResolution, skipValidation));
  return { fast, cdktf };
}

function stackWith(app: App, extra: (stack: PlatformStack) => void): void {
  const stack = new PlatformStack(app, "s-base", { connection: KubernetesConnection.kubeconfig(), platformName: "s" });
  emitResource(stack, "Ns", "kubernetes_namespace_v1", { metadata: { name: "s", labels: { empty: "" } } });
  new TerraformOutput(stack, "nothing", { value: {} });
  extra(stack);
}

describe("the platform stack synthesizer does what cdktf's does", () => {
  test("warnings and infos go into the manifest the same", () => {
    const build = (app: App) =>
      stackWith(app, (stack) => {
        Annotations.of(stack).addWarning("careful");
        Annotations.of(stack.node.findChild("Ns")).addInfo("noted");
      });
    const { fast, cdktf } = both(build);
    expect(fast.error).toBeUndefined();
    expect(fast.files).toEqual(cdktf.files);
    expect(fast.files!.get("manifest.json")).toContain("careful");
  });

  test("an error annotation fails the synthesis with cdktf's message, or is recorded with CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS", () => {
    const build = (app: App) => stackWith(app, (stack) => Annotations.of(stack.node.findChild("Ns")).addError("broken"));
    const { fast, cdktf } = both(build);
    expect(fast.error).toContain('Encountered Annotations with level "ERROR":\n[s-base/Ns] broken');
    expect(fast.error).toBe(cdktf.error);
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "1";
    try {
      const kept = both(build);
      expect(kept.fast.error).toBeUndefined();
      expect(kept.fast.files).toEqual(kept.cdktf.files);
      expect(kept.fast.files!.get("manifest.json")).toContain("broken");
    } finally {
      delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    }
  });

  test("custom synthesis runs (a directory asset is copied) and the files are the same", () => {
    const src = freshDir("asset");
    mkdirSync(join(src, "site"));
    writeFileSync(join(src, "site", "index.html"), "<p>hi</p>");
    const build = (app: App) => stackWith(app, (stack) => new TerraformAsset(stack, "Site", { path: join(src, "site"), type: AssetType.DIRECTORY }));
    const { fast, cdktf } = both(build);
    expect(fast.error).toBeUndefined();
    expect(fast.files).toEqual(cdktf.files);
    expect([...fast.files!.keys()].some((file) => file.endsWith("index.html"))).toBe(true);
  });

  test("a moved resource gets the same moved block and the same Terraform version check", () => {
    const build = (app: App) => stackWith(app, (stack) => (stack.node.findChild("Ns") as TerraformResource).moveFromId("kubernetes_namespace_v1.old"));
    // With a Terraform too old for moves, both refuse it alike.
    const { fast, cdktf } = withOldTerraform(() => both(build));
    expect(fast.error).toContain("terraform version 1.4.6 is lower than the required version >=1.5");
    expect(fast.error).toBe(cdktf.error);
    // Without validation (no Terraform binary needed), the files.
    const files = both(build, true);
    expect(files.fast.error).toBeUndefined();
    expect(files.fast.files).toEqual(files.cdktf.files);
    expect(files.fast.files!.get(join("stacks", "s-base", "cdk.tf.json"))).toContain('"from": "kubernetes_namespace_v1.old"');
  });

  test("HCL output is cdktf's own", () => {
    process.env.SYNTH_HCL_OUTPUT = "true";
    try {
      const fast = synthesize((app) => stackWith(app, () => undefined), true);
      expect(fast.error).toBeUndefined();
      expect([...fast.files!.keys()]).toContain(join("stacks", "s-base", "cdk.tf"));
    } finally {
      delete process.env.SYNTH_HCL_OUTPUT;
    }
  });
});
