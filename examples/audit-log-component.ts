// A component of your own, written against the public contract only: every service of the
// platform may publish audit events to one topic. It requires the broker (installed first, or a
// clear error), and configures services added before and after it.
// Run: npx ts-node --transpile-only examples/audit-log-component.ts
import { App } from "cdktf";
import { Construct } from "constructs";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { Broker, IComponentContext, IPlatformComponent, IServiceBinding, Layer, MicroservicePlatform, Profile, PulsarTopic, Target } from "../lib";

export class AuditLog implements IPlatformComponent {
  public readonly key = "audit-log";
  public readonly requires = ["broker"];
  private topic?: PulsarTopic;

  public install(context: IComponentContext): void {
    this.topic = context.get(Broker).addTenant("platform").addNamespace("audit").addTopic("events", { partitions: 3 });
    // A plain object in the apps layer, under this component's own scope (<platform>-apps/audit-log).
    new ConfigMapV1(context.scope(Layer.APPS), "Settings", {
      metadata: { name: "audit-log", namespace: "default", labels: context.platform.labels("audit-log", "audit-log") },
      data: { topic: this.topic.fullName },
    });
  }

  public configureService(service: IServiceBinding): void {
    service.addEnv("AUDIT_TOPIC", this.topic!.fullName);
    this.topic!.grantProduce(service);
  }
}

export function auditedPlatform(scope: Construct): MicroservicePlatform {
  const platform = new MicroservicePlatform(scope, "audited", { target: Target.kind(), profile: Profile.DEV, components: [new AuditLog()] });
  // A template the app fills in itself: written literally, never evaluated by Terraform.
  platform.addService("billing", { image: "ghcr.io/example/billing:2.3.0", env: { RECEIPT_TEMPLATE: "Invoice ${number} for %{customer}" } });
  return platform;
}

if (require.main === module) {
  const app = new App();
  auditedPlatform(app);
  app.synth();
}
