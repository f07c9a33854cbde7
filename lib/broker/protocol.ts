import { check, PlatformConfigError } from "../core/errors";
import { checkOptionsSchema } from "../core/validate";

/** Options of a protocol handler. */
export interface ProtocolHandlerOptions {
  /**
   * Image that holds the handler's NAR (neither the Pulsar chart nor the Apache images carry
   * protocol handlers). It needs `sh` and `cp`: an init container copies the NAR into the broker.
   * Build one with e.g. `FROM busybox:1.37` + `COPY pulsar-protocol-handler-mqtt-4.0.10.1.nar /protocols/`.
   */
  readonly handlerImage: string;
  /**
   * Handler release, `<pulsar x.y.z>.<n>` as StreamNative versions them (KoP `3.1.1.1` is built
   * for Pulsar 3.1.1). @default - the tag of `handlerImage`
   */
  readonly handlerVersion?: string;
  /** Directory of the NAR inside the image. @default "/protocols" */
  readonly narDirectory?: string;
}

/** What a protocol handler needs from the broker. */
interface HandlerSpec {
  /** Name in `messagingProtocols`. */
  readonly name: string;
  /** Human name for messages. */
  readonly title: string;
  /** Upstream project and its state, for messages. */
  readonly project: string;
  /** Container/Service port. */
  readonly port: number;
  /** broker.conf settings the handler needs (listeners and companions). */
  readonly config: Record<string, string>;
  /** Whether upstream still maintains the handler. */
  readonly maintained: boolean;
  /** Last upstream release, for messages. */
  readonly lastRelease: string;
}

const SPECS: Record<string, HandlerSpec> = {
  kafka: {
    name: "kafka",
    title: "Kafka",
    project: "streamnative/kop (archived 2024-01)",
    port: 9092,
    config: {
      // KoP authenticates (and then authorizes) Kafka clients only when a SASL mechanism is allowed:
      // without one it serves every topic to anyone, whatever the broker's own authentication.
      // PLAIN carries the Pulsar token ("token:<jwt>") of the same role the service holds.
      kafkaListeners: "SASL_PLAINTEXT://0.0.0.0:9092",
      saslAllowedMechanisms: "PLAIN",
      // Group offsets live in one metadata tenant (public/__kafka) instead of one per SASL username,
      // so the autoscaler reads a group's lag with any credentials that may consume its topic.
      kafkaEnableMultiTenantMetadata: "false",
      // KoP reads offsets from the index that this interceptor appends to every entry.
      brokerEntryMetadataInterceptors: "org.apache.pulsar.common.intercept.AppendIndexMetadataInterceptor",
      // Kafka clients expect topics to live until deleted; Pulsar would garbage-collect idle ones.
      brokerDeleteInactiveTopicsEnabled: "false",
      allowAutoTopicCreationType: "partitioned",
    },
    maintained: false,
    lastRelease: "3.1.1.1",
  },
  mqtt: {
    name: "mqtt",
    title: "MQTT",
    project: "streamnative/mop",
    port: 1883,
    config: {
      mqttListeners: "mqtt://0.0.0.0:1883",
      // MoP accepts anonymous clients unless told otherwise. With "token", the MQTT password is the
      // Pulsar token (the username is required by MQTT, and ignored), and grants are enforced.
      mqttAuthenticationEnabled: "true",
      mqttAuthenticationMethods: "token",
      mqttAuthorizationEnabled: "true",
    },
    maintained: true,
    lastRelease: "4.0.10.x",
  },
  amqp: {
    name: "amqp",
    title: "AMQP 0-9-1",
    project: "streamnative/aop",
    port: 5672,
    config: { amqpListeners: "amqp://0.0.0.0:5672" },
    maintained: true,
    lastRelease: "4.0.10.x",
  },
  rocketmq: {
    name: "rocketmq",
    title: "RocketMQ",
    project: "streamnative/rop (not actively maintained, archived 2023-12)",
    port: 9876,
    config: {
      rocketmqListeners: "rocketmq://0.0.0.0:9876",
      brokerEntryMetadataInterceptors: "org.apache.pulsar.common.intercept.AppendIndexMetadataInterceptor",
      brokerDeleteInactiveTopicsEnabled: "false",
    },
    maintained: false,
    lastRelease: "0.2.0 (Pulsar 2.8)",
  },
};

/**
 * A messaging protocol the broker speaks besides Pulsar's own, through a protocol handler.
 *
 * `Protocol.KAFKA` and friends name the protocol without a handler image: the broker refuses
 * them with a message that says how to supply one, because no public image carries these
 * handlers for Pulsar 4.0. `Protocol.kafka({ handlerImage })` supplies one.
 */
