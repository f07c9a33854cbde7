import type { TSchema } from "@sinclair/typebox";
import {
  BrokerOptions, CloudTargetOptions, ClusterEndpointOptions, GkeTargetOptions, KubeconfigOptions, LocalTargetOptions, MirrorOptions, PlatformProps, ProfileOverrides, ProtocolHandlerOptions, TkeTargetOptions,
} from "./platform";
import { ExposeOptions, ServiceOptions, TeamOptions } from "./workloads";
import { PulsarNamespaceOptions, TenantOptions, TopicOptions } from "./broker";
import {
  AutoscaleOptions, CertManagerOptions, CronTriggerOptions, HttpTriggerOptions, KafkaLagOptions, PrometheusTriggerOptions, PulsarBacklogOptions, UtilizationOptions, ConfigEntryOptions, ConsulOptions, DaprRuntimeOptions, DaprServiceOptions, DaprSubscribeOptions, DaprTeamComponentOptions, ExternalBrokerOptions,
  FilesystemOffloadOptions, KedaOptions, MinioOptions, NacosMysqlOptions, NacosOptions, ObjectStoreOptions, SearchStoreOptions, TracingOptions,
} from "./components";

/**
 * Every options type the public API takes, by name: the source of the validators in
 * `lib/generated/validators.ts` (`npm run schemas`) and of the JSON Schema of blueprint files.
 * This module, and the schema library, load only when an input fails, to say where and why.
 */
export const SCHEMAS = {
  PlatformProps,
  BrokerOptions,
  CloudTargetOptions,
  GkeTargetOptions,
  TkeTargetOptions,
  LocalTargetOptions,
  MirrorOptions,
  ProfileOverrides,
  KubeconfigOptions,
  ClusterEndpointOptions,
  ProtocolHandlerOptions,
  ServiceOptions,
  TeamOptions,
  ExposeOptions,
  TenantOptions,
  PulsarNamespaceOptions,
  TopicOptions,
  ExternalBrokerOptions,
  ObjectStoreOptions,
  MinioOptions,
  FilesystemOffloadOptions,
  KedaOptions,
  AutoscaleOptions,
  NacosOptions,
  NacosMysqlOptions,
  ConsulOptions,
  ConfigEntryOptions,
  DaprRuntimeOptions,
  DaprServiceOptions,
  DaprSubscribeOptions,
  DaprTeamComponentOptions,
  TracingOptions,
  SearchStoreOptions,
  CertManagerOptions,
  PulsarBacklogOptions,
  KafkaLagOptions,
  HttpTriggerOptions,
  CronTriggerOptions,
  PrometheusTriggerOptions,
  UtilizationOptions,
} satisfies Record<string, TSchema>;

export type SchemaName = keyof typeof SCHEMAS;
