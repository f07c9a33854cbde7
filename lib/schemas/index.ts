import type { TSchema } from "@sinclair/typebox";
import { BrokerOptions, CloudTargetOptions, GkeTargetOptions, LocalTargetOptions, MirrorOptions, PlatformProps, ProfileOverrides, TkeTargetOptions } from "./platform";
import { ExposeOptions, ServiceOptions, TeamOptions } from "./workloads";
import { PulsarNamespaceOptions, TenantOptions, TopicOptions } from "./broker";

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
  ServiceOptions,
  TeamOptions,
  ExposeOptions,
  TenantOptions,
  PulsarNamespaceOptions,
  TopicOptions,
} satisfies Record<string, TSchema>;

export type SchemaName = keyof typeof SCHEMAS;
