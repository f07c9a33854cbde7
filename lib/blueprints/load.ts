import { Construct } from "constructs";
import { IPlatformComponent } from "../core/component";
import { PlatformConfigError } from "../core/errors";
import { KubernetesConnection } from "../core/connection";
import { Mirror } from "../core/mirror";
import { Profile } from "../core/profile";
import { LocalTargetOptions, Target } from "../core/target";
import { CertManager } from "../security/cert-manager";
import { OffloadCredentials, OffloadStore } from "../broker/offload";
import { Protocol } from "../broker/protocol";
import { PulsarNamespace, PulsarTopic } from "../broker/tenancy";
import { ExternalBroker } from "../broker/external-broker";
import { BrokerOptions } from "../broker/broker";
import { Tracing, TraceStorage } from "../observability/tracing";
import { DaprRuntime, DaprServiceOptions } from "../runtime/dapr-runtime";
import { Nacos, NacosStorage } from "../discovery/nacos";
import type { ConfigEntryOptions } from "../core/bindings";
import { Consul } from "../discovery/consul";
import { ScaleTrigger } from "../autoscaling/scale-trigger";
import { Keda } from "../autoscaling/keda";
import { Team } from "../workloads/team";
import { Microservice } from "../workloads/microservice";
import { MicroservicePlatform, MicroservicePlatformProps } from "../platform/microservice-platform";
import type { PlatformSpec, ServiceSpecData } from "./spec";
import { isPlatformSpecDocument, PlatformSpecDocument, readPlatformSpec } from "./source";
import { PlatformSpecError, specPathOf } from "./spec-error";

type Path = readonly (string | number)[];
/** Any object of the spec's data: the schema has checked its shape. */
type Data = Record<string, any>;

/** Options of `loadPlatformSpec`. */
export interface LoadPlatformSpecOptions {
  /** The platform's name (construct id and stack prefix). @default - the spec's `name`, else the file's base name */
  readonly id?: string;
  /** The name messages give an object spec (a file is named by its path). @default "spec" */
  readonly source?: string;
}

/**
 * A platform from a spec, in one call: a YAML or JSON file (`"blueprints/aws.yaml"`), a spec as
 * an object, or what `readPlatformSpec` returned. Bad input is a PlatformSpecError that names the
 * file, line and column, the spec path, the value and a fix.
 */
export function loadPlatformSpec(scope: Construct, spec: string | object | PlatformSpecDocument, options: LoadPlatformSpecOptions = {}): MicroservicePlatform {
  const document = isPlatformSpecDocument(spec) ? spec : readPlatformSpec(spec, { source: options.source });
  const plan = planOf(document);
  return plan.build(scope, options.id);
}

/** `loadPlatformSpec` with the platform's name first, like a construct's constructor. */
export function platformFromSpec(scope: Construct, id: string, spec: string | object | PlatformSpecDocument): MicroservicePlatform {
  return loadPlatformSpec(scope, spec, { id });
}

/**
 * What a spec turns into: the platform's props (made afresh for every platform: components are
 * never shared) and a step that adds its tenants, topics, teams, services, components' resources
 * and config on a platform. Steps find components on the platform by type, so props changed in
 * code (PlatformPreset.withProps) are honoured.
 */
export interface SpecPlan {
  /** The spec's name (or its file's). */
  readonly name?: string;
  /** The platform's props, made afresh. */
  props(): MicroservicePlatformProps;
  /** Adds what the spec declares to a platform built from (possibly changed) props. */
  apply(platform: MicroservicePlatform): void;
  /**
   * The platform from `props`. When they are the props this plan made last (unchanged by code),
   * the platform's own refusal is located in the spec; props changed in code are the code's, so
   * their refusals pass as the construct made them.
   */
  platform(scope: Construct, name: string, props: MicroservicePlatformProps): MicroservicePlatform;
  /** The platform, named `id` or after the spec. */
  build(scope: Construct, id?: string): MicroservicePlatform;
}

