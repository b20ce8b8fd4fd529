import http from "node:http";
import type * as ClientNodeModule from "@kubernetes/client-node";

type ClientNode = typeof ClientNodeModule;
import https from "node:https";
import { importPackage } from "../base/import-package.js";

/** What meshlint needs from a Kubernetes API server: GET (lists, objects, discovery), POST (access reviews), WATCH. */
export interface KubeClient {
  /** The API server's URL, for messages. */
  readonly server: string;
  /** The kubeconfig context's namespace (`default` when it names none). */
  readonly namespace: string;
  readonly context: string;
  request(method: "GET" | "POST", path: string, options?: RequestOptions): Promise<KubeResponse>;
  /** Streams watch events until the server closes the stream, `signal` aborts, or an error occurs (then `done(error)`). */
  watch(path: string, query: Readonly<Record<string, string>>, onEvent: (type: string, object: unknown) => void, done: (error?: unknown) => void): Promise<{ abort(): void }>;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly accept?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export interface KubeResponse {
  readonly status: number;
  /** The parsed JSON body, or undefined when the body is not JSON (a 404 from a group the server does not serve). */
  readonly json: unknown;
  readonly text: string;
}

export interface ConnectOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** A problem reaching or authenticating to the cluster: the CLI reports it and exits 2. */
export class ClusterError extends Error {}

/**
 * Connects through `@kubernetes/client-node`, imported here on demand: only `--cluster` and `meshlint webhook` pay
 * for it (it is large, and its 2.x line cannot even be imported on Node 20, so it is pinned to ^1.4). It supplies
 * what is hard to get right: kubeconfig files, contexts, and every way of authenticating (tokens, client
 * certificates, exec plugins, OIDC, the in-cluster service account). Requests themselves are plain HTTPS with raw
 * JSON, so objects reach the rules exactly as the API server stores them.
 */
export async function connect(options: ConnectOptions = {}): Promise<KubeClient> {
  let k8s: ClientNode;
  try {
    k8s = (await importPackage("@kubernetes/client-node")) as ClientNode;
  } catch (error) {
    throw new ClusterError(`cannot load @kubernetes/client-node: ${(error as Error).message}`);
  }
  const kc = new k8s.KubeConfig();
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (error) {
    throw new ClusterError(`cannot read the kubeconfig${options.kubeconfig ? ` ${options.kubeconfig}` : ""}: ${(error as Error).message}`);
  }
  if (options.context) {
    if (!kc.getContexts().some((c) => c.name === options.context)) {
      throw new ClusterError(`no context "${options.context}" in the kubeconfig (it has: ${kc.getContexts().map((c) => c.name).join(", ") || "none"})`);
    }
    kc.setCurrentContext(options.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ClusterError("the kubeconfig names no current cluster (set one with --context)");
  const server = cluster.server.replace(/\/+$/, "");
  const context = kc.getCurrentContext();
  const namespace = kc.getContextObject(context)?.namespace || "default";
  const watcher = new k8s.Watch(kc);

  const request = async (method: "GET" | "POST", path: string, options: RequestOptions = {}): Promise<KubeResponse> => {
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    const url = new URL(server + path);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string>), Accept: options.accept ?? "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const transport = url.protocol === "http:" ? http : https;
    return new Promise<KubeResponse>((resolve, reject) => {
      const req = transport.request(url, { ...opts, method, headers, signal: options.signal, timeout: options.timeoutMs ?? 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json, text });
        });
      });
      req.on("timeout", () => req.destroy(new ClusterError(`${method} ${path}: no answer from ${server} within ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s`)));
      req.on("error", (error) => reject(error instanceof ClusterError ? error : new ClusterError(`${method} ${path}: ${(error as Error).message}`)));
      if (body !== undefined) req.write(body);
      req.end();
    });
  };

  return {
    server,
    namespace,
    context,
    request,
    async watch(path, query, onEvent, done) {
      const controller = await watcher.watch(path, query, (type: string, object: unknown) => onEvent(type, object), (error: unknown) => done(error ?? undefined));
      return { abort: () => controller.abort() };
    },
  };
}
