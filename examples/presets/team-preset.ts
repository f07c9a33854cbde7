// A blueprint as code that a platform team publishes in a package of its own: a function of a
// few options returning a PlatformPreset (how to make the platform's props, and steps run on the
// platform). Product teams import it and extend it (see payments-platform.ts) without copying it.
// It is a module, not a program (examples/presets/ holds modules): payments-platform.ts runs it.
// Run: npx ts-node --transpile-only examples/payments-platform.ts
import { DaprRuntime, Keda, MicroservicePlatform, Nacos, OffloadCredentials, OffloadStore, PlatformConfigError, PlatformPreset, Profile, Target, Team, TraceStorage, Tracing } from "../../lib";

/** Options of the company's standard platform. */
export interface TeamPlatformOptions {
  /** AWS region; the platform spreads over its zones a, b and c. */
  readonly region: string;
  /** Teams: each gets a namespace, edited by the group `<team>-devs` and read by `sre`. */
  readonly teams: string[];
  /** Elasticsearch for traces; the password is the key `password` of the Secret `jaeger-es` (tracing namespace). */
  readonly traceStoreUrl: string;
  /** IRSA role the brokers offload cold ledgers to S3 with. */
  readonly offloadRole: string;
}

/**
 * The company's standard platform: EKS over three zones, the broker offloading to S3 with a
 * workload identity, Nacos, Dapr, tracing into Elasticsearch and KEDA, a team per product team and
 * a shared `events/domain` namespace every team publishes its domain events to.
 */
export function teamPlatform(options: TeamPlatformOptions): PlatformPreset {
  return PlatformPreset.of(
    // Called for every platform built: each gets its own components.
    () => ({
      target: Target.eks({ region: options.region, zones: ["a", "b", "c"] }),
      profile: Profile.PRODUCTION,
      broker: { offload: OffloadStore.s3(`${options.region}-pulsar-offload`, { credentials: OffloadCredentials.workloadIdentity(options.offloadRole) }) },
      components: [
        new Nacos(),
        new DaprRuntime(),
        new Keda(),
        new Tracing({ storage: TraceStorage.elasticsearch({ urls: [options.traceStoreUrl], username: "jaeger", password: { secretName: "jaeger-es", key: "password" } }) }),
      ],
    }),
    (platform) => {
      for (const team of options.teams) platform.addTeam(team, { editGroups: [`${team}-devs`], viewGroups: ["sre"] });
      platform.broker.addTenant("events").addNamespace("domain", { retention: { minutes: 7 * 24 * 60, sizeMb: 10240 } });
    },
  );
}

/** A team the preset added, by name (a clear error for one it did not). */
export function teamOf(platform: MicroservicePlatform, name: string): Team {
  const team = platform.teams.find((t) => t.teamName === name);
  if (!(team instanceof Team)) throw new PlatformConfigError(platform, `the platform has no team "${name}"`, name, `Add it to the preset's teams (it has ${platform.teams.map((t) => t.teamName).join(", ")}).`);
  return team;
}
