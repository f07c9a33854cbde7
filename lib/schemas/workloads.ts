import { Type } from "@sinclair/typebox";
import { bool, dnsLabel, dnsSubdomain, instance, list, optional, options, quantity, secretRef, str, stringMap, text, whole } from "./kit";

/** Options of a service (`platform.addService`, `new Microservice`). */
export const ServiceOptions = options({
  image: str("shop/orders:1.4.2", 1024),
  port: optional(whole(1, 65535, 8080)),
  replicas: optional(whole(1, 10000, 3)),
  resources: optional(options({ cpu: quantity("250m"), memory: quantity("256Mi"), memoryLimit: quantity("512Mi") })),
  env: optional(stringMap({ LOG_LEVEL: "info" })),
  secretEnv: optional(Type.Record(Type.String(), secretRef(), { examples: [{ DB_PASSWORD: { secretName: "orders-db", key: "password" } }] })),
  health: optional(options({ readinessPath: optional(text("^/\\S*$", "/readyz", 1024, "a path starting with '/'")), livenessPath: optional(text("^/\\S*$", "/livez", 1024, "a path starting with '/'")) })),
  runAsUser: optional(whole(1, 2147483647, 10001)),
  automountServiceAccountToken: optional(bool(false)),
  serviceAccountAnnotations: optional(stringMap({ "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/orders" })),
  team: optional(instance("a Team", "platform.addTeam(\"checkout\")")),
});

/** `platform.addTeam` options. */
export const TeamOptions = options({
  namespace: optional(dnsLabel("checkout")),
  editGroups: optional(list(str("shop-devs", 256), ["shop-devs"], 100)),
  viewGroups: optional(list(str("shop-auditors", 256), ["shop-auditors"], 100)),
  quota: optional(
    Type.Union([Type.Literal(false), options({ cpu: quantity("16"), memory: quantity("32Gi"), pods: whole(1, 100000, 100) })], {
      description: "a quota { cpu, memory, pods } or false",
      examples: [{ cpu: "16", memory: "32Gi", pods: 100 }],
    }),
  ),
  allowIngressFromNamespaces: optional(list(dnsLabel("storefront"), ["storefront"], 100)),
  egress: optional(
    Type.Union(
      [
        Type.Literal("open"),
        options({
          toNamespaces: optional(list(dnsLabel("catalog"), ["catalog"], 100)),
          toCidrs: optional(
            list(
              options({
                cidr: text("^[0-9a-fA-F:.]+/[0-9]{1,3}$", "10.20.0.0/16", 64, "a CIDR such as \"10.20.0.0/16\""),
                except: optional(list(text("^[0-9a-fA-F:.]+/[0-9]{1,3}$", "10.20.5.0/24", 64, "a CIDR"), ["10.20.5.0/24"], 20)),
                ports: optional(list(whole(1, 65535, 5432), [5432], 50)),
              }),
              [{ cidr: "10.20.0.0/16", ports: [5432] }],
              100,
            ),
          ),
        }),
      ],
      { description: "\"open\" or { toNamespaces?, toCidrs? }", examples: [{ toCidrs: [{ cidr: "10.20.0.0/16", ports: [5432] }] }] },
    ),
  ),
});

/** `service.expose` options: one of `ingress` or `loadBalancer`. */
export const ExposeOptions = options({
  ingress: optional(
    options({
      host: dnsSubdomain("orders.example.com"),
      path: optional(text("^/\\S*$", "/api", 1024, "a path starting with '/'")),
      tlsSecret: optional(dnsSubdomain("orders-tls")),
      className: optional(dnsSubdomain("nginx")),
    }),
  ),
  loadBalancer: optional(options({ internal: optional(bool()), port: optional(whole(1, 65535, 443)) })),
});
