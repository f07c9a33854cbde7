import { Testing, TerraformStack } from "cdktf";
import { Keda, MicroservicePlatform, PlatformConfigError, Profile, Protocol, ScaleTrigger, Target } from "../lib";
import { failure, resourcesOf, synthStack, testApp } from "./helpers";

const eks = () => Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"] });

describe("services reached from outside", () => {
  const app = testApp();
  const p = new MicroservicePlatform(app, "shop", { target: eks() });
  p.addService("api", { image: "shop/api:1.0.0" }).expose({ ingress: { host: "api.shop.example.com", path: "/v1", tlsSecret: "api-tls" } });
  p.addService("gateway", { image: "shop/gateway:1.0.0", port: 8443 }).expose({ loadBalancer: { port: 443 } });
  const apps = synthStack(app, "shop-apps");

  test("an Ingress of the target's class to the service's port, with TLS from a Secret", () => {
    expect(resourcesOf(apps, "kubernetes_ingress_v1")[0].spec).toEqual({
      ingress_class_name: "alb",
      rule: [{ host: "api.shop.example.com", http: { path: [{ path: "/v1", path_type: "Prefix", backend: { service: { name: "api", port: { number: 8080 } } } }] } }],
      tls: [{ hosts: ["api.shop.example.com"], secret_name: "api-tls" }],
    });
    // the AWS Load Balancer Controller sends traffic to pod IPs (its default instance mode needs NodePorts)
    expect(resourcesOf(apps, "kubernetes_ingress_v1")[0].metadata.annotations).toEqual({ "alb.ingress.kubernetes.io/target-type": "ip" });
  });

  test("an internal load balancer by default, with the target's annotations", () => {
    const lb = resourcesOf(apps, "kubernetes_service_v1").find((s) => s.metadata.name === "gateway-lb");
    expect(lb.spec).toMatchObject({ type: "LoadBalancer", port: [{ port: 443, target_port: "8443" }] });
    expect(lb.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"]).toBe("internal");
  });

  test("the namespace's default deny opens exactly the exposed port to outside traffic", () => {
    const policies = resourcesOf(apps, "kubernetes_network_policy_v1");
    expect(policies.find((x) => x.metadata.name === "api-from-outside").spec.ingress).toEqual([{ from: [{ ip_block: { cidr: "0.0.0.0/0" } }, { namespace_selector: {} }], ports: [{ port: "8080", protocol: "TCP" }] }]);
    expect(policies.find((x) => x.metadata.name === "gateway-lb-from-outside").spec.ingress[0].ports).toEqual([{ port: "8443", protocol: "TCP" }]);
  });
});

describe("the broker's listeners reached from outside", () => {
  test("MQTT through an internal load balancer, its port opened", () => {
    const app = testApp();
    new MicroservicePlatform(app, "shop", { target: eks(), broker: { protocols: [Protocol.mqtt({ handlerImage: "r.example.com/mop:4.0.10.1" })], exposeListeners: {} } });
    const base = synthStack(app, "shop-base");
    const lb = resourcesOf(base, "kubernetes_service_v1").find((s) => s.metadata.name === "pulsar-listeners-lb");
    expect(lb.spec).toMatchObject({ type: "LoadBalancer", port: [{ name: "mqtt", port: 1883, target_port: "1883" }] });
    expect(resourcesOf(base, "kubernetes_network_policy_v1").find((x) => x.metadata.name === "pulsar-listeners-lb-from-outside").spec.ingress[0].ports).toEqual([{ port: "1883", protocol: "TCP" }]);
  });

  test("Kafka is refused, and so is exposing nothing", () => {
    expect(failure(() => new MicroservicePlatform(testApp(), "shop", { target: eks(), broker: { protocols: [Protocol.kafka({ handlerImage: "r.example.com/kop:4.0.12.1" })], exposeListeners: {} } }))).toContain(
      "the Kafka listener cannot be exposed through a load balancer",
    );
    expect(failure(() => new MicroservicePlatform(testApp(), "shop", { target: eks(), broker: { exposeListeners: {} } }))).toContain("exposeListeners needs a protocol listener");
  });
});

describe("exposing fails", () => {
  test("with an internal load balancer on a target that cannot make one", () => {
    const p = new MicroservicePlatform(testApp(), "shop", { target: Target.kind(), profile: Profile.DEV });
    expect(failure(() => p.addService("s", { image: "shop/s:1.0.0" }).expose({ loadBalancer: {} }))).toContain("target kind names no annotations that make a load balancer internal");
    expect(failure(() => p.addService("t", { image: "shop/t:1.0.0" }).expose({ loadBalancer: { internal: false } }))).toBe("");
  });

  test("with an Ingress and no class on a target without a default", () => {
    const p = new MicroservicePlatform(testApp(), "shop", { target: Target.kind(), profile: Profile.DEV });
    expect(failure(() => p.addService("s", { image: "shop/s:1.0.0" }).expose({ ingress: { host: "s.example.com" } }))).toContain("target kind has no default IngressClass");
    expect(failure(() => p.addService("t", { image: "shop/t:1.0.0" }).expose({ ingress: { host: "t.example.com", className: "nginx" } }))).toBe("");
  });

  test("with both ways in, twice, or a bad host", () => {
    const p = new MicroservicePlatform(testApp(), "shop", { target: eks() });
    const s = p.addService("s", { image: "shop/s:1.0.0" });
    expect(failure(() => s.expose({ ingress: { host: "s.example.com" }, loadBalancer: {} }))).toContain("expose takes one of ingress or loadBalancer");
    expect(failure(() => s.expose({ ingress: { host: "not a host" } }))).toContain("ingress.host must be a DNS-1123 subdomain");
    s.expose({ ingress: { host: "s.example.com" } });
    expect(failure(() => s.expose({ loadBalancer: {} }))).toContain("the service is exposed twice");
  });

  test("an HTTP-scaled service is reached from outside through the interceptor: an Ingress in KEDA's namespace, its host in the route", () => {
    const app = testApp();
    const p = new MicroservicePlatform(app, "shop", { target: eks(), components: [new Keda()] });
    p.addService("web", { image: "shop/web:1.0.0" }).autoscale({ triggers: [ScaleTrigger.http({ ingress: { host: "web.shop.example.com", tlsSecret: "web-tls" } })] });
    const apps = synthStack(app, "shop-apps");
    const [ingress] = resourcesOf(apps, "kubernetes_ingress_v1");
    expect(ingress.metadata).toMatchObject({ name: "shop-apps-web", namespace: "shop-keda", annotations: { "alb.ingress.kubernetes.io/target-type": "ip" } });
    expect(ingress.spec.rule[0]).toEqual({ host: "web.shop.example.com", http: { path: [{ path: "/", path_type: "Prefix", backend: { service: { name: "keda-add-ons-http-interceptor-proxy", port: { number: 8080 } } } }] } });
    expect(ingress.spec.tls).toEqual([{ hosts: ["web.shop.example.com"], secret_name: "web-tls" }]);
    const route = resourcesOf(apps, "kubernetes_manifest").map((m) => m.manifest).find((m) => m.kind === "InterceptorRoute");
    expect(route.spec.rules[0].hosts).toEqual(["web.shop-apps.svc", "web.shop.example.com"]);
    const open = resourcesOf(apps, "kubernetes_network_policy_v1").find((x) => x.metadata.name === "keda-http-interceptor-from-outside");
    expect(open.spec.ingress[0].ports).toEqual([{ port: "8080", protocol: "TCP" }]);
  });

  test("at synth, for a service scaled on HTTP through the interceptor but exposed directly", () => {
    const app = testApp();
    const p = new MicroservicePlatform(app, "shop", { target: eks(), components: [new Keda()] });
    const s = p.addService("s", { image: "shop/s:1.0.0" });
    s.autoscale({ triggers: [ScaleTrigger.http()] });
    s.expose({ ingress: { host: "s.example.com" } });
    expect(() => Testing.synth(app.node.findChild("shop-apps") as TerraformStack, true)).toThrow(/service s scales on HTTP requests through KEDA's interceptor, but is exposed directly \(ingress\)/);
  });
});
