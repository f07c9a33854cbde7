import { Construct } from "constructs";
import type { SecretKeyRef } from "../core/bindings";
import { CustomResource } from "../core/custom-resource";
import { check, PlatformConfigError } from "../core/errors";
import { checkScannable, escapeTemplates } from "../core/literal";
import { checkDnsLabel } from "../core/names";
import { Lazy } from "../core/lazy";

/** One metadata entry of a Dapr Component: a literal value, or a key of a Secret of the component's namespace. */
export interface DaprMetadataItem {
  readonly name: string;
  /** Literal value (never a secret). */
  readonly value?: string;
  /** Value read from a Secret in the component's namespace by the Dapr operator. */
  readonly secretKeyRef?: SecretKeyRef;
}

/** Props of `DaprComponent` (dapr.io/v1alpha1 Component). */
export interface DaprComponentProps {
  /** Component name (what apps use, e.g. the pub/sub name). */
  readonly name: string;
  /** Namespace (a team's). */
  readonly namespace: string;
  /** Component type, e.g. "pubsub.pulsar", "state.redis". */
  readonly type: string;
  /** Component version. @default "v1" */
  readonly version?: string;
  /** Metadata entries. @default [] */
  readonly metadata?: DaprMetadataItem[];
  /** App ids that may load it; empty means every app of the namespace, so the platform always scopes. */
  readonly scopes: string[] | (() => string[]);
  /** Labels. @default {} */
  readonly labels?: Record<string, string>;
}

/** Metadata names that hold credentials: their values must come from Secrets. */
const SECRET_NAME = /pass(word)?|secret|token|credential|private.?key|api.?key|access.?key|connection.?string/i;

/**
 * A Dapr Component in a team's namespace, always scoped to the app ids that use it. A metadata
 * entry whose name says credential must be a `secretKeyRef`: a literal is refused.
 */
export class DaprComponent extends Construct {
  constructor(scope: Construct, id: string, props: DaprComponentProps) {
    super(scope, id);
    checkDnsLabel(this, "the component name", props.name);
    check(typeof props.type === "string" && /^[a-z0-9]+\.[a-z0-9._-]+$/.test(props.type), this, "the component type must look like <building block>.<name>", props.type, 'Use e.g. "pubsub.pulsar" or "state.redis".');
    for (const item of props.metadata ?? []) {
      check(!!item && typeof item.name === "string" && item.name.length > 0, this, "every metadata entry needs a name", item, 'Use e.g. { name: "host", value: "..." }.');
      check((item.value === undefined) !== (item.secretKeyRef === undefined), this, `metadata "${item.name}" needs exactly one of value and secretKeyRef`, item.name, "Give a literal value, or a Secret reference for credentials.");
      if (item.value !== undefined && SECRET_NAME.test(item.name)) {
        throw new PlatformConfigError(this, `metadata "${item.name}" of component "${props.name}" is a credential given as a literal`, "<redacted>", `Put it in a Secret of the namespace and use secretKeyRef: { secretName, key } instead of value.`);
      }
    }
    checkScannable(this, `metadata of component "${props.name}"`, (props.metadata ?? []).map((m) => m.value ?? ""));
    const scopes = props.scopes;
    new CustomResource(this, "Resource", {
      manifest: {
        apiVersion: "dapr.io/v1alpha1",
        kind: "Component",
        metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
        spec: {
          type: props.type,
          version: props.version ?? "v1",
          metadata: (props.metadata ?? []).map((m) =>
            m.secretKeyRef ? { name: m.name, secretKeyRef: { name: m.secretKeyRef.secretName, key: m.secretKeyRef.key } } : { name: m.name, value: escapeTemplates(String(m.value)) },
          ),
        },
        scopes: typeof scopes === "function" ? lazyList(scopes) : scopes,
      },
    });
  }
}

/** A list rendered at synth time (later declarations count), sorted for stable output. */
function lazyList(produce: () => string[]): string[] {
  return Lazy.listValue({ produce: () => [...produce()].sort() });
}
