import { check } from "./errors";
import { checkOptionsSchema } from "./validate";

/** An exec credential plugin, as kubeconfig and both providers understand it. */
export interface ExecCredential {
  /** `client.authentication.k8s.io/v1beta1` for every current cloud plugin. */
  readonly apiVersion: string;
  readonly command: string;
  readonly args: string[];
  /** @default - no extra environment */
  readonly env?: Record<string, string>;
}

/** Options of `KubernetesConnection.kubeconfig()`. */
export interface KubeconfigOptions {
  /** Path of the kubeconfig file. @default "~/.kube/config" */
  readonly path?: string;
  /** Context to use. @default - the target's usual context name (see each Target factory) */
  readonly context?: string;
}

/** Options of `KubernetesConnection.cluster()`: values may be tokens from another stack. */
export interface ClusterEndpointOptions {
  /** API server URL, e.g. the `endpoint` output of the stack that created the cluster. */
  readonly host: string;
  /** PEM (not base64) cluster CA certificate. */
  readonly clusterCaCertificate: string;
  /** How to obtain a token. */
  readonly exec: ExecCredential;
}

/**
 * How the Kubernetes and Helm providers of every stack reach the cluster.
 *
 * `kubeconfig` connections become stack variables (`kubeconfig_path`, `kube_context`) whose
 * defaults are the values given here, so the same synthesized stack can be pointed at another
 * cluster at deploy time (`TF_VAR_kube_context=...`) without re-synthesizing.
 */
export class KubernetesConnection {
  /** A kubeconfig file and context (the default of every target). */
  public static kubeconfig(options: KubeconfigOptions = {}): KubernetesConnection {
    checkOptionsSchema("KubernetesConnection.kubeconfig", "KubeconfigOptions", options);
    return new KubernetesConnection("kubeconfig", { path: options.path ?? "~/.kube/config", context: options.context });
  }

  /** An API server endpoint with exec credentials, typically handed over from the stack that created the cluster. */
  public static cluster(options: ClusterEndpointOptions): KubernetesConnection {
    checkOptionsSchema("KubernetesConnection.cluster", "ClusterEndpointOptions", options);
    check(!!options.host, "KubernetesConnection.cluster", "host is required", options.host, "Pass the API server URL, e.g. the cluster stack's endpoint output.");
    check(!!options.exec?.command, "KubernetesConnection.cluster", "exec.command is required", options.exec, "Use ExecCredentials.eks(), .gke() or .aks(), or give your own exec plugin.");
    return new KubernetesConnection("cluster", undefined, options);
  }

  private constructor(
    /** "kubeconfig" or "cluster". */
    public readonly kind: "kubeconfig" | "cluster",
    /** Set for kubeconfig connections. */
    public readonly kubeconfigFile?: { readonly path: string; readonly context?: string },
    /** Set for cluster connections. */
    public readonly endpoint?: ClusterEndpointOptions,
  ) {}

  /** The same kubeconfig connection with a default context filled in (a user-given context wins). */
  public withDefaultContext(context: string): KubernetesConnection {
    if (this.kind !== "kubeconfig" || this.kubeconfigFile?.context) return this;
    return new KubernetesConnection("kubeconfig", { path: this.kubeconfigFile!.path, context });
  }
}

const EXEC_API = "client.authentication.k8s.io/v1beta1";

/** Exec credential plugins of the managed clouds. */
export class ExecCredentials {
  /** `aws eks get-token` (AWS CLI v2). */
  public static eks(clusterName: string, region: string): ExecCredential {
    return { apiVersion: EXEC_API, command: "aws", args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"] };
  }
  /** `gke-gcloud-auth-plugin`. */
  public static gke(): ExecCredential {
    return { apiVersion: EXEC_API, command: "gke-gcloud-auth-plugin", args: [] };
  }
  /** `kubelogin` for AKS with Entra ID (the AKS AAD server application id is fixed). */
  public static aks(loginMode = "azurecli"): ExecCredential {
    return {
      apiVersion: EXEC_API,
      command: "kubelogin",
      args: ["get-token", "--login", loginMode, "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"],
    };
  }
}
