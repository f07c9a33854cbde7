import { Type } from "@sinclair/typebox";
import { list, optional, options, str, whole } from "./kit";

/** `broker.addTenant` options. */
export const TenantOptions = options({ adminRoles: optional(list(str("shop-admin", 256), ["shop-admin"], 100)) });

/** `tenant.addNamespace` options. */
export const PulsarNamespaceOptions = options({
  retention: optional(options({ minutes: Type.Integer({ minimum: -1, maximum: 5256000, examples: [10080] }), sizeMb: Type.Integer({ minimum: -1, maximum: Number.MAX_SAFE_INTEGER, examples: [10240] }) })),
  offloadThresholdBytes: optional(Type.Integer({ minimum: -1, maximum: Number.MAX_SAFE_INTEGER, examples: [1073741824] })),
  offloadDeletionLagMs: optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, examples: [14400000] })),
});

/** `namespace.addTopic` options. */
export const TopicOptions = options({ partitions: optional(whole(0, 1000, 3)) });
