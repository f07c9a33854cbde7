import { Construct } from "constructs";
import { createHash } from "node:crypto";
import { TerraformResource } from "cdktf";
import type { SecretKeyRef } from "../core/bindings";
import { IPlatform } from "../core/context";
import { waitForRolloutOf } from "../core/platform-stack";
import { IMAGES } from "../core/versions";
import { ADMIN_SYNC_SCRIPT } from "./admin-sync-script";
import type { ServiceCredentials } from "./broker-base";
import { emitResource, nameOf } from "../core/provider-resource";
import { Lazy } from "../core/lazy";

/** Bookie rack mapping: which pods are bookies, and the node label that holds their zone. */
export interface RackMapping {
  /** The bookies' namespace. */
  readonly namespace: string;
  /** Bookie count: part of the Job's revision, so scaling bookies maps the new ones. */
  readonly bookies: number;
  /** Label selector of the bookie pods. */
  readonly bookieSelector: Record<string, string>;
  /** Node label with the zone. */
  readonly zoneLabel: string;
}

/** Props of `BrokerSync`. */
export interface BrokerSyncProps {
  readonly platform: IPlatform;
  /** Namespace the Job runs in: the admin token (and signing key, CA) Secrets are read from it. */
  readonly namespace: string;
  /** Admin REST URL. */
  readonly adminUrl: string;
  /** The Pulsar cluster tenants are allowed on. @default - the broker's only cluster, read from its admin API */
  readonly clusterName?: string;
  /** The superuser token the Job authenticates with. */
  readonly adminToken: SecretKeyRef;
  /** CA of the admin URL's certificate (TLS); also copied into service credentials. @default - none */
  readonly ca?: SecretKeyRef;
  /** The broker's JWT signing key: given, the Job mints each service's token. @default - tokens are not minted */
  readonly signingKey?: SecretKeyRef;
  /** Map bookies to zones. @default - no rack mapping */
  readonly racks?: RackMapping;
  /** Tenants, namespaces, topics and permissions, read at synth time (so later declarations count). */
  readonly spec: () => Record<string, unknown>;
  /** Service credentials to mint, read at synth time. @default - none */
  readonly credentials?: () => ServiceCredentials[];
  /** Also write each token as Kafka SASL/PLAIN credentials (KAFKA_CREDENTIAL_KEYS), for the Kafka listener. @default false */
  readonly kafkaCredentials?: boolean;
}

/** Keys of a credentials Secret that hold the Kafka listener's SASL/PLAIN username (the role) and password ("token:<jwt>"). */
export const KAFKA_CREDENTIAL_KEYS = { username: "kafka-username", password: "kafka-password" } as const;

const SPEC_DIR = "/etc/pulsar-sync";
const SECRETS_DIR = "/pulsar/sync";
const NAME = "pulsar-sync";

/**
 * Runs the admin sync (see admin-sync-script.ts) as a Job, again whenever the declared state or
 * the bookie count changes (the Job is replaced): bookie racks, tenants, namespaces, topics,
 * permissions, and the service tokens it mints into the services' namespaces.
 *
 * RBAC is the narrowest that works: in each namespace with granted services, a Role that may
 * create Secrets (Kubernetes cannot narrow `create` by name) and read or update only the
 * credentials Secrets the platform declared there; pods and nodes are read only for racks.
 */
export class BrokerSync extends Construct {
  private readonly props: BrokerSyncProps;
  private readonly account: TerraformResource;
  private readonly writers = new Map<string, string[]>();

