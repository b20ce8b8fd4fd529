/**
 * Kubernetes resource.Quantity as the CEL quantity library sees it. Values are exact decimals
 * (`mantissa × 10^exponent`); `decimalForm` mirrors whether apimachinery holds the value as an inf.Dec instead of
 * its int64 fast form, because `isInteger()`/`asInteger()` answer from that representation (`quantity("1.5Gi")`
 * and `quantity("1000m")` are not integers to Kubernetes, `quantity("1Gi")` is).
 */
export interface Quantity {
  readonly mantissa: bigint;
  readonly exponent: number;
  readonly decimalForm: boolean;
}

const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
const NANO_EXPONENT = -9;
const MAX_ABS_EXPONENT = 4096;
const fitsInt64 = (v: bigint) => v >= MIN_INT64 && v <= MAX_INT64;
const pow10 = (n: number) => 10n ** BigInt(n);

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

interface Suffix {
  readonly base: 2 | 10;
  readonly exponent: number;
  readonly format: "DecimalSI" | "BinarySI" | "DecimalExponent";
}

const SUFFIXES: Readonly<Record<string, Suffix>> = {
  "": { base: 10, exponent: 0, format: "DecimalSI" },
  n: { base: 10, exponent: -9, format: "DecimalSI" },
  u: { base: 10, exponent: -6, format: "DecimalSI" },
  m: { base: 10, exponent: -3, format: "DecimalSI" },
  k: { base: 10, exponent: 3, format: "DecimalSI" },
  M: { base: 10, exponent: 6, format: "DecimalSI" },
  G: { base: 10, exponent: 9, format: "DecimalSI" },
  T: { base: 10, exponent: 12, format: "DecimalSI" },
  P: { base: 10, exponent: 15, format: "DecimalSI" },
  E: { base: 10, exponent: 18, format: "DecimalSI" },
  Ki: { base: 2, exponent: 10, format: "BinarySI" },
  Mi: { base: 2, exponent: 20, format: "BinarySI" },
  Gi: { base: 2, exponent: 30, format: "BinarySI" },
  Ti: { base: 2, exponent: 40, format: "BinarySI" },
  Pi: { base: 2, exponent: 50, format: "BinarySI" },
  Ei: { base: 2, exponent: 60, format: "BinarySI" },
};

function interpretSuffix(suffix: string): Suffix | undefined {
  const known = SUFFIXES[suffix];
  if (known) return known;
  if (suffix.length > 1 && (suffix[0] === "e" || suffix[0] === "E") && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    const parsed = BigInt(suffix.slice(1));
    if (!fitsInt64(parsed)) return undefined;
    // Go keeps the low 32 bits (int32(parsed)).
    const exponent = Number(BigInt.asIntN(32, parsed));
    return { base: 10, exponent, format: "DecimalExponent" };
  }
  return undefined;
}

/** apimachinery's parseQuantityString scanner: sign, digits, optional fraction, suffix. */
function scan(text: string): { negative: boolean; num: string; denom: string; suffix: string } {
  let pos = 0;
  let negative = false;
  if (text[0] === "-" || text[0] === "+") {
    negative = text[0] === "-";
    pos++;
  }
  while (pos < text.length && text[pos] === "0") pos++;
  if (pos >= text.length) return { negative, num: "0", denom: "", suffix: "" };
  const numStart = pos;
  while (pos < text.length && /[0-9]/.test(text[pos]!)) pos++;
  const num = text.slice(numStart, pos) || "0";
  let denom = "";
  if (text[pos] === ".") {
    const denomStart = ++pos;
    while (pos < text.length && /[0-9]/.test(text[pos]!)) pos++;
    denom = text.slice(denomStart, pos);
  }
  const suffix = text.slice(pos);
  if (!/^[eEinumkKMGTP]*[-+]?[0-9]*$/.test(suffix)) throw new Error(QUANTITY_FORMAT_ERROR);
  return { negative, num, denom, suffix };
}

/** resource.ParseQuantity. */
export function parseQuantity(text: string): Quantity {
  if (text === "") throw new Error(QUANTITY_FORMAT_ERROR);
  if (text === "0") return { mantissa: 0n, exponent: 0, decimalForm: false };
  const { negative, num, denom, suffix } = scan(text);
  const interpreted = interpretSuffix(suffix);
  if (!interpreted) throw new Error("unable to parse quantity's suffix");
  const { base, format } = interpreted;
  let { exponent } = interpreted;
  // apimachinery would build a 10^exponent big integer here; refuse absurd exponents instead of hanging.
  if (Math.abs(exponent) > MAX_ABS_EXPONENT) throw new Error("unable to parse quantity's suffix");
  const sign = negative ? -1n : 1n;

  // The int64 fast path of ParseQuantity; whatever it cannot hold goes to the exact decimal form.
  let precision: number;
  let mantissaFactor = 1n;
  let scale = 0;
  if (format === "BinarySI") {
    if (exponent >= 0 && denom === "") {
      mantissaFactor = 1n << BigInt(exponent);
      precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
    } else {
      precision = -1;
    }
  } else {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= NANO_EXPONENT) {
      const shifted = BigInt(num + denom);
      const value = shifted * mantissaFactor;
      if (fitsInt64(shifted) && fitsInt64(value)) return { mantissa: sign * value, exponent: scale, decimalForm: false };
    }
  }

  let mantissa = BigInt(num + denom);
  exponent = base === 10 ? exponent - denom.length : -denom.length;
  if (base === 2) mantissa *= 1n << BigInt(interpreted.exponent);
  // Non-zero amounts are rounded up (away from zero) to whole nanos so a tiny request still asks for something.
  if (mantissa !== 0n && exponent < NANO_EXPONENT) {
    const divisor = pow10(NANO_EXPONENT - exponent);
    mantissa = (mantissa + divisor - 1n) / divisor;
    exponent = NANO_EXPONENT;
  }
  if (format === "BinarySI" && compare({ mantissa, exponent, decimalForm: true }, { mantissa: MAX_INT64, exponent: 0, decimalForm: true }) > 0) {
    mantissa = MAX_INT64;
    exponent = 0;
  }
  return { mantissa: sign * mantissa, exponent, decimalForm: true };
}

