import { createHash } from "node:crypto";
import { Construct } from "constructs";
import { ITerraformDependable, TerraformResource } from "cdktf";
import type { SecretKeyRef } from "../core/bindings";
import { IPlatform } from "../core/context";
import { restrictedContainerSecurity, restrictedPodSecurity } from "../core/defaults";
import { escapeTemplates } from "../core/literal";
import { waitForRolloutOf } from "../core/platform-stack";
import { IMAGES } from "../core/versions";
import { emitResource, nameOf } from "../core/provider-resource";
import { Lazy } from "../core/lazy";

/** Props of `RegistryJob`. */
export interface RegistryJobProps {
  readonly platform: IPlatform;
  /** Name of the Job, its ConfigMap, ServiceAccount and Roles. */
  readonly name: string;
  /** Namespace the Job runs in (the registry's). */
  readonly namespace: string;
  /** Labels' component. */
  readonly component: string;
  /** The Python program (standard library only). */
  readonly script: string;
  /** What it reconciles, read at synth time (so later declarations count). */
  readonly spec: () => Record<string, unknown>;
  /** Secret keys mounted as files under /var/run/registry/<key>. @default {} */
  readonly files?: Record<string, SecretKeyRef>;
  /** Secrets of its own namespace the Job may create, read and update. @default [] */
  readonly ownSecrets?: string[];
  /** Objects created first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** Where `files` are mounted. */
export const REGISTRY_FILES_DIR = "/var/run/registry";
const SPEC_DIR = "/etc/registry-job";

/**
 * A small reconciler run as a Job (Python from the pinned `python` image, standard library only),
 * run again whenever what it reconciles or its program changes (its pod template carries a hash
 * of both, and a Job's template cannot change in place, so Terraform replaces it). The registries use it to generate their own Secrets in the
 * cluster, and to publish teams, credentials and configuration entries to the running registry.
 *
 * RBAC is the narrowest that works: its own Secrets by name; in each team namespace it writes
 * to, a Role that may create Secrets (Kubernetes cannot narrow `create` by name) and read or
 * update only the named ones. Its API token is mounted only when it calls the API.
 */
export class RegistryJob extends Construct {
  /** The Job. */
  public readonly job: TerraformResource;
  private readonly props: RegistryJobProps;
  private readonly account: TerraformResource;
  private readonly writers = new Map<string, string[]>();

  constructor(scope: Construct, id: string, props: RegistryJobProps) {
    super(scope, id);
    this.props = props;
    const { platform, name, namespace } = props;
    const labels = platform.labels(props.component, name);
    const spec = () => JSON.stringify(props.spec(), null, 2);
    const revision = Lazy.stringValue({ produce: () => createHash("sha256").update(spec()).update(props.script).digest("hex").slice(0, 10) });

    const config = emitResource(this, "Config", "kubernetes_config_map_v1", {
      metadata: { name, namespace, labels },
      // Literal text: a "${" in a configuration entry is never evaluated by Terraform.
      data: { "spec.json": Lazy.stringValue({ produce: () => escapeTemplates(spec()) }), "job.py": escapeTemplates(props.script) },
    });
    this.account = emitResource(this, "ServiceAccount", "kubernetes_service_account_v1", { metadata: { name, namespace, labels }, automountServiceAccountToken: false });
    const ownSecrets = props.ownSecrets ?? [];
    if (ownSecrets.length > 0) this.role(this, namespace, ownSecrets, "Own");

    const files = Object.entries(props.files ?? {}).map(([file, ref], i) => ({
      volume: { name: `file-${i}`, secret: { secretName: ref.secretName, items: [{ key: ref.key, path: file }] } },
      mount: { name: `file-${i}`, mountPath: `${REGISTRY_FILES_DIR}/${file}`, subPath: file, readOnly: true },
    }));
    this.job = emitResource(this, "Resource", "kubernetes_job_v1", {
      metadata: { name, namespace, labels, annotations: { "platform.cdktf.io/revision": revision } },
      spec: {
        backoffLimit: 10,
        template: {
          metadata: { labels: { ...labels, "platform.cdktf.io/revision": revision } },
          spec: {
            serviceAccountName: nameOf(this.account),
            automountServiceAccountToken: Lazy.anyValue({ produce: () => ownSecrets.length > 0 || this.writers.size > 0 }) as unknown as boolean,
            restartPolicy: "OnFailure",
            securityContext: restrictedPodSecurity(),
            container: [
              {
                name: "job",
                image: platform.mirror.image(`${IMAGES.python.repository}:${IMAGES.python.tag}`),
                command: ["python3", `${SPEC_DIR}/job.py`],
                env: [
                  { name: "JOB_SPEC", value: `${SPEC_DIR}/spec.json` },
                  { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
                ],
                resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { memory: "96Mi" } },
                securityContext: restrictedContainerSecurity(),
                volumeMount: [{ name: "spec", mountPath: SPEC_DIR, readOnly: true }, ...files.map((f) => f.mount)],
              },
            ],
            volume: [{ name: "spec", configMap: { name: nameOf(config) } }, ...files.map((f) => f.volume)],
            imagePullSecrets: platform.mirror.pullSecretRefs(),
          },
        },
      },
      waitForCompletion: waitForRolloutOf(this),
      timeouts: { create: "15m", update: "15m" },
      dependsOn: props.dependsOn,
    });
  }

  /** Lets the Job write a Secret of another namespace (a team's credentials). */
  public allowWriting(namespace: string, secretName: string): void {
    const names = this.writers.get(namespace);
    if (names) {
      if (!names.includes(secretName)) names.push(secretName);
      return;
    }
    const secretNames = [secretName];
    this.writers.set(namespace, secretNames);
    this.role(new Construct(this, `Writer-${namespace}`), namespace, secretNames, "");
  }

  private role(scope: Construct, namespace: string, secretNames: string[], prefix: string): void {
    const { name, platform, component } = this.props;
    const labels = platform.labels(component, name);
    const role = emitResource(scope, `${prefix}Role`, "kubernetes_role_v1", {
      metadata: { name, namespace, labels },
      rule: [
        { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
        { apiGroups: [""], resources: ["secrets"], verbs: ["get", "update"], resourceNames: Lazy.listValue({ produce: () => [...secretNames].sort() }) },
      ],
    });
    emitResource(scope, `${prefix}RoleBinding`, "kubernetes_role_binding_v1", {
      metadata: { name, namespace, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: nameOf(role) },
      subject: [{ kind: "ServiceAccount", name: nameOf(this.account), namespace: this.props.namespace }],
    });
  }
}
