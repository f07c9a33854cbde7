import { Construct } from "constructs";
import { createHash } from "node:crypto";
import { Lazy } from "cdktf";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { RoleV1 } from "@cdktf/provider-kubernetes/lib/role-v1";
import { RoleBindingV1 } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import { ClusterRoleV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-v1";
import { ClusterRoleBindingV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-binding-v1";
import { IPlatform } from "../core/context";
import { waitForRolloutOf } from "../core/platform-stack";
import { IMAGES } from "../core/versions";
import { ADMIN_SYNC_SCRIPT } from "./admin-sync-script";
import { PULSAR_RELEASE, pulsarPodLabels } from "./pulsar-names";

/** Props of `BrokerSync`. */
export interface BrokerSyncProps {
  readonly platform: IPlatform;
  /** The broker's namespace. */
  readonly namespace: string;
  /** Admin REST URL. */
  readonly adminUrl: string;
  /** Whether the admin URL is TLS (the CA then comes from the chart's CA secret). */
  readonly tls: boolean;
  /** Whether to map bookies to zones. */
  readonly rackAware: boolean;
  /** Bookie count: part of the Job's revision, so scaling bookies maps the new ones. */
  readonly bookies: number;
  /** Tenants, namespaces and topics, read at synth time (so later declarations count). */
  readonly spec: () => Record<string, unknown>;
}

const SPEC_DIR = "/etc/pulsar-sync";
const TOKEN_DIR = "/pulsar/tokens/admin";
const CA_DIR = "/pulsar/certs/ca";

/**
 * Runs the admin sync (see admin-sync-script.ts) as a Job, again whenever the declared state or
 * the bookie count changes (the Job is replaced). A bookie keeps its zone for life (its volumes
 * are zonal), so new racks only appear when bookies are added, which changes the count. Uses the
 * chart's `admin` superuser token; reads pods and nodes with a ServiceAccount of its own.
 */
export class BrokerSync extends Construct {
  constructor(scope: Construct, id: string, props: BrokerSyncProps) {
    super(scope, id);
    const { platform, namespace } = props;
    const name = "pulsar-sync";
    const labels = platform.labels("broker", name);

    const spec = () =>
      JSON.stringify(
        {
          adminUrl: props.adminUrl,
          cluster: platform.platformName,
          tokenFile: `${TOKEN_DIR}/TOKEN`,
          ...(props.tls ? { caFile: `${CA_DIR}/ca.crt` } : {}),
          ...(props.rackAware
            ? { racks: { namespace, bookies: props.bookies, bookieSelector: Object.entries(pulsarPodLabels("bookie")).map(([k, v]) => `${k}=${v}`).join(","), zoneLabel: platform.target.zoneLabel } }
            : {}),
          ...props.spec(),
        },
        null,
        2,
      );
    // The Job is replaced whenever the declared state changes, so it runs again.
    const revision = Lazy.stringValue({ produce: () => createHash("sha256").update(spec()).update(ADMIN_SYNC_SCRIPT).digest("hex").slice(0, 12) });

    const config = new ConfigMapV1(this, "Config", {
      metadata: { name, namespace, labels },
      data: { "spec.json": Lazy.stringValue({ produce: spec }), "sync.py": ADMIN_SYNC_SCRIPT },
    });
    const account = new ServiceAccountV1(this, "ServiceAccount", { metadata: { name, namespace, labels }, automountServiceAccountToken: false });
    if (props.rackAware) {
      const role = new RoleV1(this, "Role", {
        metadata: { name, namespace, labels },
        rule: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }],
      });
      new RoleBindingV1(this, "RoleBinding", {
        metadata: { name, namespace, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subject: [{ kind: "ServiceAccount", name: account.metadata.name, namespace }],
      });
      // Node labels hold the zone; only a cluster role can read nodes.
      const clusterRole = new ClusterRoleV1(this, "NodeReader", {
        metadata: { name: `${platform.platformName}-${name}-nodes`, labels },
        rule: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }],
      });
      new ClusterRoleBindingV1(this, "NodeReaderBinding", {
        metadata: { name: `${platform.platformName}-${name}-nodes`, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole.metadata.name },
        subject: [{ kind: "ServiceAccount", name: account.metadata.name, namespace }],
      });
    }

    const podSpec = {
      serviceAccountName: account.metadata.name,
      // The script calls the Kubernetes API (pods, nodes) only when mapping racks.
      automountServiceAccountToken: props.rackAware,
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
          volumeMount: [
            { name: "spec", mountPath: SPEC_DIR, readOnly: true },
            { name: "token", mountPath: TOKEN_DIR, readOnly: true },
            ...(props.tls ? [{ name: "ca", mountPath: CA_DIR, readOnly: true }] : []),
          ],
        },
      ],
      volume: [
        { name: "spec", configMap: { name: config.metadata.name } },
        // Created by the chart's JWT job: the token of the "admin" superuser.
        { name: "token", secret: { secretName: `${PULSAR_RELEASE}-token-admin` } },
        ...(props.tls ? [{ name: "ca", secret: { secretName: `${PULSAR_RELEASE}-ca-tls` } }] : []),
      ],
      imagePullSecrets: platform.mirror.imagePullSecrets.length > 0 ? platform.mirror.imagePullSecrets.map((s) => ({ name: s })) : undefined,
    };

    new JobV1(this, "Resource", {
      metadata: { name, namespace, labels, annotations: { "platform.cdktf.io/revision": revision } },
      spec: {
        backoffLimit: 6,
        template: { metadata: { labels: { ...labels, "platform.cdktf.io/revision": revision } }, spec: podSpec },
      },
      waitForCompletion: waitForRolloutOf(this),
      timeouts: { create: "20m", update: "20m" },
    });

  }
}
