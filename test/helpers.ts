import { App, Testing, TerraformStack } from "cdktf";

/** A fresh test app (temporary outdir, no feature-flag noise). */
export function testApp(): App {
  return Testing.app();
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
