import { App, Testing, TerraformStack } from "cdktf";
import { parse } from "yaml";
import { CHARTS, Consul, DaprRuntime, Keda, MicroservicePlatform, Mirror, OffloadCredentials, OffloadStore, Protocol, Target, TraceStorage, Tracing } from "../lib";
import { BLUEPRINTS } from "../stacks/blueprints";
import { chartKeys, fixturePath, unknownPaths } from "./chart-keys";
import { stackNames, testApp } from "./helpers";

// Every values key the platform hands a chart exists in that chart's values.yaml at the pinned
// tag. Fixtures are derived at the exact tag with scripts/chart-keys.mjs (see their headers).

/** Per chart (keyed as in CHARTS): maps rendered whole, and keys the templates read that values.yaml only mentions in comments. */
const RULES: Record<keyof typeof CHARTS, { freeForm: string[]; templateRead: string[] }> = {
  pulsar: {
    // Maps the chart renders whole (toYaml): broker.conf keys, Kubernetes resources, annotations.
    freeForm: [
      ...["broker", "bookkeeper", "autorecovery", "proxy"].flatMap((c) => [`${c}.configData`, `${c}.resources`]),
      "broker.service_account.annotations",
      // Rendered whole with toYaml by the templates at pulsar-4.7.0.
      "initContainer.resources", "broker.securityContext", "bookkeeper.securityContext", "oxia.server.securityContext",
    ],
    // Commented out in values.yaml at pulsar-4.7.0 but read by its templates: _helpers.tpl
    // (clusterName, images.imagePullSecrets), oxia-server-statefulset.yaml, bookkeeper-, broker-,
    // proxy- and autorecovery-statefulset.yaml.
    templateRead: [
      "clusterName", "images.imagePullSecrets", "oxia.server.storageClassName", "oxia.server.priorityClassName",
      "bookkeeper.volumes.journal.storageClassName", "bookkeeper.volumes.ledgers.storageClassName",
      ...["broker", "bookkeeper", "autorecovery", "proxy"].map((c) => `${c}.priorityClassName`),
    ],
  },
  certManager: {
    freeForm: ["resources", "webhook.resources", "cainjector.resources", "startupapicheck.resources"],
    templateRead: [],
  },
  dapr: {
    // Resources are passed whole to each component's container (the subcharts' templates at v1.18.3).
    freeForm: ["dapr_operator.resources", "dapr_sentry.resources", "dapr_placement.resources", "dapr_scheduler.resources", "dapr_sidecar_injector.resources"],
    templateRead: [],
  },
  openTelemetryCollector: {
    // config is merged with the chart's own configuration; the rest are rendered whole (toYaml).
    freeForm: ["config", "resources", "securityContext", "podSecurityContext", "topologySpreadConstraints"],
    // Commented out in values.yaml at opentelemetry-collector-0.170.0, read by templates/pdb.yaml.
    templateRead: ["podDisruptionBudget.maxUnavailable"],
  },
  consul: {
    // Resources are rendered whole (toYaml) by templates/server-statefulset.yaml at v1.9.11.
    freeForm: ["server.resources"],
    templateRead: [],
  },
  keda: {
    // Rendered whole (toYaml) per component by the templates at v2.20.2.
    freeForm: ["resources", "securityContext", "podSecurityContext"],
    // values.yaml has podDisruptionBudget.<component>: {}; templates/*/poddisruptionbudget.yaml read minAvailable/maxUnavailable in it.
    templateRead: ["podDisruptionBudget.operator.maxUnavailable", "podDisruptionBudget.webhooks.maxUnavailable"],
  },
  kedaHttpAddOn: {
    // Resources and security contexts are rendered whole; the per-component security maps and
    // priorityClassName are read by templates/{operator,scaler,interceptor}/deployment.yaml but only commented in values.yaml.
    freeForm: ["operator.resources", "scaler.resources", "interceptor.resources", "securityContext", "podSecurityContext"],
    templateRead: ["operator.priorityClassName", "scaler.priorityClassName", "interceptor.priorityClassName"],
  },
  jaeger: {
    // userconfig is Jaeger's own configuration, passed whole.
    freeForm: ["userconfig", "jaeger.podSecurityContext", "jaeger.securityContext", "jaeger.resources", "jaeger.topologySpreadConstraints"],
    // Commented out in values.yaml at jaeger-4.11.1, read by templates/jaeger/jaeger-deploy.yaml (values.yaml spells it "topologySpreadContraints").
    templateRead: ["jaeger.resources", "jaeger.topologySpreadConstraints"],
  },
};