/** The plan of a read spec. */
export function planOf(document: PlatformSpecDocument): SpecPlan {
  const { spec, locate } = document;
  const at = <T>(path: Path, fn: () => T): T => locatedAt(locate, path, fn);
  let made: MicroservicePlatformProps | undefined;
  const plan: SpecPlan = {
    name: document.name,
    props: () => (made = propsOf(spec, at)),
    apply: (platform) => applyTo(platform, spec, at, locate),
    platform: (scope, name, props) => {
      const own = made !== undefined && sameProps(props, made);
      try {
        return new MicroservicePlatform(scope, name, props);
      } catch (e) {
        if (!own || e instanceof PlatformSpecError || !(e instanceof PlatformConfigError)) throw e;
        throw platformError(document, e);
      }
    },
    build: (scope, id) => {
      const name = id ?? document.name;
      if (name === undefined) throw new PlatformSpecError(locate([]), "", "has no name", undefined, 'Give it name: "shop", or pass an id.');
      const platform = plan.platform(scope, name, plan.props());
      plan.apply(platform);
      return platform;
    },
  };
  return plan;
}

/** Whether two props objects hold the same values (a spec's props, not changed in code). */
function sameProps(a: MicroservicePlatformProps, b: MicroservicePlatformProps): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof MicroservicePlatformProps>;
  return [...keys].every((k) => a[k] === b[k]);
}

/**
 * The platform's own refusal of a spec's props, located where the spec can change it. Its checks
 * weigh props against each other: one about the profile (zones enough for its quorums) points at
 * `profile:`, or, when the spec left the profile to its default, at `target:` with a word on that
 * default (a spec without a profile is production, which a laptop cluster cannot hold).
 */
function platformError(document: PlatformSpecDocument, cause: PlatformConfigError): PlatformSpecError {
  const { spec, locate } = document;
  const problem = cause.message.slice(cause.site.length + 3, cause.message.indexOf(` (received: ${cause.received}). `));
  const aboutProfile = /\/Profile\([^)]*\)$/.test(cause.site) || /\bprofile\b/i.test(problem);
  const defaulted = aboutProfile && spec.profile === undefined;
  const path = aboutProfile ? (defaulted ? ["target"] : ["profile"]) : /\/Target\.\w+$/.test(cause.site) ? ["target"] : [];
  const note = defaulted ? "The spec names no profile, so it is production (the default)." : undefined;
  return PlatformSpecError.located(locate(path), specPathOf(path), cause, note);
}

/**
 * Runs `fn`; a construct's refusal is located at `path` in the spec. Other errors pass: they are
 * bugs, not bad input.
 */
function locatedAt<T>(locate: (path: Path) => string, path: Path, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PlatformSpecError || !(e instanceof PlatformConfigError)) throw e;
    throw PlatformSpecError.located(locate(path), specPathOf(path), e);
  }
}

type At = <T>(path: Path, fn: () => T) => T;

/** The key and options of a one-key object (`{ eks: {...} }`). */
function choice(value: Data): [string, any] {
  const [key] = Object.keys(value);
  return [key, value[key]];
}

/** The object without undefined fields: an option given as absent is the same as one left out. */
function defined<T extends Data>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function propsOf(spec: PlatformSpec, at: At): MicroservicePlatformProps {
  return defined({
    target: at(["target"], () => targetOf(spec.target)),
    profile: spec.profile === undefined ? undefined : at(["profile"], () => profileOf(spec.profile!)),
    mirror: spec.mirror === undefined ? undefined : at(["mirror"], () => Mirror.of(spec.mirror!)),
    broker: spec.broker === undefined ? undefined : at(["broker"], () => brokerOf(spec.broker!, at)),
    components: spec.components === undefined ? undefined : Object.entries(spec.components).map(([kind, options]) => at(["components", kind], () => factoryOf(COMPONENTS, kind, "component")(options ?? {}))),
    prometheusOperator: spec.prometheusOperator,
    policy: spec.policy,
  });
}

