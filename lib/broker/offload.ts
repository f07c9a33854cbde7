import { isDnsSubdomain } from "../core/names";
import { check, PlatformConfigError } from "../core/errors";
import { ObjectStorageService, Target } from "../core/target";
import { checkOptionsSchema } from "../core/validate";

/**
 * How the brokers authenticate to the object store: always by reference, never a literal key.
 */
export class OffloadCredentials {
  /**
   * Keys read from an existing Kubernetes Secret in the broker's namespace. The key names
   * default to what each store's driver reads from the environment.
   */
  public static fromSecret(secretName: string, keys: { readonly id?: string; readonly secret?: string } = {}): OffloadCredentials {
    return new OffloadCredentials("secret", secretName, keys);
  }

  /**
   * Keys given at deploy time as sensitive stack variables (`TF_VAR_offload_credential_id`,
   * `TF_VAR_offload_credential_secret`) and kept in a Secret the platform creates. Nothing is in
   * the synthesized JSON; note that Terraform state holds Secret data in plain text, so keep the
   * state encrypted.
   */
  public static fromStackVariables(): OffloadCredentials {
    return new OffloadCredentials("variables", OFFLOAD_SECRET, { id: "id", secret: "secret" });
  }

  /**
   * The target's workload identity (IRSA role ARN, GKE service account e-mail, ...), put on the
   * brokers' ServiceAccount; no key exists anywhere.
   */
  public static workloadIdentity(identity: string): OffloadCredentials {
    return new OffloadCredentials("identity", identity, {});
  }

  private constructor(
    /** "secret", "variables" or "identity". */
    public readonly kind: "secret" | "variables" | "identity",
    /** Secret name or identity. */
    public readonly reference: string,
    /** Secret key names. */
    public readonly keys: { readonly id?: string; readonly secret?: string },
  ) {}
}

/** Region names each cloud's object store takes: a region of another cloud is a silent wrong endpoint. */
const REGION_FORMATS: Partial<Record<ObjectStorageService, { name: string; format: RegExp; example: string }>> = {
  [ObjectStorageService.S3]: { name: "an AWS", format: /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/, example: "eu-west-1" },
  [ObjectStorageService.GCS]: { name: "a Google Cloud", format: /^[a-z]+(-[a-z]+)*\d+$/, example: "europe-west1" },
  [ObjectStorageService.AZURE_BLOB]: { name: "an Azure", format: /^[a-z]+\d*$/, example: "westeurope" },
  [ObjectStorageService.TENCENT_COS]: { name: "a Tencent Cloud", format: /^[a-z]{2}-[a-z]+(-[a-z]+)?$/, example: "ap-guangzhou" },
  [ObjectStorageService.ALIYUN_OSS]: { name: "an Alibaba Cloud", format: /^[a-z]{2}-[a-z]+(-\d+)?$/, example: "cn-hangzhou" },
};

/** Options shared by object stores. */
export interface ObjectStoreOptions {
  /** How the brokers authenticate. */
  readonly credentials: OffloadCredentials;
  /** Region of the bucket. @default - the target's region */
  readonly region?: string;
}

/** Options of `OffloadStore.minio()`. */
export interface MinioOptions {
  /** Endpoint of the MinIO (or other S3-compatible) server, e.g. "http://minio.storage.svc:9000". */
  readonly endpoint: string;
  /** Secret with the access key pair. */
  readonly credentials: OffloadCredentials;
}

/** Options of `OffloadStore.filesystem()`. */
export interface FilesystemOffloadOptions {
  /**
   * An existing ReadWriteMany claim, shared by every broker. @default - a claim of `size` on the
   * platform's StorageClass, which only a single broker can use
   */
  readonly existingClaim?: string;
  /** Size of the claim the platform creates. @default "10Gi" */
  readonly size?: string;
}

