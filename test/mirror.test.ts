import { Construct } from "constructs";
import { imagePath, Mirror } from "../lib";

const scope = new Construct(undefined as any, "edge");

describe("Mirror", () => {
  test("rewrites the registry of every image form and keeps path and tag", () => {
    const m = Mirror.of({ imageRegistry: "registry.local:5000/proxy/" });
    expect(m.image("docker.io/apachepulsar/pulsar:4.0.12")).toBe("registry.local:5000/proxy/apachepulsar/pulsar:4.0.12");
    expect(m.image("ghcr.io/dapr/daprd:1.18.3")).toBe("registry.local:5000/proxy/dapr/daprd:1.18.3");
    expect(m.image("nginx:1.27")).toBe("registry.local:5000/proxy/library/nginx:1.27");
    expect(m.image("shop/orders:1.0")).toBe("registry.local:5000/proxy/shop/orders:1.0");
    expect(m.image("localhost/x:1")).toBe("registry.local:5000/proxy/x:1");
    expect(Mirror.NONE.image("nginx:1.27")).toBe("nginx:1.27");
    expect(imagePath("registry.k8s.io/pause:3.10")).toBe("pause:3.10");
  });

  test("redirects chart repositories", () => {
    expect(Mirror.of({ chartRepository: "oci://harbor.local/charts/" }).chartRepositoryFor("https://dapr.github.io/helm-charts/")).toBe("oci://harbor.local/charts");
    expect(Mirror.NONE.chartRepositoryFor("https://dapr.github.io/helm-charts/")).toBe("https://dapr.github.io/helm-charts/");
  });

  test("fails if the chart repository is not a URL", () => {
    expect(() => Mirror.of({ chartRepository: "harbor.local/charts" }).validate(scope)).toThrow(
      '[edge/Mirror] chartRepository must be an http(s):// or oci:// URL (received: "harbor.local/charts"). Use e.g. "https://charts.example.com/platform" or "oci://registry.example.com/charts".',
    );
    expect(() => Mirror.of({ chartRepository: "ftp://x/charts" }).validate(scope)).toThrow(/chartRepository must be/);
  });

  test("fails if the image registry carries a scheme", () => {
    expect(() => Mirror.of({ imageRegistry: "https://registry.local" }).validate(scope)).toThrow(
      /\[edge\/Mirror\] imageRegistry must be a registry host with an optional port and path, without a scheme \(received: "https:\/\/registry.local"\)/,
    );
    expect(() => Mirror.of({ imageRegistry: "registry.local:5000", chartRepository: "https://charts.local" }).validate(scope)).not.toThrow();
  });
});