function releaseValues(app: App): Map<string, any[]> {
  const byChart = new Map<string, any[]>();
  for (const name of stackNames(app)) {
    const stack = JSON.parse(Testing.synth(app.node.findChild(name) as TerraformStack, true));
    for (const r of Object.values<any>(stack.resource?.helm_release ?? {})) byChart.set(r.chart, [...(byChart.get(r.chart) ?? []), parse(r.values[0])]);
  }
  return byChart;
}

const maximal = () => {
  const app = testApp();
  new MicroservicePlatform(app, "max", {
    target: Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"] }),
    mirror: Mirror.of({ chartRepository: "oci://harbor.local/charts", imageRegistry: "harbor.local/proxy", imagePullSecrets: ["harbor"] }),
    broker: {
      protocols: [
        Protocol.mqtt({ handlerImage: "registry.example.com/pulsar/mqtt-handler:4.0.10.1" }),
        Protocol.amqp({ handlerImage: "r.example.com/aop:4.0.10.1" }),
        Protocol.kafka({ handlerImage: "r.example.com/kop:4.0.12.1" }),
      ],
      offload: OffloadStore.s3("max-offload", { credentials: OffloadCredentials.workloadIdentity("arn:aws:iam::111122223333:role/x") }),
    },
    components: [
      new DaprRuntime(),
      new Tracing({
        storage: TraceStorage.elasticsearch({ urls: ["https://es.example.com:9200"], username: "jaeger", password: { secretName: "es", key: "password" } }),
        metricsEndpoint: "http://prometheus.monitoring.svc:9090/api/v1/otlp",
      }),
    ],
  });
  return app;
};
const apps: [string, () => App][] = [
  ...Object.entries(BLUEPRINTS).map(([name, bp]) => [name, () => { const a = testApp(); bp(a); return a; }] as [string, () => App]),
  ["maximal (mirror, every protocol, S3 with workload identity, Dapr, tracing to Elasticsearch)", maximal],
  [
    "Consul with a mirror",
    () => {
      const app = testApp();
      new MicroservicePlatform(app, "reg", {
        target: Target.eks({ region: "eu-west-1", zones: ["a", "b", "c"] }),
        mirror: Mirror.of({ chartRepository: "oci://harbor.local/charts", imageRegistry: "harbor.local/proxy", imagePullSecrets: ["harbor"] }),
        components: [new Consul(), new DaprRuntime(), new Keda()],
      });
      return app;
    },
  ],
];

test.each(Object.entries(CHARTS))("chart %s has a key fixture derived at its pinned version, and rules here", (key, pin) => {
  expect([key, fixturePath(pin), chartKeys(pin) !== undefined]).toEqual([key, fixturePath(pin), true]);
  expect(Object.keys(RULES)).toContain(key);
  expect(chartKeys(pin)!.size).toBeGreaterThan(50);
});

describe.each(apps)("every values key %s sets exists in the pinned charts", (_name, make) => {
  const byChart = releaseValues(make());

  test.each(Object.entries(CHARTS))("%s", (key, pin) => {
    const keys = chartKeys(pin)!;
    const rules = RULES[key as keyof typeof CHARTS];
    for (const values of byChart.get(pin.chart) ?? []) expect(unknownPaths(values, keys, rules.freeForm, rules.templateRead)).toEqual([]);
  });

  test("Pulsar: configData keys override chart defaults by name; every other key is PULSAR_PREFIX_ and shadows none", () => {
    const keys = chartKeys(CHARTS.pulsar)!;
    for (const values of byChart.get(CHARTS.pulsar.chart) ?? []) {
      for (const c of ["broker", "bookkeeper", "autorecovery", "proxy"]) {
        for (const configKey of Object.keys(values[c]?.configData ?? {})) {
          if (configKey.startsWith("PULSAR_PREFIX_")) expect(keys.has(`${c}.configData.${configKey.slice("PULSAR_PREFIX_".length)}`)).toBe(false);
          else expect([c, configKey, keys.has(`${c}.configData.${configKey}`)]).toEqual([c, configKey, true]);
        }
      }
    }
  });
});

test("the checker finds a key the chart does not have", () => {
  expect(unknownPaths({ broker: { replicaCount: 3, replicas: 3 } }, chartKeys(CHARTS.pulsar)!, RULES.pulsar.freeForm, RULES.pulsar.templateRead)).toEqual(["broker.replicas"]);
});

test("a pin without a fixture is found", () => {
  expect(chartKeys({ ...CHARTS.pulsar, version: "0.0.0-missing" })).toBeUndefined();
});
