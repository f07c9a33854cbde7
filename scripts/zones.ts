// `npm run zones`: for every default blueprint, what losing the worst zone does to each part of
// each component (quorum, acknowledged data, service), as the synth-time check computes it.
// BLUEPRINTS=aws,gcp limits it to some of them.
import { App } from "cdktf";
import { survives, ZoneVerdict } from "../lib";
import { runProgram, selectedBlueprints } from "../stacks/program";

function row(v: ZoneVerdict): string {
  const g = v.group;
  const verdict = survives(v) ? (v.atRisk ? "survives (preferred spread)" : "survives") : "DOES NOT SURVIVE";
  return `| ${g.component}/${g.part} | ${g.members} | ${g.spread} | ${v.lostMembers} | ${v.quorum} | ${v.data} | ${v.serving} | ${verdict} |`;
}

runProgram(() => {
  const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
  let failing = 0;
  for (const [name, build] of selectedBlueprints()) {
    const platform = build(app);
    const zones = platform.target.singleNode ? 1 : platform.target.zones.length;
    console.log(`\n## ${name} (${platform.profile.name}, ${zones} zone${zones === 1 ? "" : "s"})\n`);
    if (zones < 2 || !platform.placement.spreadsZones) {
      console.log(`One zone: the ${platform.profile.name} profile does not promise to survive losing it.`);
      continue;
    }
    console.log("| part | members | spread | lost in worst zone | quorum | data | serving | verdict |");
    console.log("|---|---|---|---|---|---|---|---|");
    const verdicts = platform.zoneAnalysis();
    for (const v of verdicts) console.log(row(v));
    const notes = verdicts.filter((v) => !survives(v) || v.atRisk).map((v) => `- ${v.group.component}/${v.group.part}: ${v.reasons.join("; ")}`);
    if (notes.length > 0) console.log(`\n${notes.join("\n")}`);
    failing += verdicts.filter((v) => !survives(v)).length;
  }
  return failing > 0 ? 1 : 0;
});
