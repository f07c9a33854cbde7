/**
 * Kubernetes resource quantities ("250m", "1.5", "512Mi", "2G"): parsed only to compare them
 * (a request must not exceed its limit), never rewritten.
 */
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const FACTORS: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Whether `value` is a Kubernetes quantity in the forms the platform accepts (no exponents, no sign). */
export function isQuantity(value: unknown): value is string {
  return typeof value === "string" && QUANTITY.test(value);
}

/** The quantity as a number (cores or bytes); undefined when it is not a quantity. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const match = QUANTITY.exec(value);
  return match ? Number(match[1]) * FACTORS[match[2] ?? ""] : undefined;
}
