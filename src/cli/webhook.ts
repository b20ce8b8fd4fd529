import { parseArgs } from "node:util";
import type { DenyOn } from "../webhook/decision.js";
import { type CliIo, CliUsageError, EXIT } from "./io.js";
import { parseDuration } from "./lint-options.js";

const OPTIONS = {
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  listen: { type: "string", default: "0.0.0.0:8443" },
  kubeconfig: { type: "string" },
  context: { type: "string" },
  "deny-on": { type: "string", default: "error" },
  "audit-interval": { type: "string", default: "10m" },
  config: { type: "string", short: "c" },
  "index-from": { type: "string", multiple: true },
} as const;

const DENY_ON = ["error", "warning", "info", "none"] as const;

const WEBHOOK_HELP = `meshlint webhook: a validating admission webhook that checks each object against the rest of the mesh.

Usage:
  meshlint webhook --tls-cert FILE --tls-key FILE [options]

Options:
      --tls-cert <file>        the serving certificate (PEM); the API server calls webhooks over HTTPS only
      --tls-key <file>         its private key (PEM)
      --listen <addr:port>     where to listen (default 0.0.0.0:8443)
      --kubeconfig <file>      the cluster to watch (default: KUBECONFIG, else ~/.kube/config, else in-cluster)
      --context <name>         a context of the kubeconfig other than its current one
      --deny-on <level>        deny objects with findings at or above: error (default), warning, info, none
                               (below it, findings are returned as warnings kubectl prints)
      --audit-interval <d>     lint the whole cluster again from scratch this often (default 10m)
  -c, --config <file>          configuration file (rules, severities, settings)
      --index-from <path>      read the mesh from files instead of a cluster (repeatable; for trying it out)
  -h, --help                   print this help

Logs are JSON lines on standard error; it runs until SIGTERM or SIGINT. See README "meshlint webhook" and deploy/.
`;

/**
 * `meshlint webhook --tls-cert F --tls-key F [--listen ADDR:PORT] [--kubeconfig F] [--context C]
 * [--deny-on error|warning|info|none] [--audit-interval 10m] [--config F]`: runs until SIGTERM or SIGINT. Logs are
 * JSON lines on standard error.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.write(WEBHOOK_HELP);
    return EXIT.ok;
  }
  let values;
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true }).values;
  } catch (error) {
    throw new CliUsageError(`meshlint webhook: ${(error as Error).message.split("\n")[0]}`);
  }
  const cert = values["tls-cert"];
  const key = values["tls-key"];
  if (!cert || !key) throw new CliUsageError("meshlint webhook needs --tls-cert FILE and --tls-key FILE (the API server calls webhooks over HTTPS only)");
  const denyOn = values["deny-on"];
  if (!(DENY_ON as readonly string[]).includes(denyOn)) throw new CliUsageError(`--deny-on must be one of ${DENY_ON.join(", ")}`);
  const listen = /^(.*):(\d{1,5})$/.exec(values.listen);
  if (!listen || Number(listen[2]) > 65535) throw new CliUsageError(`--listen needs ADDRESS:PORT (e.g. 0.0.0.0:8443), not "${values.listen}"`);
  const auditIntervalMs = parseDuration(values["audit-interval"], "--audit-interval");
  const log = (level: string, message: string, fields?: Record<string, unknown>) =>
    io.error(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`);

  const { runWebhook } = await import("../webhook/webhook.js");
  let webhook;
  try {
    webhook = await runWebhook({
      certFile: cert,
      keyFile: key,
      host: listen[1]!.replace(/^\[(.*)\]$/, "$1") || "0.0.0.0",
      port: Number(listen[2]),
      denyOn: denyOn as DenyOn,
      auditIntervalMs,
      cwd: io.cwd,
      log,
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      ...(values.context ? { context: values.context } : {}),
      ...(values.config ? { configFile: values.config } : {}),
      ...(values["index-from"] ? { indexFrom: values["index-from"] } : {}),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EACCES" || code === "EADDRINUSE" || /PEM|key|certificate/i.test((error as Error).message)) {
      throw new CliUsageError(`meshlint webhook: ${(error as Error).message}`);
    }
    throw error;
  }
  log("info", "listening", { port: webhook.port, denyOn });
  return new Promise<number>((done) => {
    const stop = () => void webhook.close().then(() => done(EXIT.ok));
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}
