import { parseArgs } from "node:util";
import { UsageError, loadProject } from "../api.js";
import {
  type AccessDecision,
  AccessError,
  type Decider,
  type MtlsSummary,
  decideAccess,
  formatSource,
  formatTarget,
  parseSource,
  parseTarget,
} from "../access/access.js";
import { formatPath } from "../engine/diagnostic.js";
import { isHttpProtocol } from "../istio/protocols.js";
import type { CliIo } from "./io.js";

export const ACCESS_HELP = `Usage: meshlint access --from NS/sa/NAME --to NS/NAME[:PORT] [options] [paths...]

Decides offline whether a caller may call a Service or workload, the way the mesh would: the mTLS handshake,
then CUSTOM, DENY and ALLOW AuthorizationPolicies. Names the policy and rule that decide (file:line) and the
effective mTLS mode on the port.

Options:
      --from <NS/sa/NAME>      the caller: namespace and service account
      --to <NS/NAME[:PORT]>    the target: a Service (and its port) or a workload (and its container port);
                               PORT is a number or a port's name; a Service may be named by its host instead
                               (NAME.NS, NAME.NS.svc or NAME.NS.svc.cluster.local, with :PORT)
      --expect <allow|deny>    exit 1 when the decision is not this one (to gate a script)
      --method <M>             HTTP method (default GET)
      --path <P>               HTTP path (default /)
      --host <H>               Host header (default: any name of the target Service)
      --header <name=value>    a request header (repeatable)
  -f, --format <text|json>     output format (default text)
  -n, --namespace <ns>         namespace of resources that name none (default: default)
  -c, --config <file>          configuration file (default: .meshlint.yaml, searched upward)
      --mesh-config <file>     Istio MeshConfig (bare, or the istio ConfigMap) merged over Istio's defaults

Exit status: 0 when a decision was made (allow or deny) and matches --expect if given, 1 when it does not match
--expect, 2 for a usage error or an unknown source or target.
`;

