/** Upper bounds of the latency histogram, in seconds: from half a millisecond to the API server's 10 s maximum. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The webhook's metrics, written in Prometheus' text format (a handful of series: no client library needed). */
export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly httpErrors = new Map<string, number>();
  private readonly buckets = BUCKETS.map(() => 0);
  private count = 0;
  private sum = 0;
  private auditFindings = new Map<string, number>();
  private auditTime = 0;
  private auditDrift = 0;
  gauges: () => { ready: boolean; objects: ReadonlyMap<string, number>; restarts: ReadonlyMap<string, number> } = () => ({
    ready: false,
    objects: new Map(),
    restarts: new Map(),
  });

  request(labels: { operation: string; kind: string; decision: string; dryRun: boolean }, seconds: number): void {
    const key = labelText({ operation: labels.operation, kind: labels.kind, decision: labels.decision, dry_run: String(labels.dryRun) });
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.count++;
    this.sum += seconds;
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) this.buckets[i]!++;
  }

  httpError(code: number): void {
    const key = labelText({ code: String(code) });
    this.httpErrors.set(key, (this.httpErrors.get(key) ?? 0) + 1);
  }

  audit(findings: readonly { ruleId: string; severity: string }[], drift: number): void {
    const counts = new Map<string, number>();
    for (const f of findings) {
      const key = labelText({ rule: f.ruleId, severity: f.severity });
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    this.auditFindings = counts;
    this.auditTime = Date.now() / 1000;
    this.auditDrift = drift;
  }

  text(): string {
    const g = this.gauges();
    const lines: string[] = [];
    const family = (name: string, type: string, help: string, series: Iterable<[string, number]>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of series) lines.push(`${name}${labels} ${value}`);
    };
    family("meshlint_webhook_requests_total", "counter", "Admission requests answered, by operation, kind, decision and dry run.", this.requests);
    lines.push(
      "# HELP meshlint_webhook_request_duration_seconds Time to answer an admission request.",
      "# TYPE meshlint_webhook_request_duration_seconds histogram",
    );
    BUCKETS.forEach((b, i) => lines.push(`meshlint_webhook_request_duration_seconds_bucket{le="${b}"} ${this.buckets[i]}`));
    lines.push(
      `meshlint_webhook_request_duration_seconds_bucket{le="+Inf"} ${this.count}`,
      `meshlint_webhook_request_duration_seconds_sum ${this.sum}`,
      `meshlint_webhook_request_duration_seconds_count ${this.count}`,
    );
    family("meshlint_webhook_http_errors_total", "counter", "Requests refused before evaluation, by HTTP status.", this.httpErrors);
    family("meshlint_audit_findings", "gauge", "Findings of the last audit of the whole index, by rule and severity.", this.auditFindings);
    family("meshlint_audit_last_run_timestamp_seconds", "gauge", "When the last audit ended.", [["", this.auditTime]]);
    family("meshlint_audit_drift", "gauge", "Findings the last audit and the incremental state disagreed on (0 expected).", [["", this.auditDrift]]);
    family("meshlint_index_objects", "gauge", "Objects in the live index, by kind.", [...g.objects].map(([k, n]) => [labelText({ kind: k }), n]));
    family("meshlint_watch_restarts_total", "counter", "Watches restarted after an error or an expired version, by kind.", [...g.restarts].map(([k, n]) => [labelText({ kind: k }), n]));
    family("meshlint_ready", "gauge", "1 once the first full sync of the cluster is done.", [["", g.ready ? 1 : 0]]);
    return `${lines.join("\n")}\n`;
  }
}

function labelText(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
    .join(",")}}`;
}
