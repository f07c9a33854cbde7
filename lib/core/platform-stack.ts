import { Construct } from "constructs";
import { IConstruct } from "constructs";
import { App, Aspects, IResolvable, LocalBackend, TerraformBackend, TerraformElement, TerraformOutput, TerraformResource, TerraformStack, TerraformVariable, Tokenization } from "cdktf";
import { KubernetesConnection } from "./connection";
import { emitProvider, variableBoolean, variableString } from "./provider-resource";
import { PlatformStackSynthesizer, writeManifestStably } from "./stack-synthesizer";
import { fastResolution, forgetPrepared, isReadOnlyAspect, keepPrepared, prepareTokens, readOnlyAspect, resolvedInPreparation, resolveFast } from "./resolve";

/** Props of `PlatformStack`. */
export interface PlatformStackProps {
  /** How the providers reach the cluster. */
  readonly connection: KubernetesConnection;
  /** The platform the stack belongs to (its stacks target one cluster). */
  readonly platformName: string;
  /** One line for the stack's description in its variables. @default - none */
  readonly description?: string;
}

/**
 * A stack of the platform. It configures the kubernetes and helm providers from the target's
 * connection, only for the providers its resources use (decided when the stack is prepared, so
 * resources added at any time count), and offers deploy-time switches as stack variables.
 */
export class PlatformStack extends TerraformStack {
  /** The platform the stack belongs to. */
  public readonly platformName: string;
  private readonly connection: KubernetesConnection;
  private waitReference?: IResolvable;
  private connectionVariables?: { path: TerraformVariable; context: TerraformVariable };

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    this.connection = props.connection;
    this.platformName = props.platformName;
    this.synthesizer = new PlatformStackSynthesizer(this, this.synthesizer);
    if (App.isApp(this.node.root)) writeManifestStably(this.node.root);
    // Providers are decided once every resource exists: aspects run in `app.synth()` and in
    // `Testing.synth()` alike, after the program has built its constructs.
    Aspects.of(this).add(readOnlyAspect({ visit: (node: IConstruct) => node === this && this.addProviders() }));
  }

  /**
   * `var.wait_for_rollout` (default true): whether deployments, statefulsets and Helm releases wait
   * until their pods are ready. Set `TF_VAR_wait_for_rollout=false` to apply against a cluster
   * without nodes (API-only tests) or to hand readiness to a GitOps controller.
   */
  public get waitForRollout(): IResolvable {
    if (!this.waitReference) {
      const variable = new TerraformVariable(this, "wait_for_rollout", {
        type: "bool",
        default: true,
        description: "Wait for workloads and Helm releases to become ready (false for API-only clusters or GitOps hand-off).",
      });
      this.waitReference = variableBoolean(variable);
    }
    return this.waitReference;
  }

  public prepareStack(): void {
    if (!this.node.findAll().some((c) => TerraformBackend.isBackend(c))) {
      // cdktf's default is an absolute path of the synthesizing machine; this one is relative to the
      // stack's working directory (cdktf.out/stacks/<stack>), so state sits at the project root
      // and the synthesized JSON is the same on every machine. Add any other backend to replace it.
      new LocalBackend(this, { path: `../../../terraform.${this.node.id}.tfstate` });
    }
    if (!fastResolution()) return super.prepareStack();
    // cdktf's preparing pass (it registers cross-stack references), with the fast resolver. What it
    // resolves is kept for the synthesis when nothing can change an element in between: only the
    // library's read-only aspects run there (a user's aspect may change anything, so then nothing
    // is kept). Preparing and final resolution differ only in registering cross-stack references.
    // (cdktf's pass first ensures a backend, which the stack has now.)
    const keep = onlyReadOnlyAspects(this);
    for (const element of elementsOf(this)) {
      const fragment = element.toTerraform();
      if (keep) {
        keepPrepared(element, resolveFast(this, fragment, true));
      } else {
        forgetPrepared(element);
        prepareTokens(this, fragment);
      }
    }
  }

  /**
   * The stack's Terraform JSON, assembled as cdktf's `TerraformStack.toTerraform()` does (metadata,
   * output ids, every element's fragment, stack overrides), resolved with `resolveFast` and once
   * instead of twice: the resolved fragments are plain data.
   */
  public toTerraform(): { [key: string]: unknown } {
    if (!fastResolution()) return super.toTerraform();
    const internals = this as unknown as { cdktfVersion: string; rawOverrides: Record<string, unknown> };
    const metadata: Record<string, unknown> = {
      version: internals.cdktfVersion,
      stackName: this.node.id,
      backend: "local",
      cloud: undefined,
      ...(Object.keys(internals.rawOverrides).length > 0 ? { overrides: { stack: Object.keys(internals.rawOverrides) } } : {}),
    };
    const elements = elementsOf(this);
    for (const element of elements) deepMerge(metadata, resolveFast(this, element.toMetadata(), false) as object);
    const outputs: Record<string, unknown> = {};
    for (const element of elements) {
      if (!TerraformOutput.isTerraformOutput(element)) continue;
      const nested = element.node.path.split("/").reduceRight<unknown>((inner, part) => ({ [part]: inner }), element.friendlyUniqueId);
      deepMerge(outputs, nested as object);
    }
    const tf: Record<string, unknown> = { "//": { metadata, outputs } };
    for (const element of elements) {
      // A kept fragment is used once: a later synthesis (Testing.synth after a change) resolves anew.
      const fragment = resolvedInPreparation(element) ?? resolveFast(this, element.toTerraform(), false);
      forgetPrepared(element);
      deepMerge(tf, fragment as object);
    }
    // The stack's overrides are merged as given (an undefined value deletes), then the parts they
    // touched are resolved: cdktf resolves the whole merged document once more, but every fragment
    // in it is resolved already.
    deepMerge(tf, internals.rawOverrides);
    for (const key of Object.keys(internals.rawOverrides)) if (key in tf) tf[key] = resolveFast(this, tf[key], false);
    return tf;
  }

  /** Adds the kubernetes and helm providers that the stack's resources use, once. */
  private addProviders(): void {
    const types = this.node
      .findAll()
      .filter((c): c is TerraformResource => c instanceof TerraformResource)
      .map((r) => r.terraformResourceType);
    if (types.some((t) => t.startsWith("kubernetes_")) && !this.node.tryFindChild("kubernetes")) this.addKubernetesProvider();
    if (types.some((t) => t.startsWith("helm_")) && !this.node.tryFindChild("helm")) this.addHelmProvider();
  }

  private kubeconfig(): { configPath: string; configContext: string } {
    const file = this.connection.kubeconfigFile!;
    if (!this.connectionVariables) {
      this.connectionVariables = {
        path: new TerraformVariable(this, "kubeconfig_path", {
          type: "string",
          default: file.path,
          description: "Path of the kubeconfig file the providers use.",
        }),
        context: new TerraformVariable(this, "kube_context", {
          type: "string",
          default: file.context,
          description: "Kubeconfig context of the target cluster.",
        }),
      };
    }
    return { configPath: variableString(this.connectionVariables.path), configContext: variableString(this.connectionVariables.context) };
  }

  private addKubernetesProvider(): void {
    if (this.connection.kind === "kubeconfig") {
      emitProvider(this, "kubernetes", "kubernetes", this.kubeconfig());
      return;
    }
    const endpoint = this.connection.endpoint!;
    emitProvider(this, "kubernetes", "kubernetes", {
      host: endpoint.host,
      clusterCaCertificate: endpoint.clusterCaCertificate,
      exec: [{ ...endpoint.exec }],
    });
  }

  private addHelmProvider(): void {
    if (this.connection.kind === "kubeconfig") {
      emitProvider(this, "helm", "helm", { kubernetes: this.kubeconfig() });
      return;
    }
    const endpoint = this.connection.endpoint!;
    emitProvider(this, "helm", "helm", {
      kubernetes: { host: endpoint.host, clusterCaCertificate: endpoint.clusterCaCertificate, exec: { ...endpoint.exec } },
    });
  }
}

