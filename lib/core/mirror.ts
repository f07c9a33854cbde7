import { IConstruct } from "constructs";
import { isDnsSubdomain } from "./names";
import { check } from "./errors";
import { checkOptionsSchema } from "./validate";

/** Options of `Mirror.of()`. */
export interface MirrorOptions {
  /**
   * Chart repository that serves every chart the platform installs, under the charts' own names:
   * an HTTP(S) Helm repository (`https://charts.example.com/platform`) or an OCI registry path
   * (`oci://registry.example.com/charts`).
   * @default - each chart's upstream repository
   */
  readonly chartRepository?: string;
  /**
   * Registry host (and optional path prefix) that serves every image under its upstream path:
   * `registry.example.com:5000` or `harbor.example.com/proxy`. No scheme.
   * @default - each image's upstream registry
   */
  readonly imageRegistry?: string;
  /** Secrets (in each namespace) to pull images from the mirror. @default [] */
  readonly imagePullSecrets?: string[];
}

const REGISTRY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9._-]+)*$/;

/**
 * Where an air-gapped or edge site gets charts and images. Set once per platform, it reaches
 * every chart (`HelmChart`) and every image the platform renders.
 */
export class Mirror {
  /** No mirror: upstream repositories and registries. */
  public static readonly NONE = new Mirror({});

  /** A mirror for charts, images or both. */
  public static of(options: MirrorOptions): Mirror {
    return new Mirror(options);
  }

  public readonly chartRepository?: string;
  public readonly imageRegistry?: string;
  public readonly imagePullSecrets: readonly string[];

  private constructor(private readonly options: MirrorOptions) {
    // Kept as given when malformed (JSON- or YAML-loaded input): validate() reports it.
    const given = (options && typeof options === "object" ? options : {}) as Partial<Record<keyof MirrorOptions, unknown>>;
    const trimmed = (value: unknown) => (typeof value === "string" ? value.replace(/\/+$/, "") : (value as undefined));
    this.chartRepository = trimmed(given.chartRepository);
    this.imageRegistry = trimmed(given.imageRegistry);
    this.imagePullSecrets = Array.isArray(given.imagePullSecrets) ? (given.imagePullSecrets as string[]) : [];
  }

  /** Checks the URLs; errors name `scope`'s path. */
  public validate(scope: IConstruct): void {
    const site = `${scope.node.path}/Mirror`;
    checkOptionsSchema(site, "MirrorOptions", this.options);
    const secrets = this.options.imagePullSecrets;
    check(
      secrets === undefined || (Array.isArray(secrets) && secrets.every((n) => isDnsSubdomain(n))),
      site,
      "imagePullSecrets must be a list of Secret names",
      secrets,
      'Use e.g. imagePullSecrets: ["regcred"].',
    );
    if (this.chartRepository !== undefined) {
      check(
        isUrl(this.chartRepository, ["http:", "https:", "oci:"]),
        site,
        "chartRepository must be an http(s):// or oci:// URL",
        this.options.chartRepository,
        'Use e.g. "https://charts.example.com/platform" or "oci://registry.example.com/charts".',
      );
    }
    if (this.imageRegistry !== undefined) {
      check(
        REGISTRY.test(this.imageRegistry),
        site,
        "imageRegistry must be a registry host with an optional port and path, without a scheme",
        this.options.imageRegistry,
        'Use e.g. "registry.example.com:5000" or "harbor.example.com/proxy".',
      );
    }
  }

  /** The repository to install `upstream` charts from. */
  public chartRepositoryFor(upstream: string): string {
    return this.chartRepository ?? upstream;
  }

  /**
   * An image reference with its registry replaced by the mirror's, keeping the path and tag:
   * `docker.io/apachepulsar/pulsar:4.0.12` -> `registry.example.com/apachepulsar/pulsar:4.0.12`.
   */
  public image(reference: string): string {
    if (!this.imageRegistry) return reference;
    return `${this.imageRegistry}/${imagePath(reference)}`;
  }

  /** The pull secrets as Kubernetes references (`[{ name }]`), or undefined when there are none. */
  public pullSecretRefs(): { name: string }[] | undefined {
    return this.imagePullSecrets.length > 0 ? this.imagePullSecrets.map((name) => ({ name })) : undefined;
  }

  /** The registry that replaces `upstreamRegistry` (e.g. "docker.io") in charts that take a registry value. */
  public registry(upstreamRegistry: string): string {
    return this.imageRegistry ?? upstreamRegistry;
  }
}

function isUrl(value: string, protocols: string[]): boolean {
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** The path of an image reference without its registry host ("nginx:1" -> "library/nginx:1"). */
export function imagePath(reference: string): string {
  const first = reference.split("/")[0];
  const hasRegistry = reference.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasRegistry) return reference.slice(first.length + 1);
  return reference.includes("/") ? reference : `library/${reference}`;
}
