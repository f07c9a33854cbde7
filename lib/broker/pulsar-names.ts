/** The Helm release name; the chart's fullname is the release name when it contains "pulsar". */
export const PULSAR_RELEASE = "pulsar";

/** Labels the Pulsar chart puts on the pods of this release, by component. */
export function pulsarPodLabels(component: string): Record<string, string> {
  return { app: "pulsar", release: PULSAR_RELEASE, component };
}