// The kinds each one-key choice of the schema allows: a table below missing one does not compile.
type TargetKind = keyof PlatformSpec["target"];
type ConnectionKind = keyof NonNullable<NonNullable<PlatformSpec["target"]["kind"]>["connection"]>;
type ProfileName = Extract<NonNullable<PlatformSpec["profile"]>, string>;
type BrokerSpecData = Exclude<NonNullable<PlatformSpec["broker"]>, false>;
type ProtocolKind = keyof NonNullable<BrokerSpecData["protocols"]>[number];
type OffloadKind = keyof NonNullable<BrokerSpecData["offload"]>;
type CredentialsSpec = NonNullable<NonNullable<BrokerSpecData["offload"]>["s3"]>["credentials"];
type CredentialsKind = Extract<CredentialsSpec, string> | keyof Extract<CredentialsSpec, object>;
type ComponentKind = keyof NonNullable<PlatformSpec["components"]>;
type TraceStorageKind = keyof NonNullable<NonNullable<NonNullable<PlatformSpec["components"]>["tracing"]>["storage"]>;
type TriggerKind = keyof NonNullable<ServiceSpecData["autoscale"]>["triggers"][number];

/**
 * The factory a table has for `kind`. The schema allows only the tables' kinds, and the tables'
 * types list every kind the schema has: an unknown kind here is a bug, not bad input.
 */
function factoryOf<K extends string, F>(table: Record<K, F>, kind: string, what: string): F {
  if (!Object.prototype.hasOwnProperty.call(table, kind)) throw new Error(`lib/blueprints/load.ts: no ${what} "${kind}", though the spec schema allows it`);
  return table[kind as K];
}

const TARGETS: Record<TargetKind, (options: any) => Target> = {
  eks: (o) => Target.eks(o), gke: (o) => Target.gke(o), aks: (o) => Target.aks(o), tke: (o) => Target.tke(o), ack: (o) => Target.ack(o), k3s: (o) => Target.k3s(o), kind: (o) => Target.kind(o),
};

function targetOf(spec: Data): Target {
  const [kind, options] = choice(spec);
  const connection = options.connection === undefined ? undefined : connectionOf(options.connection);
  return factoryOf(TARGETS, kind, "target")(defined({ ...options, connection }) as LocalTargetOptions);
}

const CONNECTIONS: Record<ConnectionKind, (options: any) => KubernetesConnection> = { kubeconfig: (o) => KubernetesConnection.kubeconfig(o), cluster: (o) => KubernetesConnection.cluster(o) };

function connectionOf(spec: Data): KubernetesConnection {
  const [kind, options] = choice(spec);
  return factoryOf(CONNECTIONS, kind, "connection")(options);
}

const PROFILES: Record<ProfileName, Profile> = { production: Profile.PRODUCTION, dev: Profile.DEV, edge: Profile.EDGE };

function profileOf(spec: string | Data): Profile {
  if (typeof spec === "string") return factoryOf(PROFILES, spec, "profile");
  const [base, overrides] = choice(spec);
  const profile = factoryOf(PROFILES, base, "profile");
  // No overrides is the profile itself (with() would name it "<base>-custom").
  return Object.keys(overrides).length === 0 ? profile : profile.with(overrides);
}

function brokerOf(spec: false | Data, at: At): BrokerOptions | false {
  if (spec === false) return false;
  const { protocols, offload, ...options } = spec;
  return defined({
    ...options,
    protocols: protocols === undefined ? undefined : (protocols as Data[]).map((p, i) => at(["broker", "protocols", i], () => protocolOf(p))),
    offload: offload === undefined ? undefined : at(["broker", "offload"], () => offloadOf(offload)),
  });
}

const PROTOCOLS: Record<ProtocolKind, (options: any) => Protocol> = { kafka: (o) => Protocol.kafka(o), mqtt: (o) => Protocol.mqtt(o), amqp: (o) => Protocol.amqp(o), rocketmq: (o) => Protocol.rocketmq(o) };

function protocolOf(spec: Data): Protocol {
  const [kind, options] = choice(spec);
  return factoryOf(PROTOCOLS, kind, "protocol")(options);
}

