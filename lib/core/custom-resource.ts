import { Construct, IConstruct } from "constructs";
import { TerraformStack, TerraformResource } from "cdktf";
import { HelmChart } from "./helm-chart";
import { PlatformStack } from "./platform-stack";
import { check } from "./errors";
import { escapeDeep } from "./literal";
import { emitResource } from "./provider-resource";

/** A Kubernetes object in the API's own shape. */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [key: string]: unknown;
}

/** Props of `CustomResource`. */
export interface CustomResourceProps {
  /** The object. */
  readonly manifest: KubernetesObject;
  /** Fields the API server fills in, ignored when diffing. @default ["metadata.labels", "metadata.annotations"] */
  readonly computedFields?: string[];
}

/**
 * A custom resource (`kubernetes_manifest`). `kubernetes_manifest` reads the CRD's schema at
 * plan time, so the resource must live in a stack that depends on the stack whose chart
 * installs the CRD; a validation checks that for every chart of the same platform (one cluster)
 * that declares the group, or of the whole app when the resource is outside any platform.
 */
export class CustomResource extends Construct {
  /** The `kubernetes_manifest`. */
  public readonly resource: TerraformResource;
  /** API group of the resource ("dapr.io"). */
  public readonly group: string;

  constructor(scope: Construct, id: string, props: CustomResourceProps) {
    super(scope, id);
    const apiVersion = props.manifest.apiVersion;
    check(typeof apiVersion === "string" && apiVersion.includes("/"), this, "a custom resource needs a group in apiVersion", apiVersion, 'Use "<group>/<version>", e.g. "dapr.io/v1alpha1".');
    this.group = apiVersion.split("/")[0];
    this.resource = emitResource(this, "Resource", "kubernetes_manifest", {
      // Literal text: a "${...}" in a user's value is never evaluated by Terraform.
      manifest: escapeDeep(props.manifest),
      computedFields: props.computedFields ?? ["metadata.labels", "metadata.annotations"],
    });
    this.node.addValidation({ validate: () => crdOrderingProblems(this) });
  }
}

/** Problems with where `resource` is planned relative to the charts that install its CRD. */
export function crdOrderingProblems(resource: CustomResource): string[] {
  const problems: string[] = [];
  const own = TerraformStack.of(resource);
  const platform = own instanceof PlatformStack ? own.platformName : undefined;
  for (const chart of chartsInstalling(resource.node.root, resource.group)) {
    const chartStack = TerraformStack.of(chart);
    // Another platform's chart installs the CRD in another cluster.
    if (platform !== undefined && chartStack instanceof PlatformStack && chartStack.platformName !== platform) continue;
    if (chartStack === own) {
      problems.push(
        `[${resource.node.path}] custom resource of group "${resource.group}" is planned in stack "${own.node.id}", which also installs its CRD (${chart.node.path}); ` +
          "kubernetes_manifest needs the CRD at plan time. Put the resource in a stack that depends on that one (the platform's apps layer).",
      );
    } else if (!own.dependsOn(chartStack)) {
      problems.push(
        `[${resource.node.path}] custom resource of group "${resource.group}" is in stack "${own.node.id}", which does not depend on stack "${chartStack.node.id}" that installs its CRD (${chart.node.path}). ` +
          `Call ${own.node.id}.addDependency(${chartStack.node.id}) or use the platform's apps layer.`,
      );
    }
  }
  return problems;
}

/**
 * Charts by the CRD groups they install, indexed once per app: validations run after every
 * construct exists, so one walk of the tree serves every custom resource (there may be one per
 * service).
 */
const chartIndex = new WeakMap<IConstruct, Map<string, HelmChart[]>>();

function chartsInstalling(root: IConstruct, group: string): HelmChart[] {
  let index = chartIndex.get(root);
  if (!index) {
    index = new Map();
    for (const c of root.node.findAll()) {
      if (!(c instanceof HelmChart)) continue;
      for (const g of c.crdGroups) index.set(g, [...(index.get(g) ?? []), c]);
    }
    chartIndex.set(root, index);
  }
  return index.get(group) ?? [];
}
