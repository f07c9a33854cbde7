import { Construct } from "constructs";
import { IResolvable, ITerraformDependable, TerraformResource } from "cdktf";
import { Mirror } from "./mirror";
import { ChartPin } from "./versions";
import { checkDnsLabel } from "./names";
import { checkScannable, escapeTemplates } from "./literal";
import { check } from "./errors";
import { Resources } from "./defaults";
import { waitForRolloutOf } from "./platform-stack";
import { emitResource } from "./provider-resource";
import { Lazy } from "./lazy";

/** A tree of Helm values. */
export type HelmValues = { [key: string]: unknown };

/** Where, in a chart's values, one part's pod settings live (the chart's own layout, per part). */
export interface ChartPodPart {
  /** The part, for findings ("operator"). */
  readonly name: string;
  /** Values path of the pod security context ("podSecurityContext.operator"). */
  readonly podSecurityContext?: string;
  /** Values path of the main container's security context. */
  readonly securityContext?: string;
  /** Values path of the main container's resources. */
  readonly resources?: string;
  /**
   * For charts whose templates build the contexts from toggles: what the template renders from
   * the merged values (and the chart's defaults at the pinned tag), instead of the paths.
   */
  readonly render?: (values: HelmValues) => { podSecurityContext?: unknown; securityContext?: unknown; resources?: unknown };
}

/** Props of `HelmChart`. */
export interface HelmChartProps {
  /** The chart, from the versions table. */
  readonly pin: ChartPin;
  /** Namespace to install into; the platform creates it, the release never does. */
  readonly namespace: string;
  /** Release name. @default - the construct id */
  readonly releaseName?: string;
  /** The component's default values, merged under `values`. @default {} */
  readonly defaults?: HelmValues;
  /** The user's values: win over `defaults`; arrays replace rather than append. @default {} */
  readonly values?: HelmValues;
  /** Mirror for the chart repository and images. @default Mirror.NONE */
  readonly mirror?: Mirror;
  /**
   * How this chart points its images at a registry (charts disagree: `global.registry`,
   * `image.registry`, ...). Called with the mirror's registry; its result is merged between
   * `defaults` and `values`. @default - images are not redirected
   */
  readonly imageRegistryValues?: (registry: string) => HelmValues;
  /** Wait for the release's resources to become ready. @default - the stack's `wait_for_rollout` variable (true unless set) */
  readonly wait?: boolean | IResolvable;
  /** Seconds Helm may take. @default 600 */
  readonly timeoutSeconds?: number;
  /** Resources to install after. @default [] */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Where, in this chart's values, each part it renders as a pod keeps its security contexts and
   * resources: the policy pack checks those values (scanners that read Terraform never look
   * inside Helm values). @default [] (the chart's pods are not inspected)
   */
  readonly podParts?: ChartPodPart[];
}

/**
 * A pinned Helm chart with typed default values deep-merged under the user's, rendered once at
 * synth time (so `addValues()` calls made later still count), installed atomically.
 */
export class HelmChart extends Construct {
  /** The `helm_release`. */
  public readonly release: TerraformResource;
  /** API groups of the CRDs this chart installs. */
  public readonly crdGroups: readonly string[];
  /** The parts the chart renders as pods, and where their settings live in its values. */
  public readonly podParts: readonly ChartPodPart[];
  private readonly layers: (HelmValues | (() => HelmValues))[] = [];
  private readonly userValues: HelmValues;
  /** The values as rendered for synthesis, and their text; cleared by addValues(). */
  private cache?: { values: HelmValues; text: string };