/** Object stores take a bucket and credentials; the filesystem store takes neither. */
const STORES: Record<OffloadKind, (options: any) => OffloadStore> = {
  s3: ({ bucket, credentials, ...o }) => OffloadStore.s3(bucket, defined({ ...o, credentials: credentialsOf(credentials) })),
  gcs: ({ bucket, credentials, ...o }) => OffloadStore.gcs(bucket, defined({ ...o, credentials: credentialsOf(credentials) })),
  azureBlob: ({ bucket, credentials, ...o }) => OffloadStore.azureBlob(bucket, defined({ ...o, credentials: credentialsOf(credentials) })),
  tencentCos: ({ bucket, credentials, ...o }) => OffloadStore.tencentCos(bucket, defined({ ...o, credentials: credentialsOf(credentials) })),
  aliyunOss: ({ bucket, credentials, ...o }) => OffloadStore.aliyunOss(bucket, defined({ ...o, credentials: credentialsOf(credentials) })),
  minio: ({ bucket, credentials, ...o }) => OffloadStore.minio(bucket, defined({ ...o, credentials: credentialsOf(credentials) })),
  filesystem: (o) => OffloadStore.filesystem(o),
};

function offloadOf(spec: Data): OffloadStore {
  const [kind, options] = choice(spec);
  return factoryOf(STORES, kind, "offload store")(options);
}

const CREDENTIALS: Record<CredentialsKind, (options: any) => OffloadCredentials> = {
  fromStackVariables: () => OffloadCredentials.fromStackVariables(),
  fromSecret: (o) => OffloadCredentials.fromSecret(o.secretName, defined({ id: o.idKey, secret: o.secretKey })),
  workloadIdentity: (o) => OffloadCredentials.workloadIdentity(o),
};

function credentialsOf(spec: string | Data): OffloadCredentials {
  const [kind, options] = typeof spec === "string" ? [spec, undefined] : choice(spec);
  return factoryOf(CREDENTIALS, kind, "credentials")(options);
}

const COMPONENTS: Record<ComponentKind, (options: any) => IPlatformComponent> = {
  nacos: ({ storage, ...o }) => new Nacos(defined({ ...o, storage: storage === undefined ? undefined : storage === "embedded" ? NacosStorage.embedded() : NacosStorage.mysql(storage.mysql) })),
  tracing: ({ storage, ...o }) => new Tracing(defined({ ...o, storage: storage === undefined ? undefined : traceStorageOf(storage) })),
  consul: (o) => new Consul(o),
  dapr: (o) => new DaprRuntime(o),
  keda: (o) => new Keda(o),
  certManager: (o) => new CertManager(o),
  externalBroker: (o) => new ExternalBroker(o),
};

const TRACE_STORAGE: Record<TraceStorageKind, (options: any) => TraceStorage> = {
  memory: (o) => TraceStorage.memory(o), elasticsearch: (o) => TraceStorage.elasticsearch(o), opensearch: (o) => TraceStorage.opensearch(o),
};

function traceStorageOf(spec: Data): TraceStorage {
  const [kind, options] = choice(spec);
  return factoryOf(TRACE_STORAGE, kind, "trace storage")(options);
}

/** Declared broker objects and the spec's teams and services, by the names the spec uses. */
interface Declared {
  readonly topics: Map<string, PulsarTopic>;
  readonly namespaces: Map<string, PulsarNamespace>;
  readonly teams: Map<string, Team>;
  readonly services: Map<string, Microservice>;
}

