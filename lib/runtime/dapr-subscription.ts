import { Construct } from "constructs";
import { CustomResource } from "../core/custom-resource";
import { check } from "../core/errors";
import { checkDnsLabel } from "../core/names";

/** Props of `DaprSubscription` (dapr.io/v2alpha1 Subscription). */
export interface DaprSubscriptionProps {
  readonly name: string;
  readonly namespace: string;
  /** The pub/sub component. */
  readonly pubsubName: string;
  /** Topic name, as the component addresses it. */
  readonly topic: string;
  /** Path of the app that receives the messages, e.g. "/orders". */
  readonly route: string;
  /** Topic that receives messages the app keeps failing on. @default - none */
  readonly deadLetterTopic?: string;
  /** The app ids this subscription applies to. */
  readonly scopes: string[];
  readonly labels?: Record<string, string>;
}

/** A declarative subscription: the sidecars of `scopes` deliver `topic` to `route`. */
export class DaprSubscription extends Construct {
  constructor(scope: Construct, id: string, props: DaprSubscriptionProps) {
    super(scope, id);
    checkDnsLabel(this, "the subscription name", props.name, 253);
    check(typeof props.route === "string" && /^\/\S*$/.test(props.route), this, "the route must be a path starting with '/'", props.route, 'Use e.g. "/orders".');
    check(props.scopes.length > 0, this, "a subscription must be scoped to at least one app", props.scopes, "Pass the subscribing app's id.");
    new CustomResource(this, "Resource", {
      manifest: {
        apiVersion: "dapr.io/v2alpha1",
        kind: "Subscription",
        metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
        spec: {
          pubsubname: props.pubsubName,
          topic: props.topic,
          routes: { default: props.route },
          ...(props.deadLetterTopic ? { deadLetterTopic: props.deadLetterTopic } : {}),
        },
        scopes: props.scopes,
      },
    });
  }
}
