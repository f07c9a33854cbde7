import { BROKER_DEFAULTS, CERT_MANAGER_RESOURCES, parseQuantity, SERVICE_RESOURCES, Size, TEAM_QUOTA } from "../lib";

// The numbers in defaults.ts hold the promises its comments make.

const bytes = (q: string) => {
  // JVM flags use k/m/g (binary); Kubernetes quantities use Ki/Mi/Gi.
  const jvm = /^([0-9]+)([kmg])$/i.exec(q);
  if (jvm) return Number(jvm[1]) * 1024 ** (1 + "kmg".indexOf(jvm[2].toLowerCase()));
  return parseQuantity(q)!;
};

describe.each(Object.values(Size))("defaults for size %s", (size) => {
  const broker = BROKER_DEFAULTS[size];
  const jvm = { broker: broker.broker, proxy: broker.proxy, bookie: broker.bookie, autorecovery: broker.autorecovery };

  test.each(Object.entries(jvm))("%s: heap + direct memory stay at most 75% of the memory limit (metaspace, threads, page cache)", (_part, r) => {
    expect(bytes(r.heap) + bytes(r.directMemory)).toBeLessThanOrEqual(0.75 * parseQuantity(r.memoryLimit)!);
    expect(bytes(r.heap)).toBeGreaterThan(0);
  });

  test("every request is a quantity and no memory request exceeds its limit", () => {
    for (const r of [SERVICE_RESOURCES[size], CERT_MANAGER_RESOURCES[size], ...Object.values(jvm)]) {
      expect(parseQuantity(r.cpu)).toBeGreaterThan(0);
      expect(parseQuantity(r.memory)!).toBeLessThanOrEqual(parseQuantity(r.memoryLimit)!);
    }
  });

  test("a team's default quota fits at least ten default services", () => {
    const quota = TEAM_QUOTA[size];
    expect(parseQuantity(quota.cpu)!).toBeGreaterThanOrEqual(10 * parseQuantity(SERVICE_RESOURCES[size].cpu)!);
    expect(parseQuantity(quota.memory)!).toBeGreaterThanOrEqual(10 * parseQuantity(SERVICE_RESOURCES[size].memoryLimit)!);
  });
});

test("the quantity parser compares binary and decimal units, and rejects what is not a quantity", () => {
  expect(parseQuantity("512Mi")).toBe(512 * 2 ** 20);
  expect(parseQuantity("1G")).toBe(1e9);
  expect(parseQuantity("250m")).toBeCloseTo(0.25);
  expect(parseQuantity("lots")).toBeUndefined();
  expect(parseQuantity(512 as unknown as string)).toBeUndefined();
});