/** The stack's `wait_for_rollout` switch for constructs in a PlatformStack, `true` elsewhere. */
export function waitForRolloutOf(scope: Construct): boolean | IResolvable {
  const stack = TerraformStack.of(scope);
  return stack instanceof PlatformStack ? stack.waitForRollout : true;
}

const aspectChecks = new WeakMap<IConstruct, { by: PlatformStack; readOnly: boolean }>();

/**
 * Whether every aspect in the stack's app is one of the library's read-only ones. Checked by the
 * first stack prepared (again on every synthesis, as it is prepared first each time) and shared.
 */
function onlyReadOnlyAspects(stack: PlatformStack): boolean {
  const root = stack.node.root;
  const memo = aspectChecks.get(root);
  if (memo && memo.by !== stack) return memo.readOnly;
  const readOnly = root.node.findAll().every((c) => Aspects.of(c).all.every((aspect) => isReadOnlyAspect(aspect)));
  aspectChecks.set(root, { by: stack, readOnly });
  return readOnly;
}

/** The stack's Terraform elements, depth first, not descending into nested stacks (as cdktf collects them). */
function elementsOf(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) elementsOf(child, into);
  return into;
}

/**
 * cdktf's merge of fragments into a stack document: objects merge key by key, lists of the same
 * key are concatenated, `undefined` deletes, tokens and anything else replace.
 */
function deepMerge(target: Record<string, unknown>, source: object): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      if (Tokenization.isResolvable(value)) {
        target[key] = value;
        continue;
      }
      if (!(key in target)) {
        // Nothing to merge with: the (resolved, unshared) value is taken as it is, not copied.
        target[key] = value;
        continue;
      }
      if (typeof target[key] !== "object" || target[key] === null) target[key] = {};
      deepMerge(target[key] as Record<string, unknown>, value);
    } else if (Array.isArray(value)) {
      target[key] = Array.isArray(target[key]) ? [...(target[key] as unknown[]), ...value] : value;
    } else if (value === undefined) {
      delete target[key];
    } else {
      target[key] = value;
    }
  }
  return target;
}
