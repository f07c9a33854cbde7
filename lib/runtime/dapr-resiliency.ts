import { Construct } from "constructs";
import { CustomResource } from "../core/custom-resource";
import { checkDnsLabel } from "../core/names";
import { Lazy } from "../core/lazy";

/** Props of `DaprResiliency` (dapr.io/v1alpha1 Resiliency). */
export interface DaprResiliencyProps {
  readonly name: string;
  readonly namespace: string;
  /** Components whose outbound calls get the policies (e.g. the pub/sub components). */
  readonly components: () => string[];
  /** The app ids it applies to. */
  readonly scopes: () => string[];
  readonly labels?: Record<string, string>;
}

/**
 * The platform's default resiliency for a team: outbound calls to its pub/sub components time
 * out after 10 s and are retried with exponential back-off (5 times, at most 15 s apart), behind
 * a circuit breaker that opens after 5 consecutive failures for 30 s.
 */
export class DaprResiliency extends Construct {
  constructor(scope: Construct, id: string, props: DaprResiliencyProps) {
    super(scope, id);
    checkDnsLabel(this, "the resiliency name", props.name);
    new CustomResource(this, "Resource", {
      manifest: {
        apiVersion: "dapr.io/v1alpha1",
        kind: "Resiliency",
        metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
        spec: {
          policies: {
            timeouts: { publish: "10s" },
            retries: { publish: { policy: "exponential", maxInterval: "15s", maxRetries: 5 } },
            circuitBreakers: { publish: { maxRequests: 1, interval: "0s", timeout: "30s", trip: "consecutiveFailures >= 5" } },
          },
          targets: {
            components: Lazy.anyValue({
              produce: () => Object.fromEntries([...props.components()].sort().map((c) => [c, { outbound: { timeout: "publish", retry: "publish", circuitBreaker: "publish" } }])),
            }),
          },
        },
        scopes: Lazy.listValue({ produce: () => [...props.scopes()].sort() }),
      },
    });
  }
}