/** Env var names each driver reads credentials from (jclouds / AWS SDK / Pulsar's providers). */
const ENV_KEYS: Record<string, { id: string; secret: string }> = {
  "aws-s3": { id: "AWS_ACCESS_KEY_ID", secret: "AWS_SECRET_ACCESS_KEY" },
  azureblob: { id: "AZURE_STORAGE_ACCOUNT", secret: "AZURE_STORAGE_ACCESS_KEY" },
  "aliyun-oss": { id: "ALIYUN_OSS_ACCESS_KEY_ID", secret: "ALIYUN_OSS_ACCESS_KEY_SECRET" },
};

/** What a store contributes to the broker. */
export interface OffloadRendering {
  /** broker.conf settings. */
  readonly config: Record<string, string>;
  /** Environment variables from Secrets. */
  readonly secretEnv: { name: string; secretName: string; key: string }[];
  /** Volumes and mounts the brokers need. */
  readonly volumes: { name: string; volume: Record<string, unknown>; mountPath: string; readOnly?: boolean }[];
  /** The workload identity, if any, for the brokers' ServiceAccount. */
  readonly identity?: string;
  /** Whether the platform must create the credentials Secret from stack variables. */
  readonly secretFromVariables?: boolean;
}

/**
 * Where cold ledgers go (tiered storage). One factory per store; credentials only by reference.
 * Pulsar's drivers: `aws-s3` (also for S3-compatible endpoints), `google-cloud-storage`,
 * `azureblob`, `aliyun-oss`, `filesystem`.
 */
export class OffloadStore {
  /** Amazon S3. */
  public static s3(bucket: string, options: ObjectStoreOptions): OffloadStore {
    return new OffloadStore("OffloadStore.s3", ObjectStorageService.S3, "aws-s3", bucket, options);
  }

  /** Google Cloud Storage. A Secret must hold a service-account JSON key under `keys.secret` (default "key.json"). */
  public static gcs(bucket: string, options: ObjectStoreOptions): OffloadStore {
    return new OffloadStore("OffloadStore.gcs", ObjectStorageService.GCS, "google-cloud-storage", bucket, options);
  }

  /** Azure Blob Storage (`bucket` is the container). The driver needs an account key: a Secret only. */
  public static azureBlob(container: string, options: ObjectStoreOptions): OffloadStore {
    return new OffloadStore("OffloadStore.azureBlob", ObjectStorageService.AZURE_BLOB, "azureblob", container, options);
  }

  /** Tencent Cloud COS through its S3-compatible endpoint `https://cos.<region>.myqcloud.com`. */
  public static tencentCos(bucket: string, options: ObjectStoreOptions): OffloadStore {
    return new OffloadStore("OffloadStore.tencentCos", ObjectStorageService.TENCENT_COS, "aws-s3", bucket, options);
  }

  /** Alibaba Cloud OSS. */
  public static aliyunOss(bucket: string, options: ObjectStoreOptions): OffloadStore {
    return new OffloadStore("OffloadStore.aliyunOss", ObjectStorageService.ALIYUN_OSS, "aliyun-oss", bucket, options);
  }

  /** MinIO or any S3-compatible server, by endpoint. */
  public static minio(bucket: string, options: MinioOptions): OffloadStore {
    return new OffloadStore("OffloadStore.minio", ObjectStorageService.MINIO, "aws-s3", bucket, options);
  }

  /** A filesystem volume (edge sites and laptops). */
  public static filesystem(options: FilesystemOffloadOptions = {}): OffloadStore {
    return new OffloadStore("OffloadStore.filesystem", ObjectStorageService.FILESYSTEM, "filesystem", "", options);
  }