export function isQuantity(text: string): boolean {
  try {
    parseQuantity(text);
    return true;
  } catch {
    return false;
  }
}

/** The exact value with trailing zeros folded into the exponent: equal quantities normalise identically. */
export function normalize(q: Quantity): { mantissa: bigint; exponent: number } {
  let { mantissa, exponent } = q;
  if (mantissa === 0n) return { mantissa: 0n, exponent: 0 };
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  return { mantissa, exponent };
}

function aligned(a: Quantity, b: Quantity): [bigint, bigint, number] {
  const exponent = Math.min(a.exponent, b.exponent);
  return [a.mantissa * pow10(a.exponent - exponent), b.mantissa * pow10(b.exponent - exponent), exponent];
}

export function compare(a: Quantity, b: Quantity): number {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function sign(q: Quantity): number {
  return q.mantissa > 0n ? 1 : q.mantissa < 0n ? -1 : 0;
}

/** Quantity.Add: stays in int64 form when both are and the aligned sum fits (int64Amount.Add). */
export function add(a: Quantity, b: Quantity): Quantity {
  if (!a.decimalForm && !b.decimalForm) {
    if (b.mantissa === 0n) return a;
    if (a.mantissa === 0n) return b;
    const [x, y, exponent] = aligned(a, b);
    if (fitsInt64(x) && fitsInt64(y) && fitsInt64(x + y)) return { mantissa: x + y, exponent, decimalForm: false };
  }
  const [x, y, exponent] = aligned(a, b);
  return { mantissa: x + y, exponent, decimalForm: true };
}

export function subtract(a: Quantity, b: Quantity): Quantity {
  const negated = { ...b, mantissa: -b.mantissa };
  if (!b.decimalForm && !fitsInt64(negated.mantissa)) return add(a, { ...negated, decimalForm: true });
  return add(a, negated);
}

export function fromInteger(value: bigint): Quantity {
  return { mantissa: value, exponent: 0, decimalForm: false };
}

export function multiply(q: Quantity, factor: bigint): Quantity {
  const mantissa = q.mantissa * factor;
  return { mantissa, exponent: q.exponent, decimalForm: q.decimalForm || !fitsInt64(mantissa) };
}

/** Division rounded half away from zero to `decimals` fractional digits (the library's `div`). */
export function divideRounded(q: Quantity, divisor: bigint, decimals: number): Quantity {
  if (divisor === 0n) throw new Error("division by zero error");
  const target = -decimals;
  const numerator = q.exponent >= target ? q.mantissa * pow10(q.exponent - target) : q.mantissa;
  const denominator = q.exponent >= target ? divisor : divisor * pow10(target - q.exponent);
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  const abs = (v: bigint) => (v < 0n ? -v : v);
  const roundAway = abs(remainder) * 2n >= abs(denominator);
  const direction = (numerator < 0n) !== (denominator < 0n) ? -1n : 1n;
  return { mantissa: roundAway ? quotient + direction : quotient, exponent: target, decimalForm: true };
}

/** Integer division truncating toward zero (the library's `divInt`). */
export function divideInteger(q: Quantity, divisor: bigint): Quantity {
  if (divisor === 0n) throw new Error("division by zero error");
  const whole = q.exponent >= 0 ? q.mantissa * pow10(q.exponent) : q.mantissa / pow10(-q.exponent);
  return { mantissa: whole / divisor, exponent: 0, decimalForm: true };
}

/** Quantity.AsInt64: only the int64 form converts, and only when the scale is not negative. */
export function asInt64(q: Quantity): bigint | undefined {
  if (q.decimalForm || q.exponent < 0) return undefined;
  const value = q.mantissa * pow10(q.exponent);
  return fitsInt64(value) ? value : undefined;
}

/** Quantity.AsApproximateFloat64: mantissa × 10^exponent in float64. */
export function asApproximateFloat(q: Quantity): number {
  const base = Number(q.mantissa);
  return q.exponent === 0 ? base : base * 10 ** q.exponent;
}
