import { Construct } from "constructs";
import { dependable, IResolvable, IResolveContext, ITerraformDependable, TerraformElement, TerraformProvider, TerraformResource, TerraformStack, TerraformVariable, Token, Tokenization } from "cdktf";
// Types only: the generated provider classes check our configs at compile time, but their modules
// are never loaded at run time (their constructors cost ~0.4 ms per resource in eager output
// references, each capturing a stack trace, and deployment-v1 alone takes ~70 ms to load).
import type { ClusterRoleBindingV1Config } from "@cdktf/provider-kubernetes/lib/cluster-role-binding-v1";
import type { ClusterRoleV1Config } from "@cdktf/provider-kubernetes/lib/cluster-role-v1";
import type { ConfigMapV1Config } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import type { DeploymentV1Config } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import type { IngressV1Config } from "@cdktf/provider-kubernetes/lib/ingress-v1";
import type { JobV1Config } from "@cdktf/provider-kubernetes/lib/job-v1";
import type { LimitRangeV1Config } from "@cdktf/provider-kubernetes/lib/limit-range-v1";
import type { ManifestConfig } from "@cdktf/provider-kubernetes/lib/manifest";
import type { NamespaceV1Config } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import type { NetworkPolicyV1Config } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import type { PersistentVolumeClaimV1Config } from "@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1";
import type { PodDisruptionBudgetV1Config } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import type { PriorityClassV1Config } from "@cdktf/provider-kubernetes/lib/priority-class-v1";
import type { KubernetesProviderConfig } from "@cdktf/provider-kubernetes/lib/provider";
import type { ResourceQuotaV1Config } from "@cdktf/provider-kubernetes/lib/resource-quota-v1";
import type { RoleBindingV1Config } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import type { RoleV1Config } from "@cdktf/provider-kubernetes/lib/role-v1";
import type { SecretV1Config } from "@cdktf/provider-kubernetes/lib/secret-v1";
import type { ServiceAccountV1Config } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import type { ServiceV1Config } from "@cdktf/provider-kubernetes/lib/service-v1";
import type { StatefulSetV1Config } from "@cdktf/provider-kubernetes/lib/stateful-set-v1";
import type { StorageClassV1Config } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import type { HelmProviderConfig } from "@cdktf/provider-helm/lib/provider";
import type { ReleaseConfig } from "@cdktf/provider-helm/lib/release";
import { PROVIDERS } from "./versions";
import { resolvesAlone } from "./resolve";

/** The resource types the library emits, with the generated bindings' config type of each. */
export interface ResourceConfigs {
  kubernetes_cluster_role_binding_v1: ClusterRoleBindingV1Config;
  kubernetes_cluster_role_v1: ClusterRoleV1Config;
  kubernetes_config_map_v1: ConfigMapV1Config;
  kubernetes_deployment_v1: DeploymentV1Config;
  kubernetes_ingress_v1: IngressV1Config;
  kubernetes_job_v1: JobV1Config;
  kubernetes_limit_range_v1: LimitRangeV1Config;
  kubernetes_manifest: ManifestConfig;
  kubernetes_namespace_v1: NamespaceV1Config;
  kubernetes_network_policy_v1: NetworkPolicyV1Config;
  kubernetes_persistent_volume_claim_v1: PersistentVolumeClaimV1Config;
  kubernetes_pod_disruption_budget_v1: PodDisruptionBudgetV1Config;
  kubernetes_priority_class_v1: PriorityClassV1Config;
  kubernetes_resource_quota_v1: ResourceQuotaV1Config;
  kubernetes_role_binding_v1: RoleBindingV1Config;
  kubernetes_role_v1: RoleV1Config;
  kubernetes_secret_v1: SecretV1Config;
  kubernetes_service_account_v1: ServiceAccountV1Config;
  kubernetes_service_v1: ServiceV1Config;
  kubernetes_stateful_set_v1: StatefulSetV1Config;
  kubernetes_storage_class_v1: StorageClassV1Config;
  helm_release: ReleaseConfig;
}

/** The providers the library configures, with their generated config types. */
export interface ProviderConfigs {
  kubernetes: KubernetesProviderConfig;
  helm: HelmProviderConfig;
}

export type ResourceType = keyof ResourceConfigs;

/**
 * What the generated bindings record about the provider they were generated from (read by cdktf's
 * provider-presence check and written into `required_providers`); the same values, so the output
 * does not change.
 */
const GENERATOR = {
  kubernetes: { providerName: "kubernetes", providerVersion: PROVIDERS.kubernetes.version, providerVersionConstraint: "~> 2.0" },
  helm: { providerName: "helm", providerVersion: PROVIDERS.helm.version, providerVersionConstraint: "~> 3.0" },
} as const;

/** Config keys that are Terraform meta-arguments, not attributes of the resource. */
const META_ARGUMENTS = new Set(["provider", "dependsOn", "count", "lifecycle", "provisioners", "connection", "forEach"]);