  /** The store a target keeps cold data in, for `bucket`. */
  public static forTarget(target: Target, bucket: string, credentials: OffloadCredentials): OffloadStore {
    const region = target.objectStorage.region;
    switch (target.objectStorage.service) {
      case ObjectStorageService.S3:
        return OffloadStore.s3(bucket, { credentials, region });
      case ObjectStorageService.GCS:
        return OffloadStore.gcs(bucket, { credentials, region });
      case ObjectStorageService.AZURE_BLOB:
        return OffloadStore.azureBlob(bucket, { credentials, region });
      case ObjectStorageService.TENCENT_COS:
        return OffloadStore.tencentCos(bucket, { credentials, region });
      case ObjectStorageService.ALIYUN_OSS:
        return OffloadStore.aliyunOss(bucket, { credentials, region });
      case ObjectStorageService.MINIO:
        return OffloadStore.minio(bucket, { credentials, endpoint: target.objectStorage.endpoint ?? "" });
      default:
        return OffloadStore.filesystem();
    }
  }

  private constructor(
    private readonly factory: string,
    /** The kind of store. */
    public readonly service: ObjectStorageService,
    /** Pulsar's offload driver. */
    public readonly driver: string,
    /** Bucket or container ("" for the filesystem). */
    public readonly bucket: string,
    private readonly options: object,
  ) {}

  /** Name of the claim the platform creates for a filesystem store, if it creates one. */
  public get createdClaim(): { name: string; size: string } | undefined {
    const o = this.options as FilesystemOffloadOptions;
    if (this.service !== ObjectStorageService.FILESYSTEM || o.existingClaim) return undefined;
    return { name: "pulsar-offload", size: o.size ?? "10Gi" };
  }

  /**
   * Checks the store and renders what the brokers need. `site` names the broker for errors;
   * `brokers` is the broker count (a created filesystem claim serves one broker only).
   */
  public render(site: string, target: Target, brokers: number): OffloadRendering {
    const where = `${site}/${this.factory}`;
    checkOptionsSchema(where, this.factory === "OffloadStore.minio" ? "MinioOptions" : this.factory === "OffloadStore.filesystem" ? "FilesystemOffloadOptions" : "ObjectStoreOptions", this.options);
    const opts = this.options as Partial<ObjectStoreOptions & MinioOptions & FilesystemOffloadOptions>;

    if (this.service === ObjectStorageService.FILESYSTEM) {
      check(
        brokers <= 1 || !!opts.existingClaim,
        where,
        `a filesystem store needs a volume every broker can mount, but ${brokers} brokers would share a ReadWriteOnce claim`,
        brokers,
        "Pass existingClaim: a ReadWriteMany claim (NFS, CephFS, EFS, Filestore), or use an object store.",
      );
      const claimName = opts.existingClaim ?? this.createdClaim!.name;
      return {
        config: {
          managedLedgerOffloadDriver: "filesystem",
          fileSystemURI: "file:///",
          // Hadoop keeps offloaded ledgers under hadoop.tmp.dir, set in this profile.
          fileSystemProfilePath: `${OFFLOAD_PROFILE_DIR}/core-site.xml`,
        },
        secretEnv: [],
        volumes: [
          { name: "offload-data", volume: { persistentVolumeClaim: { claimName } }, mountPath: OFFLOAD_DATA_DIR },
          { name: "offload-profile", volume: { configMap: { name: OFFLOAD_PROFILE_CONFIGMAP } }, mountPath: OFFLOAD_PROFILE_DIR, readOnly: true },
        ],
      };
    }

    check(typeof this.bucket === "string" && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(this.bucket), where, "the bucket must be a bucket name (3 to 63 lowercase letters, digits, '.' or '-')", this.bucket, 'Use e.g. "shop-pulsar-offload".');
    const credentials = opts.credentials;
    if (!(credentials instanceof OffloadCredentials)) {
      throw new PlatformConfigError(
        where,
        "credentials must be a reference, never a literal key (it would be written into the Terraform state and the synthesized JSON)",
        redact(credentials),
        'Use OffloadCredentials.fromSecret("<existing secret>") or OffloadCredentials.workloadIdentity("<role or service account>").',
      );
    }
    if (credentials.kind === "secret") {
      check(isDnsSubdomain(credentials.reference), where, "the credentials Secret's name must be a Secret name", credentials.reference, 'Use e.g. OffloadCredentials.fromSecret("pulsar-offload").');
    }
    const region = opts.region ?? target.region;
    const pattern = REGION_FORMATS[this.service];
    if (region !== undefined && pattern) {
      check(typeof region === "string" && pattern.format.test(region), where, `region must be ${pattern.name} region name`, region, `Use e.g. "${pattern.example}".`);
    }
    const config: Record<string, string> = { managedLedgerOffloadDriver: this.driver, managedLedgerOffloadBucket: this.bucket };
    if (region) config.managedLedgerOffloadRegion = region;
    const endpoint = this.endpoint(where, region, opts.endpoint);
    if (endpoint) config.managedLedgerOffloadServiceEndpoint = endpoint;

    const rendering: OffloadRendering = { config, secretEnv: [], volumes: [], secretFromVariables: credentials.kind === "variables" };
    if (credentials.kind === "identity") {
      check(!!target.workloadIdentity, where, `target "${target.kind}" has no workload identity the brokers can use`, credentials.reference, "Use OffloadCredentials.fromSecret(...) with an access key Secret.");
      check(
        this.driver === "aws-s3" || this.driver === "google-cloud-storage",
        where,
        `Pulsar's ${this.driver} driver reads only keys, not workload identities`,
        this.driver,
        "Use OffloadCredentials.fromSecret(...).",
      );
      return { ...rendering, identity: credentials.reference };
    }
    if (this.driver === "google-cloud-storage") {
      config.gcsManagedLedgerOffloadServiceAccountKeyFile = `${GCS_KEY_DIR}/${credentials.keys.secret ?? "key.json"}`;
      return { ...rendering, volumes: [{ name: "gcs-key", volume: { secret: { secretName: credentials.reference } }, mountPath: GCS_KEY_DIR, readOnly: true }] };
    }
    const env = ENV_KEYS[this.driver];
    return {
      ...rendering,
      secretEnv: [
        { name: env.id, secretName: credentials.reference, key: credentials.keys.id ?? env.id },
        { name: env.secret, secretName: credentials.reference, key: credentials.keys.secret ?? env.secret },
      ],
    };
  }