  constructor(scope: Construct, id: string, props: HelmChartProps) {
    super(scope, id);
    const name = props.releaseName ?? id;
    checkDnsLabel(this, "the release name", name, 53);
    checkDnsLabel(this, "the namespace", props.namespace);
    check(!!props.pin?.version, this, "the chart pin needs an exact version", props.pin, "Take the chart from CHARTS in lib/core/versions.ts.");
    const mirror = props.mirror ?? Mirror.NONE;
    this.crdGroups = props.pin.crdGroups ?? [];
    this.podParts = props.podParts ?? [];

    this.layers.push(props.defaults ?? {});
    if (mirror.imageRegistry && props.imageRegistryValues) this.layers.push(props.imageRegistryValues(mirror.imageRegistry));
    const user = props.values ?? {};
    check(!!user && typeof user === "object" && !Array.isArray(user), this, "chart values must be an object of keys", user, "Pass e.g. { replicaCount: 2 }, nested as in the chart's values.yaml.");
    check(isTree(user), this, "chart values must be a tree: a map that contains itself cannot be written out", "<cyclic values>", "Build the values without references back to a parent (copy the shared part).");
    checkScannable(this, "chart values", user);
    this.userValues = user;

    this.release = emitResource(this, "Resource", "helm_release", {
      name,
      namespace: props.namespace,
      repository: mirror.chartRepositoryFor(props.pin.repository),
      chart: props.pin.chart,
      version: props.pin.version,
      createNamespace: false,
      atomic: true,
      cleanupOnFail: true,
      wait: props.wait ?? waitForRolloutOf(this),
      timeout: props.timeoutSeconds ?? 600,
      values: [Lazy.stringValue({ produce: () => this.rendered() })],
      dependsOn: props.dependsOn,
    });
  }

  /**
   * Merges more component values over the defaults (components call this as parts are added); the
   * user's values still win. A function is called when the values are rendered, at synth time, so
   * it sees everything declared after it (teams, services).
   */
  public addValues(values: HelmValues | (() => HelmValues)): void {
    this.layers.push(values);
    this.cache = undefined;
  }

  /**
   * The values as Helm reads them: JSON, which is YAML (and unambiguous: "on" stays a string), with
   * keys sorted so the output is stable. Synthesis resolves tokens more than once, so it is
   * rendered once per change.
   */
  private rendered(): string {
    if (!this.cache) {
      const values = this.merged();
      this.cache = { values, text: escapeTemplates(JSON.stringify(sortedKeys(values), null, 2)) };
    }
    return this.cache.text;
  }

  /**
   * The merged values as they will be rendered; once synthesis has rendered them, exactly those
   * (what the policy pack and the reports read is what is written). A copy: changing it changes
   * nothing.
   */
  public get values(): HelmValues {
    return this.cache ? mergeValues(this.cache.values) : this.merged();
  }

  private merged(): HelmValues {
    const layers = this.layers.map((layer) => (typeof layer === "function" ? layer() : layer));
    return mergeValues(...layers, this.userValues);
  }
}

/**
 * Values trees merged left to right, as Helm merges values files: maps merge key by key, anything
 * else (lists included) is replaced by the later value. The result is a new tree (no map of an
 * input is shared); values that are not plain maps or lists (tokens) are kept as they are.
 */
export function mergeValues(...trees: HelmValues[]): HelmValues {
  let merged: HelmValues = {};
  for (const tree of trees) merged = mergeInto(merged, tree) as HelmValues;
  return merged;
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function mergeInto(target: unknown, source: unknown): unknown {
  if (!isPlainMap(source)) return copyTree(source);
  const out: Record<string, unknown> = isPlainMap(target) ? { ...target } : {};
  for (const key of Object.keys(source)) {
    // Keys that would reach the prototype are not merged (as the deepmerge package did before).
    if (key === "__proto__" || key === "constructor") continue;
    out[key] = isPlainMap(out[key]) && isPlainMap(source[key]) ? mergeInto(out[key], source[key]) : copyTree(source[key]);
  }
  return out;
}

function copyTree(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyTree);
  if (!isPlainMap(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copyTree(value[key]);
  return out;
}

/** A copy of a JSON tree with every map's keys in order. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortedKeys((value as Record<string, unknown>)[key]);
  return out;
}

/** Whether a values object is a tree (no map or list contains itself). */
function isTree(value: unknown, parents: Set<unknown> = new Set()): boolean {
  if (!value || typeof value !== "object") return true;
  if (parents.has(value)) return false;
  parents.add(value);
  const ok = Object.values(value as object).every((child) => isTree(child, parents));
  parents.delete(value);
  return ok;
}

/** Container resources in the shape charts take (`resources:`): requests and a memory limit. */
export function toChartResources(r: Resources): HelmValues {
  return { requests: { cpu: r.cpu, memory: r.memory }, limits: { memory: r.memoryLimit } };
}