/**
 * Attributes whose value is a map (keys are data: label keys, file names, quantities by resource
 * name) or free-form JSON, by attribute name: their keys are written as given. The generated
 * bindings know this from the provider schema; these are the map attributes of the resource types
 * above (read from the bindings' `hashMapper` fields), and the differential test proves the output
 * identical for every resource the library emits.
 */
const MAP_ATTRIBUTES = new Set([
  "annotations",
  "labels",
  "match_labels",
  "node_selector",
  "volume_attributes",
  "options",
  "limits",
  "requests",
  "data",
  "binary_data",
  "hard",
  "default",
  "default_request",
  "max",
  "max_limit_request_ratio",
  "min",
  "parameters",
  "manifest",
  "object",
  "fields",
]);

/** Names that are a map in one place and a block elsewhere, by resource type and path. */
function isMapAt(type: string, path: string, key: string): boolean {
  if (MAP_ATTRIBUTES.has(key)) return true;
  // A Service selects pods by a plain map; workloads and budgets use a selector block.
  if (key === "selector") return type === "kubernetes_service_v1" && path === "spec";
  // A provider's exec plugin takes its environment as a map; containers take a list of blocks.
  if (key === "env") return path.endsWith("exec");
  return false;
}

const snakeCache = new Map<string, string>();

/** cdktf's snake_case of a binding's property name (`containerPort` -> `container_port`). */
function snake(name: string): string {
  let cached = snakeCache.get(name);
  if (cached === undefined) {
    cached = name.replace(/([a-z0-9])([A-Z])/g, (_m, a: string, b: string) => `${a}_${b.toLowerCase()}`);
    snakeCache.set(name, cached);
  }
  return cached;
}

/**
 * A binding-shaped value (camelCase block properties) in Terraform's attribute names, as the
 * generated `...ToTerraform` functions write it. `path` is the dotted attribute path of `value`
 * (list indexes left out). Tokens are passed through untouched, as the bindings do: a lazy value
 * that produces blocks converts them itself (with this function).
 */
export function toTerraformAttributes(type: ResourceType | keyof ProviderConfigs, path: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Tokenization.isResolvable(value)) return value;
  if (Array.isArray(value)) return value.map((element) => toTerraformAttributes(type, path, element));
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    const name = snake(key);
    out[name] = isMapAt(type, path, name) ? child : toTerraformAttributes(type, path === "" ? name : `${path}.${name}`, child);
  }
  return out;
}

/**
 * A Terraform resource of the kubernetes or helm provider, emitted from the generated binding's
 * config type without loading the binding: the attributes are the config in Terraform's names.
 * Attributes are referenced with `getStringAttribute("metadata[0].name")` (or `nameOf`).
 */
export class ProviderResource<T extends ResourceType = ResourceType> extends TerraformResource {
  private readonly attributes: Record<string, unknown>;

  constructor(scope: Construct, id: string, type: T, config: ResourceConfigs[T]) {
    const meta = config as { provider?: TerraformProvider; dependsOn?: ITerraformDependable[] };
    super(scope, id, {
      terraformResourceType: type,
      terraformGeneratorMetadata: type.startsWith("helm_") ? GENERATOR.helm : GENERATOR.kubernetes,
      provider: meta.provider,
    });
    // What cdktf's constructor would set (a token per dependency), without a stack trace each.
    if (Array.isArray(meta.dependsOn)) this.dependsOn = meta.dependsOn.map(dependencyOn);
    const attributes: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config as object)) {
      if (!META_ARGUMENTS.has(key) && value !== undefined) attributes[key] = value;
    }
    this.attributes = toTerraformAttributes(type, "", attributes) as Record<string, unknown>;
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return this.attributes;
  }

  /**
   * What cdktf's `TerraformResource.toTerraform()` returns, built directly in the common case (no
   * overrides, moves, imports, count, for_each, lifecycle, provisioners or connection): cdktf's
   * version deep-copies every attribute and snake-cases the meta-arguments on each of the three
   * calls a synthesis makes. Anything else goes through cdktf's own code.
   */
  public toTerraform(): { [key: string]: unknown } {
    const internals = this as unknown as { rawOverrides: object; _imported?: unknown; _movedByTarget?: unknown; _movedById?: unknown; _hasMoved?: boolean };
    const plain =
      Object.keys(internals.rawOverrides).length === 0 &&
      !internals._imported &&
      !internals._movedByTarget &&
      !internals._movedById &&
      !internals._hasMoved &&
      this.count === undefined &&
      this.forEach === undefined &&
      this.lifecycle === undefined &&
      this.provisioners === undefined &&
      this.connection === undefined;
    if (!plain) return super.toTerraform();
    // Attributes are never changed after this (resolution copies), so a shallow copy is enough.
    const attributes: Record<string, unknown> = { ...this.attributes };
    for (const meta of ["count", "lifecycle", "for_each", "connection", "provisioner", "depends_on", "provider"]) delete attributes[meta];
    if (this.dependsOn !== undefined) attributes.depends_on = this.dependsOn;
    if (this.provider !== undefined) attributes.provider = this.provider.fqn;
    attributes["//"] = { ...(attributes["//"] as object | undefined), ...this.constructNodeMetadata };
    return { resource: { [this.terraformResourceType]: { [this.friendlyUniqueId]: attributes } }, moved: undefined, import: undefined };
  }
}