  private endpoint(where: string, region: string | undefined, given: string | undefined): string | undefined {
    switch (this.service) {
      case ObjectStorageService.TENCENT_COS:
        check(!!region, where, "COS needs a region for its endpoint", region, 'Pass region, e.g. "ap-guangzhou".');
        return `https://cos.${region}.myqcloud.com`;
      case ObjectStorageService.ALIYUN_OSS:
        check(!!region, where, "OSS needs a region for its endpoint", region, 'Pass region, e.g. "cn-hangzhou".');
        return `https://oss-${region}-internal.aliyuncs.com`;
      case ObjectStorageService.MINIO:
        check(!!given && /^https?:\/\/[^\s/]+/.test(given), where, "endpoint must be the http(s) URL of the S3-compatible server", given, 'Use e.g. "http://minio.storage.svc:9000".');
        return given;
      default:
        return undefined;
    }
  }
}

/** Name of the Secret the platform creates for `OffloadCredentials.fromStackVariables()`. */
export const OFFLOAD_SECRET = "pulsar-offload";

/** Where the filesystem store's data and Hadoop profile are mounted in the brokers. */
export const OFFLOAD_DATA_DIR = "/pulsar/offload";
export const OFFLOAD_PROFILE_DIR = "/pulsar/conf/offload";
export const OFFLOAD_PROFILE_CONFIGMAP = "pulsar-offload-profile";
const GCS_KEY_DIR = "/pulsar/gcs";

/** Shows the shape of a bad credentials value without echoing any secret in it. */
function redact(value: unknown): unknown {
  if (value && typeof value === "object") return Object.fromEntries(Object.keys(value).map((k) => [k, "<redacted>"]));
  if (typeof value === "string") return "<redacted string>";
  return value;
}