function applyTo(platform: MicroservicePlatform, spec: PlatformSpec, at: At, locate: (path: Path) => string): void {
  const declared: Declared = { topics: new Map(), namespaces: new Map(), teams: new Map(), services: new Map() };
  const refuse = (path: Path, problem: string, received: unknown, fix: string): never => {
    throw new PlatformSpecError(locate(path), specPathOf(path), problem, received, fix);
  };

  // Topics of public/default, then tenants with their namespaces and topics.
  for (const [name, options] of Object.entries(spec.topics ?? {})) {
    const topic = at(["topics", name], () => platform.broker.topic(name, options ?? {}));
    declared.topics.set(name, topic);
    declared.topics.set(`public/default/${name}`, topic);
    declared.namespaces.set("public/default", topic.namespace);
  }
  for (const [tenantName, tenantSpec] of Object.entries(spec.tenants ?? {})) {
    const { namespaces, ...tenantOptions } = tenantSpec;
    const tenant = at(["tenants", tenantName], () => platform.broker.addTenant(tenantName, tenantOptions));
    for (const [nsName, nsSpec] of Object.entries(namespaces ?? {})) {
      const { topics, ...nsOptions } = nsSpec;
      const namespace = at(["tenants", tenantName, "namespaces", nsName], () => tenant.addNamespace(nsName, nsOptions));
      declared.namespaces.set(namespace.fullName, namespace);
      for (const [topicName, topicOptions] of Object.entries(topics ?? {})) {
        const topic = at(["tenants", tenantName, "namespaces", nsName, "topics", topicName], () => namespace.addTopic(topicName, topicOptions ?? {}));
        declared.topics.set(`${namespace.fullName}/${topicName}`, topic);
        if (namespace.fullName === "public/default") declared.topics.set(topicName, topic);
      }
    }
  }
  const topicNames = () => [...declared.topics.keys()].filter((k) => !k.startsWith("public/default/") || !declared.topics.has(k.slice("public/default/".length)));
  const topicOf = (path: Path, name: string): PulsarTopic =>
    declared.topics.get(name) ??
    refuse(path, `names topic "${name}", which the spec does not declare`, name, `Declare it under topics (public/default) or tenants.<tenant>.namespaces.<namespace>.topics; declared: ${topicNames().join(", ") || "none"}.`);
  const grantable = (path: Path, name: string): PulsarTopic | PulsarNamespace =>
    declared.topics.get(name) ??
    declared.namespaces.get(name) ??
    refuse(path, `names "${name}", which is not a declared topic or namespace`, name, `Use a declared topic ("hello", "tenant/namespace/topic") or namespace ("tenant/namespace"); topics: ${topicNames().join(", ") || "none"}.`);

  for (const [name, options] of Object.entries(spec.teams ?? {})) {
    declared.teams.set(name, at(["teams", name], () => platform.addTeam(name, options)));
  }
  const defaultTeam = `${platform.platformName}-apps`;
  const teamOf = (path: Path, name: string): Team => {
    if (declared.teams.has(name)) return declared.teams.get(name)!;
    if (name === defaultTeam) return at(path, () => platform.defaultTeam);
    return refuse(path, `names team "${name}", which the spec does not declare`, name, `Declare it under teams, or leave team out for the default team ${defaultTeam}; declared: ${[...declared.teams.keys()].join(", ") || "none"}.`);
  };
  const dapr = (path: Path): DaprRuntime =>
    platform.tryComponent(DaprRuntime) ?? refuse(path, "needs the sidecar runtime, which the platform does not have", "no dapr component", "Add dapr: {} under components.");

  for (const [name, service] of Object.entries(spec.services ?? {})) {
    declared.services.set(name, addService(platform, name, service, { at, topicOf, grantable, teamOf, dapr }));
  }

  for (const [i, component] of (spec.daprComponents ?? []).entries()) {
    const path = ["daprComponents", i];
    const { team, users, ...options } = component;
    const owner = teamOf([...path, "team"], team);
    const services = users.map((user, j) => declared.services.get(user) ?? refuse([...path, "users", j], `names service "${user}", which the spec does not declare`, user, `Name services of the spec; declared: ${[...declared.services.keys()].join(", ") || "none"}.`));
    at(path, () => dapr(path).addComponent(owner, { ...options, users: services }));
  }

  // Config entries: each service's own (group = its name, in its team's namespace), then the spec's.
  for (const [name, service] of Object.entries(spec.services ?? {})) {
    for (const [dataId, content] of Object.entries(service.config ?? {})) {
      const path = ["services", name, "config", dataId];
      at(path, () => platform.registry.config(name, dataId, content as string | Record<string, unknown>, { team: declared.services.get(name)!.team }));
    }
  }
  for (const [i, entry] of (spec.config ?? []).entries()) {
    const path = ["config", i];
    const team = entry.team === undefined ? undefined : teamOf([...path, "team"], entry.team);
    at(path, () => platform.registry.config(entry.group, entry.dataId, entry.content as string | Record<string, unknown>, defined({ team, format: entry.format as ConfigEntryOptions["format"] })));
  }
}

