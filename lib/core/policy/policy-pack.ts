import { IConstruct } from "constructs";
import { Annotations, Aspects, IAspect, TerraformResource, TerraformStack } from "cdktf";
import { readOnlyAspect, resolveFast, resolvedInPreparation } from "../resolve";
import { check, checkKnownOptions, ErrorSite } from "../errors";
import { HelmChart } from "../helm-chart";
import { podFromChart, podFromProvider, providerPodSpec, PodView } from "./pod-view";
import { PolicyRule, RULES } from "./rules";

/** A finding the policy accepts, with the reason recorded in the synthesized output. */
export interface Suppression {
  /** The rule ("MSP-POD-TOKEN"). */
  readonly rule: string;
  /** Why, in at least 10 characters: it is written next to the finding. */
  readonly reason: string;
  /** Only findings whose location contains this text (a construct path, a chart part). @default - every finding of the rule */
  readonly where?: string;
}

/** One result of a rule on one pod or resource. */
export interface Finding {
  readonly rule: string;
  readonly severity: "error" | "warning";
  readonly where: string;
  readonly problem: string;
  readonly fix: string;
  /** The reason it is accepted, when suppressed. */
  readonly suppressed?: string;
}

/** Resources the rules judge as a whole (the others are judged through their pods). */
const JUDGED_RESOURCES = ["kubernetes_storage_class_v1", "kubernetes_manifest"];
const WORKLOADS = ["kubernetes_deployment_v1", "kubernetes_stateful_set_v1", "kubernetes_daemon_set_v1", "kubernetes_job_v1", "kubernetes_cron_job_v1"];

/** Checks suppressions given by a user (or a blueprint file). */
export function checkSuppressions(site: ErrorSite, suppressions: unknown): Suppression[] {
  check(Array.isArray(suppressions), site, "suppressions must be a list of { rule, reason, where? }", suppressions, 'Use e.g. [{ rule: "MSP-POD-TOKEN", reason: "the sync Job calls the API", where: "Sync" }].');
  for (const s of suppressions as unknown[]) {
    check(!!s && typeof s === "object", site, "a suppression must be { rule, reason, where? }", s, 'Use e.g. { rule: "MSP-POD-TOKEN", reason: "the sync Job calls the API" }.');
    checkKnownOptions(site, s as object, ["rule", "reason", "where"]);
    const { rule, reason, where } = s as Suppression;
    check(RULES.some((r) => r.id === rule), site, `suppression of an unknown rule "${String(rule)}"`, rule, `Rules are: ${RULES.map((r) => r.id).join(", ")}.`);
    check(typeof reason === "string" && reason.trim().length >= 10, site, `the suppression of ${rule} needs a reason of at least 10 characters`, reason, "Say why the finding is accepted: it is recorded in the synthesized output.");
    check(where === undefined || (typeof where === "string" && where.length > 0), site, "where must be a non-empty text", where, 'Use part of a construct path, e.g. "Sync".');
  }
  return suppressions as Suppression[];
}

/**
 * The policy pack (docs/policy.md): an Aspect on every stack of a platform that runs each rule on
 * every pod the stack would create, from the platform's own Kubernetes-provider workloads and from
 * the values handed to charts for the parts they render as pods (scanners that read Terraform never
 * look inside Helm values), and on StorageClasses. An unsuppressed error fails synthesis with the
 * construct path, the rule and the fix; warnings are reported; every finding, suppressed or not,
 * is recorded in the stack's output under `"//": { "policy": ... }`.
 */
export class PolicyPack implements IAspect {
  private readonly findings = new Map<TerraformStack, Finding[]>();

  constructor(private readonly suppressions: readonly Suppression[]) {}

  /** Applies the pack to a stack: the aspect, the validation that fails on errors, the report. */
  public applyTo(stack: TerraformStack): void {
    stack.node.addValidation({ validate: () => this.errorsOf(stack) });
    Aspects.of(stack).add(readOnlyAspect(this));
  }

  public visit(node: IConstruct): void {
    if (node instanceof HelmChart) {
      const values = node.values;
      for (const part of node.podParts) this.judgePod(node, podFromChart(`${node.node.path}`, values, part));
      return;
    }
    if (!(node instanceof TerraformResource)) return;
    const type = node.terraformResourceType;
    const isWorkload = WORKLOADS.includes(type);
    if (!isWorkload && !JUDGED_RESOURCES.includes(type)) return;
    const stack = TerraformStack.of(node);
    const tf = (resolvedInPreparation(node) ?? resolveFast(stack, node.toTerraform(), false)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const attributes = Object.values(tf.resource[type])[0];
    for (const rule of RULES) if (rule.resource) this.record(node, rule, rule.resource(type, attributes), node.node.path);
    if (isWorkload) {
      const spec = providerPodSpec(type, attributes);
      if (spec) this.judgePod(node, podFromProvider(node.node.path, spec));
    }
  }

  /** Every finding recorded for the stack so far (after synthesis: all of them). */
  public findingsOf(stack: TerraformStack): readonly Finding[] {
    return this.findings.get(stack) ?? [];
  }

  private judgePod(node: IConstruct, pod: PodView): void {
    for (const rule of RULES) if (rule.pod) this.record(node, rule, rule.pod(pod), pod.where);
  }

  private record(node: IConstruct, rule: PolicyRule, problems: string[], where: string): void {
    if (problems.length === 0) return;
    const stack = TerraformStack.of(node);
    let list = this.findings.get(stack);
    if (!list) {
      list = [];
      this.findings.set(stack, list);
      // The report: the list itself, so findings recorded later are written too.
      stack.addOverride("//.policy", { rules: RULES.length, findings: list });
    }
    const suppression = this.suppressions.find((s) => s.rule === rule.id && (s.where === undefined || where.includes(s.where)));
    for (const problem of problems) {
      const finding: Finding = { rule: rule.id, severity: rule.severity, where, problem, fix: rule.fix, ...(suppression ? { suppressed: suppression.reason } : {}) };
      list.push(finding);
      if (!suppression && rule.severity === "warning") Annotations.of(node).addWarning(`${rule.id}: ${problem}. ${rule.fix}`);
    }
  }

  private errorsOf(stack: TerraformStack): string[] {
    return this.findingsOf(stack)
      .filter((f) => f.severity === "error" && !f.suppressed)
      .map((f) => `[${f.where}] ${f.rule}: ${f.problem}. ${f.fix} (or suppress ${f.rule} with a reason in the platform's policy.suppressions)`);
  }
}
