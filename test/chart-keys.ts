import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ChartPin } from "../lib";

/** The fixture of a pinned chart: its values.yaml key paths at the exact tag (scripts/chart-keys.mjs). */
export function fixturePath(pin: ChartPin): string {
  return join(__dirname, "fixtures", "charts", `${pin.chart}-${pin.version}.keys`);
}

/** Key paths read from a chart's values.yaml at the pinned tag (see each fixture's header); undefined without a fixture. */
export function chartKeys(pin: ChartPin): Set<string> | undefined {
  const file = fixturePath(pin);
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, "utf8").split("\n");
  return new Set(lines.map((l) => l.trim()).filter((l) => l && !l.startsWith("#")));
}

/** Leaf paths of a values tree; lists and empty maps are leaves (charts take them whole). */
export function valuePaths(values: unknown, prefix = ""): string[] {
  if (values === null || typeof values !== "object" || Array.isArray(values) || Object.keys(values).length === 0) return prefix ? [prefix] : [];
  return Object.entries(values as Record<string, unknown>).flatMap(([k, v]) => valuePaths(v, prefix ? `${prefix}.${k}` : k));
}

/**
 * Paths a chart does not know. A path is known if the values file has it, if it lies under a
 * map the chart passes through whole (`freeForm`, e.g. configData, resources), or if it is a
 * key the templates read although values.yaml only mentions it in a comment (`templateRead`).
 */
export function unknownPaths(values: unknown, keys: Set<string>, freeForm: string[], templateRead: string[]): string[] {
  const under = (p: string, roots: string[]) => roots.some((r) => p === r || p.startsWith(`${r}.`));
  return valuePaths(values).filter((p) => !keys.has(p) && !under(p, freeForm) && !templateRead.includes(p));
}