interface Resolvers {
  readonly at: At;
  topicOf(path: Path, name: string): PulsarTopic;
  grantable(path: Path, name: string): PulsarTopic | PulsarNamespace;
  teamOf(path: Path, name: string): Team;
  dapr(path: Path): DaprRuntime;
}

/** A service and what the spec says it does, in the order the TypeScript API would be called. */
function addService(platform: MicroservicePlatform, name: string, spec: ServiceSpecData, r: Resolvers): Microservice {
  const path = ["services", name];
  const { team, dapr, publish, subscribe, grants, autoscale, expose, config: _config, ...options } = spec;
  const owner = team === undefined ? undefined : r.teamOf([...path, "team"], team);
  const service = r.at(path, () => platform.addService(name, defined({ ...options, team: owner })));
  // Sidecar options first: publish and subscribe put the service on the runtime with the defaults.
  if (dapr !== undefined) r.at([...path, "dapr"], () => r.dapr([...path, "dapr"]).enable(service, dapr as DaprServiceOptions));
  (publish ?? []).forEach((topic, i) => {
    const at = [...path, "publish", i];
    const resolved = r.topicOf(at, topic);
    r.at(at, () => service.publish(resolved));
  });
  (subscribe ?? []).forEach((subscription, i) => {
    const at = [...path, "subscribe", i];
    const { topic, deadLetter, ...rest } = subscription;
    const resolved = r.topicOf([...at, "topic"], topic);
    const dlq = deadLetter === undefined ? undefined : r.topicOf([...at, "deadLetter"], deadLetter);
    r.at(at, () => service.subscribe(resolved, defined({ ...rest, deadLetter: dlq })));
  });
  for (const action of ["produce", "consume"] as const) {
    (grants?.[action] ?? []).forEach((ref, i) => {
      const at = [...path, "grants", action, i];
      const resource = r.grantable(at, ref);
      r.at(at, () => (action === "produce" ? resource.grantProduce(service) : resource.grantConsume(service)));
    });
  }
  if (autoscale !== undefined) {
    const { triggers, ...rest } = autoscale;
    const built = triggers.map((trigger, i) => triggerOf([...path, "autoscale", "triggers", i], trigger as Data, r));
    r.at([...path, "autoscale"], () => service.autoscale({ ...rest, triggers: built }));
  }
  if (expose !== undefined) r.at([...path, "expose"], () => service.expose(expose));
  return service;
}

/** Backlog and lag triggers name a topic of the spec; the others take their options as they are. */
const TRIGGERS: Record<TriggerKind, (options: any, topic: (name: string) => PulsarTopic, at: <T>(fn: () => T) => T) => ScaleTrigger> = {
  http: (o, _, at) => at(() => ScaleTrigger.http(o)),
  cron: (o, _, at) => at(() => ScaleTrigger.cron(o)),
  cpu: (o, _, at) => at(() => ScaleTrigger.cpu(o)),
  memory: (o, _, at) => at(() => ScaleTrigger.memory(o)),
  prometheus: (o, _, at) => at(() => ScaleTrigger.prometheus(o)),
  pulsarBacklog: ({ topic, ...o }, resolve, at) => {
    const resolved = resolve(topic);
    return at(() => ScaleTrigger.pulsarBacklog(resolved, o));
  },
  kafkaLag: ({ topic, ...o }, resolve, at) => {
    const resolved = resolve(topic);
    return at(() => ScaleTrigger.kafkaLag(resolved, o));
  },
};

function triggerOf(path: Path, spec: Data, r: Resolvers): ScaleTrigger {
  const [kind, options] = choice(spec);
  return factoryOf(TRIGGERS, kind, "trigger")(options, (name) => r.topicOf([...path, kind, "topic"], name), (fn) => r.at(path, fn));
}
