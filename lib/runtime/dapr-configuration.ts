import { Construct } from "constructs";
import { CustomResource } from "../core/custom-resource";
import { check } from "../core/errors";
import { checkDnsLabel } from "../core/names";
import { Lazy } from "../core/lazy";

/** Where the sidecars send spans: an OTLP endpoint (`host:port`). */
export interface DaprTracing {
  /** Fraction of requests traced, from 0 to 1. */
  readonly samplingRate: number;
  /** OTLP gRPC `host:port` of the collector. */
  readonly otlpEndpoint: string;
}

/** Props of `DaprConfiguration` (dapr.io/v1alpha1 Configuration). */
export interface DaprConfigurationProps {
  readonly name: string;
  readonly namespace: string;
  /** Tracing; absent, sidecars trace nothing. @default - none */
  readonly tracing?: DaprTracing;
  /**
   * App ids of the namespace allowed to invoke the apps that use this Configuration (read at
   * synth time); every other caller is denied. @default - access control off
   */
  readonly allowedCallers?: () => string[];
  /** Name resolution component (e.g. "hashicorp.consul") and its configuration. @default - Kubernetes DNS */
  readonly nameResolution?: { readonly component: string; readonly version?: string; readonly configuration: Record<string, unknown> };
  readonly labels?: Record<string, string>;
}

/**
 * The Configuration a team's sidecars load (`dapr.io/config`): tracing to the platform's
 * collector over OTLP gRPC, metrics, service-invocation access control, name resolution.
 * mTLS is not here: Dapr reads it only from the control plane's own Configuration, which the
 * chart renders from `global.mtls`.
 */
export class DaprConfiguration extends Construct {
  constructor(scope: Construct, id: string, props: DaprConfigurationProps) {
    super(scope, id);
    checkDnsLabel(this, "the configuration name", props.name);
    const t = props.tracing;
    if (t) check(typeof t.samplingRate === "number" && t.samplingRate >= 0 && t.samplingRate <= 1, this, "the sampling rate must be from 0 to 1", t.samplingRate, "Use e.g. 0.1.");
    const namespace = props.namespace;
    new CustomResource(this, "Resource", {
      manifest: {
        apiVersion: "dapr.io/v1alpha1",
        kind: "Configuration",
        metadata: { name: props.name, namespace, labels: props.labels },
        spec: {
          metric: { enabled: true },
          ...(t ? { tracing: { samplingRate: String(t.samplingRate), otel: { endpointAddress: t.otlpEndpoint, isSecure: false, protocol: "grpc" } } } : {}),
          ...(props.allowedCallers
            ? {
                accessControl: {
                  defaultAction: "deny",
                  trustDomain: "public",
                  policies: Lazy.anyValue({
                    produce: () => [...props.allowedCallers!()].sort().map((appId) => ({ appId, defaultAction: "allow", trustDomain: "public", namespace })),
                  }),
                },
              }
            : {}),
          ...(props.nameResolution
            ? { nameResolution: { component: props.nameResolution.component, version: props.nameResolution.version ?? "v1", configuration: props.nameResolution.configuration } }
            : {}),
        },
      },
    });
  }
}
