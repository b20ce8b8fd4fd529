/**
 * Kubernetes' lists library (isSorted, sum, min, max, indexOf, lastIndexOf, includes) and cel-go's sets extension
 * (sets.contains, sets.equivalent, sets.intersects), with the CEL equality and ordering they rely on.
 */
import {
  CelScalar,
  celFunc,
  celMethod,
  celUint,
  isCelList,
  isCelMap,
  isCelType,
  isCelUint,
  listType,
  type CelFunc,
  type CelList,
  type CelValue,
} from "@bufbuild/cel";
import { create, equals as messageEquals } from "@bufbuild/protobuf";
import { isReflectMessage, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import { DurationSchema, TimestampSchema } from "@bufbuild/protobuf/wkt";

const { BOOL, DYN, INT } = CelScalar;
const LIST = listType(DYN);
const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_UINT64 = (1n << 64n) - 1n;

const noOverload = (name: string) => new Error(`no such overload: ${name}`);

type Numeric = { kind: "int"; value: bigint } | { kind: "uint"; value: bigint } | { kind: "double"; value: number };

function numeric(v: CelValue): Numeric | undefined {
  if (typeof v === "bigint") return { kind: "int", value: v };
  if (typeof v === "number") return { kind: "double", value: v };
  if (isCelUint(v)) return { kind: "uint", value: v.value };
  return undefined;
}

function isTime(v: CelValue): v is ReflectMessage {
  return isReflectMessage(v, DurationSchema) || isReflectMessage(v, TimestampSchema);
}

function timeParts(v: ReflectMessage): [bigint, number] {
  const message = v.message as unknown as { seconds: bigint; nanos: number };
  return [message.seconds, message.nanos];
}

/** CEL equality (heterogeneous numbers, structural lists/maps, field-wise messages). */
export function celEquals(a: CelValue, b: CelValue): boolean {
  const x = numeric(a);
  const y = numeric(b);
  if (x && y) {
    if (x.kind === "double" || y.kind === "double") return Number(x.value) === Number(y.value);
    return x.value === y.value;
  }
  if (x || y) return false;
  if (a instanceof Uint8Array) return b instanceof Uint8Array && a.length === b.length && a.every((byte, i) => byte === b[i]);
  if (isCelList(a)) {
    if (!isCelList(b) || a.size !== b.size) return false;
    for (let i = 0; i < a.size; i++) if (!celEquals(a.get(i)!, b.get(i)!)) return false;
    return true;
  }
  if (isCelMap(a)) {
    if (!isCelMap(b) || a.size !== b.size) return false;
    for (const [key, value] of a) {
      const other = b.get(key);
      if (other === undefined || !celEquals(value, other)) return false;
    }
    return true;
  }
  if (isCelType(a)) return isCelType(b) && a.kind === b.kind && a.name === b.name;
  if (isReflectMessage(a)) {
    return isReflectMessage(b) && a.desc.typeName === b.desc.typeName && messageEquals(a.desc, a.message, b.message);
  }
  return a === b;
}

function compareCodePoints(a: string, b: string): number {
  // Go compares strings bytewise; UTF-8 byte order is code point order, which UTF-16 `<` is not.
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

/** CEL ordering (cel-go's Compare with cross-type numeric comparisons, as Kubernetes enables). */
export function celCompare(a: CelValue, b: CelValue): number {
  const x = numeric(a);
  const y = numeric(b);
  if (x && y) {
    if (x.kind !== "double" && y.kind !== "double") return x.value < y.value ? -1 : x.value > y.value ? 1 : 0;
    const [l, r] = [Number(x.value), Number(y.value)];
    return l < r ? -1 : l > r ? 1 : 0;
  }
  if (typeof a === "string" && typeof b === "string") return compareCodePoints(a, b);
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  }
  if (isTime(a) && isTime(b) && a.desc.typeName === b.desc.typeName) {
    const [s1, n1] = timeParts(a);
    const [s2, n2] = timeParts(b);
    if (s1 !== s2) return s1 < s2 ? -1 : 1;
    return n1 === n2 ? 0 : n1 < n2 ? -1 : 1;
  }
  throw noOverload("compare");
}

function sum(list: CelList): CelValue {
  const items = [...list];
  if (items.length === 0) return 0n;
  const first = items[0]!;
  if (typeof first === "bigint") {
    let total = 0n;
    for (const item of items) {
      if (typeof item !== "bigint") throw noOverload("sum");
      total += item;
      if (total > MAX_INT64 || total < MIN_INT64) throw new Error("integer overflow");
    }
    return total;
  }
  if (isCelUint(first)) {
    let total = 0n;
    for (const item of items) {
      if (!isCelUint(item)) throw noOverload("sum");
      total += item.value;
      if (total > MAX_UINT64) throw new Error("unsigned integer overflow");
    }
    return celUint(total);
  }
  if (typeof first === "number") {
    let total = 0;
    for (const item of items) {
      if (typeof item !== "number") throw noOverload("sum");
      total += item;
    }
    return total;
  }
  if (isReflectMessage(first, DurationSchema)) {
    let nanos = 0n;
    for (const item of items) {
      if (!isReflectMessage(item, DurationSchema)) throw noOverload("sum");
      const [seconds, fraction] = timeParts(item);
      nanos += seconds * 1_000_000_000n + BigInt(fraction);
    }
    if (nanos > MAX_INT64 || nanos < MIN_INT64) throw new Error("duration out of range");
    const message = create(DurationSchema, { seconds: nanos / 1_000_000_000n, nanos: Number(nanos % 1_000_000_000n) });
    return message as unknown as CelValue;
  }
  throw noOverload("sum");
}

function extreme(list: CelList, name: "min" | "max"): CelValue {
  let best: CelValue | undefined;
  for (const item of list) {
    if (best === undefined) {
      celCompare(item, item);
      best = item;
      continue;
    }
    const order = celCompare(best, item);
    if ((name === "min" && order > 0) || (name === "max" && order < 0)) best = item;
  }
  if (best === undefined) throw new Error(`${name} called on empty list`);
  return best;
}

function isSorted(list: CelList): boolean {
  let previous: CelValue | undefined;
  for (const item of list) {
    if (previous !== undefined && celCompare(previous, item) > 0) return false;
    if (previous === undefined) celCompare(item, item);
    previous = item;
  }
  return true;
}

function indexOf(list: CelList, item: CelValue, fromEnd: boolean): bigint {
  if (fromEnd) {
    for (let i = list.size - 1; i >= 0; i--) if (celEquals(list.get(i)!, item)) return BigInt(i);
  } else {
    for (let i = 0; i < list.size; i++) if (celEquals(list.get(i)!, item)) return BigInt(i);
  }
  return -1n;
}

const listContains = (list: CelList, item: CelValue) => indexOf(list, item, false) >= 0n;
const containsAll = (list: CelList, sublist: CelList) => [...sublist].every((item) => listContains(list, item));

export const listFunctions: readonly CelFunc[] = [
  celMethod("isSorted", LIST, [], BOOL, function () {
    return isSorted(this);
  }),
  celMethod("sum", LIST, [], DYN, function () {
    return sum(this);
  }),
  celMethod("min", LIST, [], DYN, function () {
    return extreme(this, "min");
  }),
  celMethod("max", LIST, [], DYN, function () {
    return extreme(this, "max");
  }),
  celMethod("indexOf", LIST, [DYN], INT, function (item) {
    return indexOf(this, item, false);
  }),
  celMethod("lastIndexOf", LIST, [DYN], INT, function (item) {
    return indexOf(this, item, true);
  }),
  celMethod("includes", DYN, [DYN], BOOL, function (item) {
    return isCelList(this) ? listContains(this, item) : celEquals(this, item);
  }),
  celFunc("sets.contains", [LIST, LIST], BOOL, (list, sublist) => containsAll(list, sublist)),
  celFunc("sets.equivalent", [LIST, LIST], BOOL, (a, b) => containsAll(a, b) && containsAll(b, a)),
  celFunc("sets.intersects", [LIST, LIST], BOOL, (a, b) => [...b].some((item) => listContains(a, item))),
];
