import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CHARTS, IMAGES, PROVIDERS } from "../lib";

// The README's component table and the one table of versions say the same thing.
const rows = readFileSync(join(__dirname, "..", "README.md"), "utf8")
  .split("## Components")[1]
  .split("\n## ")[0]
  .split("\n")
  .filter((l) => l.startsWith("|"));

test.each(Object.entries(CHARTS))("chart %s is in the README's component table at its pinned version", (_key, pin) => {
  const row = rows.find((r) => r.includes(`chart \`${pin.chart}\``));
  expect(row).toBeDefined();
  expect(row).toContain(pin.repository);
  expect(row).toContain(pin.version);
});

test("the README names the broker's image versions and the provider versions", () => {
  const broker = rows.find((r) => r.includes("chart `pulsar`"))!;
  expect(broker).toContain(`Pulsar ${IMAGES.pulsar.tag}`);
  expect(broker).toContain(`Oxia ${IMAGES.oxia.tag}`);
  for (const p of Object.values(PROVIDERS)) expect(rows.some((r) => r.includes(`provider ${p.version}`))).toBe(true);
});
