/** The Helm release name; the chart's fullname is the release name when it contains "pulsar". */
export const PULSAR_RELEASE = "pulsar";

/** Labels the Pulsar chart puts on the pods of this release, by component. */
export function pulsarPodLabels(component: string): Record<string, string> {
  return { app: "pulsar", release: PULSAR_RELEASE, component };
}

/**
 * Secrets the chart's JWT and certificate setup creates (names use the release name): the
 * superuser `admin` token, the HS256 signing key (raw bytes), and the CA of the self-signed issuer.
 */
export const PULSAR_SECRETS = {
  adminToken: { secretName: `${PULSAR_RELEASE}-token-admin`, key: "TOKEN" },
  signingKey: { secretName: `${PULSAR_RELEASE}-token-symmetric-key`, key: "SECRETKEY" },
  ca: { secretName: `${PULSAR_RELEASE}-ca-tls`, key: "ca.crt" },
} as const;

/** ServiceAccounts the chart gives its pods (`<fullname>-<component>[-acct]`). */
export const PULSAR_SERVICE_ACCOUNTS = {
  broker: `${PULSAR_RELEASE}-broker-acct`,
  autorecovery: `${PULSAR_RELEASE}-recovery`,
} as const;