  constructor(scope: Construct, id: string, props: BrokerSyncProps) {
    super(scope, id);
    this.props = props;
    const { platform, namespace, racks } = props;
    const labels = platform.labels("broker", NAME);

    const spec = () => JSON.stringify(this.renderSpec(), null, 2);
    // The Job is replaced whenever the declared state changes, so it runs again.
    const revision = Lazy.stringValue({ produce: () => createHash("sha256").update(spec()).update(ADMIN_SYNC_SCRIPT).digest("hex").slice(0, 12) });

    const config = emitResource(this, "Config", "kubernetes_config_map_v1", {
      metadata: { name: NAME, namespace, labels },
      data: { "spec.json": Lazy.stringValue({ produce: spec }), "sync.py": ADMIN_SYNC_SCRIPT },
    });
    this.account = emitResource(this, "ServiceAccount", "kubernetes_service_account_v1", { metadata: { name: NAME, namespace, labels }, automountServiceAccountToken: false });
    if (racks) {
      const role = emitResource(this, "PodReader", "kubernetes_role_v1", {
        metadata: { name: NAME, namespace: racks.namespace, labels },
        rule: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }],
      });
      emitResource(this, "PodReaderBinding", "kubernetes_role_binding_v1", {
        metadata: { name: NAME, namespace: racks.namespace, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: nameOf(role) },
        subject: [{ kind: "ServiceAccount", name: nameOf(this.account), namespace }],
      });
      // Node labels hold the zone; only a cluster role can read nodes.
      const clusterRole = emitResource(this, "NodeReader", "kubernetes_cluster_role_v1", {
        metadata: { name: `${platform.platformName}-${NAME}-nodes`, labels },
        rule: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }],
      });
      emitResource(this, "NodeReaderBinding", "kubernetes_cluster_role_binding_v1", {
        metadata: { name: `${platform.platformName}-${NAME}-nodes`, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: nameOf(clusterRole) },
        subject: [{ kind: "ServiceAccount", name: nameOf(this.account), namespace }],
      });
    }

    const mounted = (name: string, ref: SecretKeyRef | undefined, file: string) =>
      ref ? { volume: { name, secret: { secretName: ref.secretName, items: [{ key: ref.key, path: file }] } }, mount: { name, mountPath: `${SECRETS_DIR}/${name}`, readOnly: true } } : undefined;
    const files = [mounted("admin-token", props.adminToken, "token"), mounted("ca", props.ca, "ca.crt"), mounted("signing-key", props.signingKey, "key")].filter((f) => f !== undefined);

    const podSpec = {
      serviceAccountName: nameOf(this.account),
      // The script calls the Kubernetes API only to map racks and to write service credentials.
      automountServiceAccountToken: Lazy.anyValue({ produce: () => !!racks || this.credentialList().length > 0 }) as unknown as boolean,
      restartPolicy: "OnFailure",
      securityContext: { runAsNonRoot: true, runAsUser: "10000", runAsGroup: "10000", seccompProfile: { type: "RuntimeDefault" } },
      container: [
        {
          name: "sync",
          image: platform.mirror.image(`${IMAGES.pulsar.repository}:${IMAGES.pulsar.tag}`),
          command: ["python3", `${SPEC_DIR}/sync.py`],
          env: [{ name: "SYNC_SPEC", value: `${SPEC_DIR}/spec.json` }],
          resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
          volumeMount: [{ name: "spec", mountPath: SPEC_DIR, readOnly: true }, ...files.map((f) => f.mount)],
        },
      ],
      volume: [{ name: "spec", configMap: { name: nameOf(config) } }, ...files.map((f) => f.volume)],
      imagePullSecrets: platform.mirror.pullSecretRefs(),
    };

    emitResource(this, "Resource", "kubernetes_job_v1", {
      metadata: { name: NAME, namespace, labels, annotations: { "platform.cdktf.io/revision": revision } },
      spec: {
        backoffLimit: 6,
        template: { metadata: { labels: { ...labels, "platform.cdktf.io/revision": revision } }, spec: podSpec },
      },
      waitForCompletion: waitForRolloutOf(this),
      timeouts: { create: "20m", update: "20m" },
    });
  }

  /**
   * Lets the Job write a service's credentials Secret: once per namespace, a Role and a binding
   * (the Role's names grow as more services of that namespace are granted).
   */
  public allowWriting(credentials: ServiceCredentials): void {
    const names = this.writers.get(credentials.namespaceName);
    if (names) {
      if (!names.includes(credentials.secretName)) names.push(credentials.secretName);
      return;
    }
    const secretNames = [credentials.secretName];
    this.writers.set(credentials.namespaceName, secretNames);
    const scope = new Construct(this, `Credentials-${credentials.namespaceName}`);
    const labels = this.props.platform.labels("broker", NAME);
    const role = emitResource(scope, "Role", "kubernetes_role_v1", {
      metadata: { name: `${NAME}-credentials`, namespace: credentials.namespace, labels },
      rule: [
        { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
        { apiGroups: [""], resources: ["secrets"], verbs: ["get", "update"], resourceNames: Lazy.listValue({ produce: () => [...secretNames].sort() }) },
      ],
    });
    emitResource(scope, "Binding", "kubernetes_role_binding_v1", {
      metadata: { name: `${NAME}-credentials`, namespace: credentials.namespace, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: nameOf(role) },
      subject: [{ kind: "ServiceAccount", name: nameOf(this.account), namespace: this.props.namespace }],
    });
  }

  private credentialList(): ServiceCredentials[] {
    return this.props.signingKey ? (this.props.credentials?.() ?? []) : [];
  }

  private renderSpec(): Record<string, unknown> {
    const { props } = this;
    const file = (name: string, ref: SecretKeyRef | undefined, path: string) => (ref ? { [name]: `${SECRETS_DIR}/${path}` } : {});
    const credentials = this.credentialList();
    return {
      adminUrl: props.adminUrl,
      ...(props.clusterName ? { cluster: props.clusterName } : {}),
      ...file("tokenFile", props.adminToken, "admin-token/token"),
      ...file("caFile", props.ca, "ca/ca.crt"),
      ...file("signingKeyFile", props.signingKey, "signing-key/key"),
      ...(props.racks
        ? {
            racks: {
              namespace: props.racks.namespace,
              bookies: props.racks.bookies,
              bookieSelector: Object.entries(props.racks.bookieSelector).map(([k, v]) => `${k}=${v}`).join(","),
              zoneLabel: props.racks.zoneLabel,
            },
          }
        : {}),
      ...props.spec(),
      ...(credentials.length > 0
        ? {
            credentials: credentials
              .map((c) => ({ role: c.role, namespace: c.namespaceName, secret: c.secretName }))
              .sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0)),
            credentialLabels: props.platform.labels("broker", "pulsar-credentials"),
            ...(props.kafkaCredentials ? { kafkaKeys: KAFKA_CREDENTIAL_KEYS } : {}),
          }
        : {}),
    };
  }
}