const OPTIONS = {
  from: { type: "string" },
  to: { type: "string" },
  method: { type: "string" },
  path: { type: "string" },
  host: { type: "string" },
  header: { type: "string", multiple: true },
  expect: { type: "string" },
  format: { type: "string", short: "f", default: "text" },
  namespace: { type: "string", short: "n" },
  config: { type: "string", short: "c" },
  "mesh-config": { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** `meshlint access`: 0 when a decision was made (the one --expect names), 1 for another, 2 for a usage error or an unknown source or target. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`access: ${(error as Error).message.replace(/^.*?: /, "").split("\n")[0] ?? "bad arguments"}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.write(ACCESS_HELP);
    return 0;
  }
  if (values.format !== "text" && values.format !== "json") throw new UsageError(`access: --format must be text or json, not "${values.format}"`);
  if (values.expect !== undefined && values.expect !== "allow" && values.expect !== "deny") throw new UsageError(`access: --expect must be allow or deny, not "${values.expect}"`);
  if (!values.from || !values.to) throw new UsageError("access: both --from NS/sa/NAME and --to NS/NAME[:PORT] are required");
  if (values.method !== undefined && !/^[A-Za-z]+$/.test(values.method)) throw new UsageError(`access: --method must be an HTTP method such as GET, not "${values.method}"`);
  if (values.path !== undefined && !values.path.startsWith("/")) throw new UsageError(`access: --path must start with "/", not "${values.path}"`);
  const headers: Record<string, string> = {};
  for (const h of values.header ?? []) {
    const eq = h.indexOf("=");
    if (eq <= 0) throw new UsageError(`access: --header takes name=value, not "${h}"`);
    headers[h.slice(0, eq).trim()] = h.slice(eq + 1);
  }
  let from;
  let to;
  try {
    from = parseSource(values.from);
    to = parseTarget(values.to);
  } catch (error) {
    if (error instanceof AccessError) throw new UsageError(`access: ${error.message}`);
    throw error;
  }

  // Only the model is needed: the repository is read and indexed, and no rule runs.
  const project = await loadProject(positionals.length ? positionals : ["."], {
    cwd: io.cwd,
    ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
    ...(values.config !== undefined ? { configFile: values.config } : {}),
    ...(values["mesh-config"] !== undefined ? { meshConfigFile: values["mesh-config"] } : {}),
  });
  const { unmatched } = project.loaded;
  if (unmatched.length) throw new UsageError(`access: no such file, folder or glob match: ${unmatched.join(", ")}`);

  let decision: AccessDecision;
  try {
    decision = decideAccess(project.index, { from, to, method: values.method, path: values.path, host: values.host, headers });
  } catch (error) {
    if (error instanceof AccessError) {
      io.error(`meshlint access: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  io.write(values.format === "json" ? `${JSON.stringify(accessJson(decision), null, 2)}\n` : accessText(decision));
  if (values.expect !== undefined && decision.decision !== values.expect) {
    io.error(`meshlint access: expected ${values.expect}, but the policies ${decision.decision} the request\n`);
    return 1;
  }
  return 0;
}

function location(d: Decider | undefined) {
  if (!d) return null;
  const span = d.resource.origin.locate(d.path);
  return {
    kind: d.resource.kind,
    namespace: d.resource.namespace,
    name: d.resource.name,
    what: d.what,
    path: formatPath(d.path),
    ...(span ? { file: span.file, line: span.line, column: span.column } : {}),
  };
}

const mtlsJson = (m: MtlsSummary) => ({
  mode: m.mode,
  modeDecidedBy: location(m.modeDecidedBy),
  client: m.client,
  clientDecidedBy: location(m.clientDecidedBy),
  transport: m.transport,
});

/** The JSON answer: `decision` is `allow` or `deny` (contract for scripts). */
export function accessJson(d: AccessDecision) {
  const http = d.backends.some((b) => b.backend.protocol === "unknown" || isHttpProtocol(b.backend.protocol));
  return {
    version: 1,
    engine: d.engine,
    decision: d.decision,
    request: {
      from: formatSource(d.source),
      to: formatTarget({ namespace: d.target.namespace, name: d.target.name, port: d.target.port }),
      method: http ? (d.request.method?.toUpperCase() ?? "GET") : null,
      path: http ? (d.request.path ?? "/") : null,
    },
    source: { namespace: d.source.namespace, serviceAccount: d.source.serviceAccount, principal: d.source.principal, inMesh: d.source.inMesh },
    target: { kind: d.target.kind === "Service" ? "Service" : d.target.resource.kind, namespace: d.target.namespace, name: d.target.name, port: d.target.port ?? null },
    decidedBy: location(d.decidedBy),
    mtls: mtlsJson(d.mtls),
    backends: d.backends.map((b) => ({
      workload: b.backend.workload ? { kind: b.backend.workload.resource.kind, namespace: b.backend.namespace, name: b.backend.workload.resource.name } : null,
      containerPort: b.backend.containerPort ?? null,
      protocol: b.backend.protocol,
      decision: b.decision,
      stage: b.stage,
      decidedBy: location(b.decidedBy),
      mtls: mtlsJson(b.mtls),
      explanation: b.explanation,
    })),
    explanation: d.explanation,
    notes: d.notes,
  };
}

/** One readable paragraph, then what decided and the mTLS mode, then assumptions. */
export function accessText(d: AccessDecision): string {
  const lines = [`${d.decision.toUpperCase()}  ${formatSource(d.source)} -> ${formatTarget({ namespace: d.target.namespace, name: d.target.name, port: d.target.port })}`, "", wrap(d.explanation), ""];
  const decider = location(d.decidedBy);
  lines.push(`  decided by: ${decider ? `${decider.kind} ${decider.namespace}/${decider.name} ${decider.what}${decider.file ? ` at ${decider.file}:${decider.line}` : ""}` : `no policy (${meshName(d)}'s default)`}`);
  const mode = location(d.mtls.modeDecidedBy);
  lines.push(`  mTLS:       ${d.mtls.mode}${mode ? ` (${mode.kind} ${mode.namespace}/${mode.name}${mode.file ? ` at ${mode.file}:${mode.line}` : ""})` : d.mtls.mode === "NONE" ? " (no sidecar)" : ` (${meshName(d)}'s default)`}, client ${d.mtls.client}, carried as ${d.mtls.transport}`);
  if (d.backends.length > 1) {
    for (const b of d.backends) {
      const name = b.backend.workload ? `${b.backend.workload.resource.kind} ${b.backend.namespace}/${b.backend.workload.resource.name}` : "pod";
      lines.push(`  backend:    ${name}: ${b.decision}`);
    }
  }
  for (const n of d.notes) lines.push(`  note:       ${n}`);
  return `${lines.join("\n")}\n`;
}

const meshName = (d: AccessDecision): string => (d.engine === "linkerd" ? "Linkerd" : "Istio");

function wrap(text: string, width = 110): string {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out.join("\n");
}