export class Protocol {
  public static readonly KAFKA = new Protocol(SPECS.kafka);
  public static readonly MQTT = new Protocol(SPECS.mqtt);
  public static readonly AMQP = new Protocol(SPECS.amqp);
  public static readonly ROCKETMQ = new Protocol(SPECS.rocketmq);

  /** Kafka through KoP. */
  public static kafka(options: ProtocolHandlerOptions): Protocol {
    return new Protocol(SPECS.kafka, options);
  }
  /** MQTT through MoP. */
  public static mqtt(options: ProtocolHandlerOptions): Protocol {
    return new Protocol(SPECS.mqtt, options);
  }
  /** AMQP 0-9-1 through AoP. */
  public static amqp(options: ProtocolHandlerOptions): Protocol {
    return new Protocol(SPECS.amqp, options);
  }
  /** RocketMQ through RoP. */
  public static rocketmq(options: ProtocolHandlerOptions): Protocol {
    return new Protocol(SPECS.rocketmq, options);
  }

  /** Name in `messagingProtocols` ("kafka", "mqtt", "amqp", "rocketmq"). */
  public readonly name: string;
  /** Human name. */
  public readonly title: string;
  /** Port the handler listens on. */
  public readonly port: number;
  /** broker.conf settings the handler needs. */
  public readonly config: Readonly<Record<string, string>>;
  /** The handler image, if one was given. */
  public readonly handlerImage?: string;
  /** The handler's version, if known. */
  public readonly handlerVersion?: string;
  /** Directory of the NAR inside the handler image. */
  public readonly narDirectory: string;

  private constructor(
    private readonly spec: HandlerSpec,
    private readonly options?: ProtocolHandlerOptions,
  ) {
    this.name = spec.name;
    this.title = spec.title;
    this.port = spec.port;
    this.config = spec.config;
    // Kept as given when malformed (JSON- or YAML-loaded input): check() reports it.
    const text = (value: unknown) => (typeof value === "string" ? value : undefined);
    this.handlerImage = text(options?.handlerImage);
    this.handlerVersion = text(options?.handlerVersion) ?? tagOf(this.handlerImage);
    this.narDirectory = (text(options?.narDirectory) ?? "/protocols").replace(/\/+$/, "");
  }

  /**
   * Throws unless this protocol can run on a broker of `pulsarVersion`; the message says what
   * would (a handler image, a handler release for that Pulsar line).
   */
  public check(site: string, pulsarVersion: string): void {
    if (this.options !== undefined) checkOptionsSchema(site, "ProtocolHandlerOptions", this.options, `Protocol.${this.name}`);
    const line = majorMinor(pulsarVersion);
    if (!this.handlerImage) {
      const upstream = this.spec.maintained
        ? `${this.spec.project} publishes its NARs as release files (latest ${this.spec.lastRelease}), not as images`
        : `${this.spec.project} is not maintained; its last release is ${this.spec.lastRelease}`;
      throw new PlatformConfigError(
        site,
        `${this.title} needs a protocol handler image: neither the Pulsar chart nor the Apache images carry protocol handlers, and ${upstream}`,
        `Protocol.${this.name.toUpperCase()}`,
        `Build an image holding the handler's NAR built for Pulsar ${line} (FROM busybox, COPY the .nar into /protocols) and pass Protocol.${this.name}({ handlerImage: "<registry>/pulsar-${this.name}-handler:${line}.x.y" }).`,
      );
    }
    const handlerLine = this.handlerVersion ? majorMinor(this.handlerVersion) : "";
    check(
      /^\d+\.\d+$/.test(handlerLine),
      site,
      `the ${this.title} handler's version cannot be read from its image tag`,
      this.handlerImage,
      `Tag the image with the handler release (e.g. ":${line}.0.1") or pass handlerVersion.`,
    );
    if (handlerLine !== line) {
      const hint = this.spec.maintained
        ? `Use a ${this.title} handler release ${line}.x.y`
        : `${this.spec.project} has no release for Pulsar ${line}: build the handler from source against Pulsar ${pulsarVersion} and tag it ${line}.x.y, or drop ${this.title}`;
      throw new PlatformConfigError(
        site,
        `the ${this.title} handler ${this.handlerVersion} is built for Pulsar ${handlerLine}, but the broker runs Pulsar ${pulsarVersion}; a handler only loads into the Pulsar line it was built for`,
        this.handlerImage,
        `${hint}.`,
      );
    }
  }
}

function tagOf(image: string | undefined): string | undefined {
  if (!image || image.includes("@")) return undefined;
  const last = image.split("/").pop() ?? "";
  return last.includes(":") ? last.split(":").pop() : undefined;
}

function majorMinor(version: string): string {
  return version.replace(/^v/, "").split(".").slice(0, 2).join(".");
}
