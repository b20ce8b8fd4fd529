/** Go's time.ParseDuration and the RFC 3339 parsing Kubernetes applies to `format: date/date-time` strings. */

const NANOS_PER_SECOND = 1_000_000_000n;
const MAX_INT64 = (1n << 63n) - 1n;

const GO_DURATION_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n,
  "\u03bcs": 1_000n,
  ms: 1_000_000n,
  s: NANOS_PER_SECOND,
  m: 60n * NANOS_PER_SECOND,
  h: 3600n * NANOS_PER_SECOND,
};

/** Go's time.ParseDuration (what cel-go's `duration(string)` calls); returns nanoseconds. */
export function parseGoDuration(text: string): bigint {
  const invalid = () => new Error(`time: invalid duration "${text}"`);
  let rest = text;
  let negative = false;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    negative = rest.startsWith("-");
    rest = rest.slice(1);
  }
  if (rest === "0") return 0n;
  if (rest === "") throw invalid();
  let total = 0n;
  while (rest !== "") {
    const number = /^([0-9]*)(?:\.([0-9]*))?/.exec(rest)!;
    const whole = number[1] ?? "";
    const fraction = number[2];
    if (whole === "" && (fraction === undefined || fraction === "")) throw invalid();
    rest = rest.slice(number[0].length);
    const unitMatch = /^[^0-9.]+/.exec(rest);
    if (!unitMatch) throw new Error(`time: missing unit in duration "${text}"`);
    const unit = GO_DURATION_UNITS[unitMatch[0]];
    if (unit === undefined) throw new Error(`time: unknown unit "${unitMatch[0]}" in duration "${text}"`);
    rest = rest.slice(unitMatch[0].length);
    let value = BigInt(whole === "" ? "0" : whole) * unit;
    if (fraction !== undefined && fraction !== "") {
      // Go scales the fraction in float64; do the same so results agree to the nanosecond.
      const scaled = Number(fraction) * (Number(unit) / 10 ** fraction.length);
      value += BigInt(Math.trunc(scaled));
    }
    total += value;
    if (total > 1n << 63n) throw invalid();
  }
  if (negative) return -total;
  if (total > MAX_INT64) throw invalid();
  return total;
}

const STRFMT_UNITS: ReadonlyArray<[bigint, readonly string[]]> = [
  [1n, ["ns", "nano"]],
  [1_000n, ["us", "\u00b5s", "micro"]],
  [1_000_000n, ["ms", "milli"]],
  [NANOS_PER_SECOND, ["s", "sec"]],
  [60n * NANOS_PER_SECOND, ["m", "min"]],
  [3600n * NANOS_PER_SECOND, ["h", "hr", "hour"]],
  [86400n * NANOS_PER_SECOND, ["d", "day"]],
  [604800n * NANOS_PER_SECOND, ["w", "wk", "week"]],
];

/**
 * kube-openapi's strfmt.ParseDuration, used for `format: duration` values: a Go duration, or a sum of
 * `<integer><unit>` terms with long unit names (`2 days`, `1 week`).
 */
export function parseStrfmtDuration(text: string): bigint {
  try {
    return parseGoDuration(text);
  } catch {
    let total = 0n;
    let matched = false;
    for (const [digits, unitWord] of strfmtDurationParts(text)) {
      const unitText = unitWord.toLowerCase();
      const unit = STRFMT_UNITS.find(([, names]) => names.some((n) => unitText === n || unitText === `${n}s`));
      if (!unit) throw new Error(`invalid duration "${text}"`);
      total += BigInt(digits) * unit[0];
      matched = true;
    }
    if (!matched) throw new Error(`invalid duration "${text}"`);
    return total;
  }
}

export interface Instant {
  readonly seconds: bigint;
  readonly nanos: number;
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

function validDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function instant(year: number, month: number, day: number, hour: number, minute: number, second: number, nanos: number, offsetMinutes: number): Instant {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return { seconds: BigInt(date.getTime() / 1000 - offsetMinutes * 60), nanos };
}

/** Go's time.Parse("2006-01-02", text) (strfmt's RFC3339FullDate). */
export function parseFullDate(text: string): Instant | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return validDate(year, month, day) ? instant(year, month, day, 0, 0, 0, 0, 0) : undefined;
}

/** strfmt.ParseDateTime: RFC 3339 with optional seconds, fraction and offset (an absent offset means UTC). */
export function parseDateTime(text: string): Instant | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(match[i]));
  const second = Number(match[6] ?? "0");
  if (!validDate(year!, month!, day!) || hour! > 23 || minute! > 59 || second > 59) return undefined;
  const nanos = Number((match[7] ?? "").padEnd(9, "0"));
  let offset = 0;
  const zone = match[8];
  if (zone !== undefined && zone !== "Z") {
    const digits = zone.replace(":", "");
    const [hours, minutes] = [Number(digits.slice(1, 3)), Number(digits.slice(3, 5))];
    if (hours > 23 || minutes > 59) return undefined;
    offset = (zone.startsWith("-") ? -1 : 1) * (hours * 60 + minutes);
  }
  return instant(year!, month!, day!, hour!, minute!, second, nanos, offset);
}

/** strfmt.IsDateTime, which the CEL `format.datetime()` validator uses (stricter than parseDateTime). */
export function isStrfmtDateTime(text: string): boolean {
  if (text.length < 4) return false;
  const parts = text.toLowerCase().split("t");
  if (parts.length < 2 || parseFullDate(parts[0]!) === undefined) return false;
  const time = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/.exec(parts[1]!);
  return time !== null && time[1]! <= "23" && time[2]! <= "59" && time[3]! <= "59";
}

export function durationParts(nanos: bigint): { seconds: bigint; nanos: number } {
  return { seconds: nanos / NANOS_PER_SECOND, nanos: Number(nanos % NANOS_PER_SECOND) };
}

/** Nanoseconds of a Go duration string, or undefined when it does not parse. */
export function durationNanos(value: unknown): bigint | undefined {
  if (typeof value !== "string") return undefined;
  try {
    return parseGoDuration(value);
  } catch {
    return undefined;
  }
}

/**
 * The matches of strfmt's `(\d+)\s*([A-Za-z\u00b5]+)`, found in one pass (the JavaScript regex backtracks through a
 * long run of digits that no unit follows): a digit run, blanks, then letters; a run without letters after it
 * matches nowhere inside it either.
 */
function* strfmtDurationParts(text: string): Generator<[string, string]> {
  const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
  const isLetter = (c: string | undefined) => c !== undefined && (/[A-Za-z]/.test(c) || c === "\u00b5");
  const isBlank = (c: string | undefined) => c !== undefined && /\s/.test(c);
  let i = 0;
  while (i < text.length) {
    if (!isDigit(text[i])) {
      i++;
      continue;
    }
    let j = i;
    while (isDigit(text[j])) j++;
    let k = j;
    while (isBlank(text[k])) k++;
    let l = k;
    while (isLetter(text[l])) l++;
    if (l > k) yield [text.slice(i, j), text.slice(k, l)];
    i = l > k ? l : j;
  }
}
