import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Testing, TerraformStack } from "cdktf";
import { PlatformConfigError } from "../lib/core/errors";

// One temporary directory per test file for every app's outdir, removed after the file's tests
// (test/setup.ts); Testing.app() alone leaves a directory in the system's temp dir per app.
let outRoot: string | undefined;
let apps = 0;

/** A fresh test app (temporary outdir, no feature-flag noise). */
export function testApp(): App {
  outRoot ??= mkdtempSync(join(tmpdir(), "msp-test-"));
  return Testing.app({ outdir: join(outRoot, String(apps++)) });
}

/** Removes the outdirs of this file's apps. */
export function removeTestOutdirs(): void {
  if (outRoot) rmSync(outRoot, { recursive: true, force: true });
  outRoot = undefined;
}

/** The synthesized JSON of a stack of the app, by name, with validations run. */
export function synthStack(app: App, name: string): any {
  const stack = app.node.findChild(name) as TerraformStack;
  return JSON.parse(Testing.synth(stack, true));
}

/** Resources of one type in a synthesized stack, as a list. */
export function resourcesOf(synthesized: any, type: string): any[] {
  return Object.values(synthesized.resource?.[type] ?? {});
}

/** Names of the stacks in the app. */
export function stackNames(app: App): string[] {
  return app.node.children.filter((c) => c instanceof TerraformStack).map((c) => c.node.id).sort();
}

/** What Terraform hands the provider for a string of the JSON: `$${` and `%%{` are literal `${` and `%{`. */
export function terraformString(value: string): string {
  return value.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}

/** The message of the PlatformConfigError that `make` throws, or "" when it throws nothing (any other error fails the test). */
export function failure(make: () => unknown): string {
  try {
    make();
  } catch (e) {
    expect(e).toBeInstanceOf(PlatformConfigError);
    return (e as Error).message;
  }
  return "";
}
