import { TerraformResource } from "cdktf";
import { escapeDeep } from "./literal";
import { Construct } from "constructs";
import type { IPlatform } from "./context";
import { ErrorSite, PlatformConfigError } from "./errors";
import { emitResource } from "./provider-resource";

/** A port reachable from outside the cluster. */
export interface ExposedPort {
  readonly name: string;
  /** Port of the load balancer. */
  readonly port: number;
  /** Port of the pods. */
  readonly targetPort: number;
}

/** Props of `exposeThroughLoadBalancer`. */
export interface LoadBalancerProps {
  readonly platform: IPlatform;
  /** Where errors point. */
  readonly site: ErrorSite;
  /** Name of the LoadBalancer Service and of its NetworkPolicy. */
  readonly name: string;
  readonly namespace: string;
  /** Pods behind it. */
  readonly selector: Record<string, string>;
  readonly ports: readonly ExposedPort[];
  /** Inside the cloud network only (the target's internal load balancer annotations). */
  readonly internal: boolean;
  readonly labels?: Record<string, string>;
}

/**
 * A LoadBalancer Service for pods, internal unless asked otherwise (a target that cannot make
 * one internal is an error, not a public address), and the NetworkPolicy that lets outside
 * traffic reach exactly those ports through the namespace's default deny.
 */
export function exposeThroughLoadBalancer(scope: Construct, id: string, props: LoadBalancerProps): TerraformResource {
  const annotations = props.platform.target.internalLoadBalancerAnnotations;
  if (props.internal && Object.keys(annotations).length === 0) {
    throw new PlatformConfigError(
      props.site,
      `target ${props.platform.target.kind} names no annotations that make a load balancer internal, so it would get whatever address the cluster gives`,
      "internal: true",
      "Pass internal: false to expose it on purpose, or use a target that knows its internal load balancers (e.g. Target.tke({ internalSubnetId }), Target.custom({ internalLoadBalancerAnnotations })).",
    );
  }
  const service = emitResource(scope, id, "kubernetes_service_v1", {
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: props.internal ? escapeDeep({ ...annotations }) : undefined },
    spec: {
      type: "LoadBalancer",
      selector: props.selector,
      port: props.ports.map((p) => ({ name: p.name, port: p.port, targetPort: String(p.targetPort), protocol: "TCP" })),
    },
  });
  admitFromOutside(scope, `${id}Ingress`, props);
  return service;
}

/** Lets traffic from any address and any namespace (a load balancer, an ingress controller) reach these ports of these pods only. */
export function admitFromOutside(scope: Construct, id: string, props: Pick<LoadBalancerProps, "name" | "namespace" | "selector" | "ports" | "labels">): TerraformResource {
  return emitResource(scope, id, "kubernetes_network_policy_v1", {
    metadata: { name: `${props.name}-from-outside`, namespace: props.namespace, labels: props.labels },
    spec: {
      podSelector: { matchLabels: props.selector },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { namespaceSelector: {} }], ports: props.ports.map((p) => ({ port: String(p.targetPort), protocol: "TCP" })) }],
    },
  });
}
