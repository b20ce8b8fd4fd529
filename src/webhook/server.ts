import { readFileSync, statSync, unwatchFile, watchFile } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import https from "node:https";
import { createSecureContext } from "node:tls";
import { createGunzip } from "node:zlib";
import { type AdmissionRequest, type ReviewVersion, decodeReview, encodeReview } from "./admission.js";
import { type DenyOn, decide } from "./decision.js";
import type { Evaluation } from "./live.js";
import type { Metrics } from "./metrics.js";

/** The API server allows request bodies of 3 MiB stored objects, twice over; like istiod, accept up to 6 MiB. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

export interface WebhookServerOptions {
  readonly certFile: string;
  readonly keyFile: string;
  readonly host: string;
  readonly port: number;
  readonly denyOn: DenyOn;
  readonly metrics: Metrics;
  /** Whether the first full sync is done (`/readyz`); with what is missing when not. */
  readonly ready: () => { ready: boolean; detail: string };
  readonly evaluate: (request: AdmissionRequest) => Evaluation;
  readonly log: (level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) => void;
  /** How often certificate files are checked for changes (default 5 s). */
  readonly certPollMs?: number;
}

export interface WebhookServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The admission webhook's HTTPS server: `POST /validate` (AdmissionReview v1 or v1beta1, answered in the version
 * received with the request's uid), `/healthz`, `/readyz` (only after the first full sync), `/metrics`. Malformed
 * requests are refused with HTTP 415 (not JSON), 400 (empty), 413 (over 6 MiB), or, when the body is JSON that is no
 * usable review, an AdmissionReview refusing it with status 400 (and the uid, when one can be read). The certificate
 * and key are reloaded when their files change; a pair that does not load keeps the previous one.
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const server = https.createServer({ cert: readFileSync(options.certFile), key: readFileSync(options.keyFile) }, (req, res) => {
    handle(req, res, options).catch((error: unknown) => {
      options.log("error", `request failed: ${(error as Error).message}`);
      if (!res.headersSent) send(res, 500, "text/plain", "internal error\n");
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    options.log("warn", `bad HTTP request: ${error.code ?? error.message}`);
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
  });
  const reload = certificateReloader(options, (context) => server.setSecureContext(context));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        reload.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: WebhookServerOptions): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  // A request answered without reading its body still has it drained, so that a kept-alive connection stays usable.
  const refused = (code: number, message: string) => {
    req.resume();
    refuse(res, options, code, message);
  };
  if (path !== "/validate") req.resume();
  if (path === "/healthz") return send(res, 200, "text/plain", "ok\n");
  if (path === "/readyz") {
    const { ready, detail } = options.ready();
    return send(res, ready ? 200 : 503, "text/plain", `${detail}\n`);
  }
  if (path === "/metrics") return send(res, 200, "text/plain; version=0.0.4", options.metrics.text());
  if (path !== "/validate") return send(res, 404, "text/plain", "not found\n");
  if (req.method !== "POST") {
    res.setHeader("Allow", "POST");
    return refused(405, "POST an AdmissionReview to /validate");
  }
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") return refused(415, `expected Content-Type application/json, got "${type}"`);
  const body = await readBody(req);
  if (body === "too large") return refuse(res, options, 413, `the body is over ${MAX_BODY_BYTES} bytes`);
  if (body === undefined) return refuse(res, options, 400, "the body could not be read");
  if (!body.trim()) return refuse(res, options, 400, "the body is empty");

  const started = process.hrtime.bigint();
  const decoded = decodeReview(body);
  if (!decoded.ok) {
    if (!decoded.uid) return refuse(res, options, 400, decoded.problem);
    options.metrics.httpError(400);
    return reply(res, decoded.version, { uid: decoded.uid, allowed: false, status: { code: 400, reason: "BadRequest", message: `meshlint: ${decoded.problem}` } });
  }
  const { request, version } = decoded;
  let answer: ReturnType<typeof decide>;
  if (request.operation === "CONNECT") answer = { uid: request.uid, allowed: true, decision: "allow" };
  else {
    const evaluation = options.evaluate(request);
    answer = decide(request.uid, evaluation, options.denyOn);
    if (answer.decision === "deny") {
      options.log("info", "denied", { kind: request.kind.kind, namespace: request.namespace, name: request.name, operation: request.operation, dryRun: request.dryRun, user: request.username, message: answer.status?.message });
    }
  }
  const { decision, ...response } = answer;
  reply(res, version, response);
  options.metrics.request({ operation: request.operation, kind: request.kind.kind, decision, dryRun: request.dryRun }, Number(process.hrtime.bigint() - started) / 1e9);
}

function reply(res: ServerResponse, version: ReviewVersion, response: Parameters<typeof encodeReview>[1]): void {
  send(res, 200, "application/json", encodeReview(version, response));
}

function refuse(res: ServerResponse, options: WebhookServerOptions, code: number, message: string): void {
  options.metrics.httpError(code);
  if (code === 413) res.setHeader("Connection", "close");
  send(res, code, "text/plain", `${message}\n`);
}

function send(res: ServerResponse, code: number, type: string, body: string): void {
  res.writeHead(code, { "Content-Type": type, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** The body as text (gzip undone), "too large" past the limit (the rest is not read), undefined if it breaks off. */
function readBody(req: IncomingMessage): Promise<string | undefined | "too large"> {
  return new Promise((resolve) => {
    const encoding = (req.headers["content-encoding"] ?? "").toLowerCase();
    const stream = encoding === "gzip" ? req.pipe(createGunzip()) : req;
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (value: string | undefined | "too large") => {
      if (done) return;
      done = true;
      resolve(value);
    };
    // Past the limit the rest is read and dropped (not kept), so that the client gets the 413 rather than a
    // connection closed under its upload.
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) chunks.length = 0;
      else chunks.push(chunk);
    });
    stream.on("end", () => finish(size > MAX_BODY_BYTES ? "too large" : Buffer.concat(chunks).toString("utf8")));
    stream.on("error", () => finish(undefined));
  });
}

/**
 * Watches the certificate and key files (Kubernetes updates a mounted Secret by swapping a symlink, so their
 * modification times are polled rather than watched by inode) and installs a new pair once both load together.
 */
function certificateReloader(options: WebhookServerOptions, install: (context: { cert: Buffer; key: Buffer }) => void): { stop(): void } {
  const stamp = () => {
    try {
      return `${statSync(options.certFile).mtimeMs}:${statSync(options.keyFile).mtimeMs}`;
    } catch {
      return "";
    }
  };
  let last = stamp();
  const check = () => {
    const now = stamp();
    if (!now || now === last) return;
    try {
      const pair = { cert: readFileSync(options.certFile), key: readFileSync(options.keyFile) };
      createSecureContext(pair);
      install(pair);
      last = now;
      options.log("info", "reloaded the TLS certificate", { cert: options.certFile });
    } catch (error) {
      // A half-written pair (the key replaced before the certificate): keep serving the old one, try again later.
      options.log("warn", `the new TLS certificate does not load yet: ${(error as Error).message}`);
    }
  };
  const interval = options.certPollMs ?? 5000;
  watchFile(options.certFile, { interval }, check);
  watchFile(options.keyFile, { interval }, check);
  return {
    stop: () => {
      unwatchFile(options.certFile, check);
      unwatchFile(options.keyFile, check);
    },
  };
}
