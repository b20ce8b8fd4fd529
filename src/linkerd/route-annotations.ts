/**
 * Linkerd's retry and timeout annotations (`retry.linkerd.io/*`, `timeout.linkerd.io/*`) as the policy controller
 * parses them (outbound/index.rs parse_duration and parse_timeouts, outbound/index/http.rs and grpc.rs retry
 * parsing), paraphrased. On routes with Service or EgressNetwork parents the admission webhook rejects what does
 * not parse; on Services the controller only logs.
 */

/** Milliseconds of a duration in Linkerd's own syntax: one non-negative integer and a unit (ms, s, m, h, d), or `0`. */
export function linkerdDurationMs(text: string): number | undefined {
  const m = /^(0|([0-9]+)(ms|s|m|h|d))$/.exec(text.trim());
  if (!m) return undefined;
  if (m[1] === "0") return 0;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[3] as "ms"];
  return Number(m[2]) * unit;
}

export const isLinkerdDuration = (text: string): boolean => linkerdDurationMs(text) !== undefined;

const GRPC_CONDITIONS = new Set(["cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable"]);

const status = (s: string): number | undefined => (/^[0-9]{3}$/.test(s) && Number(s) >= 100 && Number(s) <= 599 ? Number(s) : undefined);

/** Why a `retry.linkerd.io/http` list does not parse, or undefined. */
function httpRetryProblem(value: string): string | undefined {
  for (const raw of value.split(",")) {
    const item = raw.trim();
    if (item === "5xx" || item === "gateway-error" || status(item) !== undefined) continue;
    const [a, b, ...more] = item.split("-");
    const lo = status(a?.trim() ?? "");
    const hi = status(b?.trim() ?? "");
    if (more.length === 0 && lo !== undefined && hi !== undefined) {
      if (lo > hi) return `the range "${item}" is decreasing`;
      continue;
    }
    return `"${item}" is not "5xx", "gateway-error", a status code 100-599 or a range of them`;
  }
  return undefined;
}

function grpcRetryProblem(value: string): string | undefined {
  for (const raw of value.split(",")) {
    const item = raw.trim();
    if (!GRPC_CONDITIONS.has(item)) return `"${item}" is not one of ${[...GRPC_CONDITIONS].map((c) => `"${c}"`).join(", ")}`;
  }
  return undefined;
}

export interface AnnotationProblem {
  readonly key: string;
  readonly value: string;
  readonly reason: string;
}

const DURATION_KEYS = ["retry.linkerd.io/timeout", "timeout.linkerd.io/response", "timeout.linkerd.io/request", "timeout.linkerd.io/idle"];

/**
 * The retry/timeout annotations of a route that Linkerd cannot parse. `grpc` selects the annotations a GRPCRoute
 * reads (`retry.linkerd.io/grpc`) instead of an HTTPRoute's (`retry.linkerd.io/http`).
 */
export function retryTimeoutProblems(annotations: Readonly<Record<string, string>>, grpc: boolean): AnnotationProblem[] {
  const out: AnnotationProblem[] = [];
  const check = (key: string, problem: (v: string) => string | undefined) => {
    const value = annotations[key];
    if (value === undefined) return;
    const reason = problem(value);
    if (reason) out.push({ key, value, reason });
  };
  check("retry.linkerd.io/limit", (v) =>
    /^[0-9]+$/.test(v.trim()) && Number(v.trim()) <= 65535 ? undefined : "it is not a whole number from 0 to 65535",
  );
  for (const key of DURATION_KEYS) {
    check(key, (v) =>
      isLinkerdDuration(v) ? undefined : 'Linkerd durations are one whole number and a unit ("ms", "s", "m", "h" or "d"), such as "500ms" or "2s"; fractions and compound values such as "1m30s" are refused',
    );
  }
  if (grpc) check("retry.linkerd.io/grpc", grpcRetryProblem);
  else check("retry.linkerd.io/http", httpRetryProblem);
  return out;
}