/** The kubernetes or helm provider block, emitted the same way (no binding loaded). */
export class ProviderBlock<T extends keyof ProviderConfigs = keyof ProviderConfigs> extends TerraformProvider {
  private readonly attributes: Record<string, unknown>;

  constructor(scope: Construct, id: string, type: T, config: ProviderConfigs[T]) {
    super(scope, id, { terraformResourceType: type, terraformGeneratorMetadata: GENERATOR[type], terraformProviderSource: type });
    this.attributes = toTerraformAttributes(type, "", config) as Record<string, unknown>;
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return this.attributes;
  }
}

/**
 * A reference to a Terraform element (an attribute of a resource, a variable's value). In the
 * element's own stack, outside functions and iterators (the library's uses), it is written as
 * `${expression}` directly: cdktf's own reference records a full stack trace when created, and its
 * resolution allocates per key. Anywhere else it resolves to cdktf's reference, which handles
 * cross-stack outputs and braces.
 */
class ElementReference implements IResolvable {
  public readonly creationStack: string[] = [];
  private cdktfReference?: unknown;

  /** `braces: false` writes the bare expression, as `depends_on` takes it. */
  constructor(
    private readonly element: TerraformElement,
    private readonly expression: () => string,
    private readonly makeCdktfReference: () => unknown,
    private readonly braces = true,
  ) {
    resolvesAlone(this);
  }

  public resolve(context: IResolveContext): unknown {
    if (!context.suppressBraces && !context.iteratorContext && TerraformStack.of(context.scope) === this.element.cdktfStack) {
      return this.braces ? `\${${this.expression()}}` : this.expression();
    }
    this.cdktfReference ??= this.makeCdktfReference();
    return this.cdktfReference;
  }

  public toString(): string {
    return Token.asString(this);
  }
}

const names = new WeakMap<TerraformResource, string>();

/** The name of a Kubernetes object as a reference (so Terraform orders what uses it after it); one per object. */
export function nameOf(resource: TerraformResource): string {
  let name = names.get(resource);
  if (name === undefined) {
    const attribute = "metadata[0].name";
    const reference = new ElementReference(resource, () => `${resource.terraformResourceType}.${resource.friendlyUniqueId}.${attribute}`, () => resource.getStringAttribute(attribute));
    names.set(resource, (name = Token.asString(reference)));
  }
  return name;
}

/**
 * An entry of `depends_on` (`type.id`), as cdktf's `dependable()` writes it. Resources of the
 * library's own stack only: anything else (a module, a data source, another stack's resource) is
 * cdktf's token.
 */
function dependencyOn(dependency: ITerraformDependable): string {
  if (!TerraformResource.isTerraformResource(dependency)) return dependable(dependency);
  return Token.asString(new ElementReference(dependency, () => `${dependency.terraformResourceType}.${dependency.friendlyUniqueId}`, () => dependable(dependency), false));
}

const variableValues = new WeakMap<TerraformVariable, ElementReference>();

/** A variable's value (`${var.name}`), as `variable.value` is, without a stack trace per use; one per variable. */
function variableValue(variable: TerraformVariable): ElementReference {
  let value = variableValues.get(variable);
  if (value === undefined) variableValues.set(variable, (value = new ElementReference(variable, () => `var.${variable.friendlyUniqueId}`, () => variable.value)));
  return value;
}

/** `variable.stringValue`, the same way. */
export function variableString(variable: TerraformVariable): string {
  return Token.asString(variableValue(variable));
}

/** `variable.booleanValue`, the same way. */
export function variableBoolean(variable: TerraformVariable): IResolvable {
  return variableValue(variable);
}

type ResourceFactory = (scope: Construct, id: string, type: ResourceType, config: unknown) => TerraformResource;
type ProviderFactory = (scope: Construct, id: string, type: keyof ProviderConfigs, config: unknown) => TerraformProvider;
let factories: { resource?: ResourceFactory; provider?: ProviderFactory } = {};

/**
 * For the differential test only: emit through other classes (the generated bindings), to prove
 * both write the same JSON. Call with no argument to restore.
 */
export function emitThroughForTests(next: { resource?: ResourceFactory; provider?: ProviderFactory } = {}): void {
  factories = next;
}

/** Declares a provider resource (see `ProviderResource`). */
export function emitResource<T extends ResourceType>(scope: Construct, id: string, type: T, config: ResourceConfigs[T]): TerraformResource {
  return factories.resource ? factories.resource(scope, id, type, config) : new ProviderResource(scope, id, type, config);
}

/** Declares a provider block (see `ProviderBlock`). */
export function emitProvider<T extends keyof ProviderConfigs>(scope: Construct, id: string, type: T, config: ProviderConfigs[T]): TerraformProvider {
  return factories.provider ? factories.provider(scope, id, type, config) : new ProviderBlock(scope, id, type, config);
}
