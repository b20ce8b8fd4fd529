import { setMaxListeners } from "node:events";
import { resolve } from "node:path";
import { setFlagsFromString } from "node:v8";
import { builtinRules } from "../../rules/index.js";
import { type SkippedRule, UsageError, clusterInstallation, clusterMeshConfig, kindsRead, rulesNeeding } from "../api.js";
import { type ServedKind, apiKindId, discoverKinds } from "../cluster/discovery.js";
import { ClusterError, type KubeClient, connect } from "../cluster/kube-client.js";
import { CLUSTER_ORIGIN, MESH_CONFIG_MAPS, canList } from "../cluster/reader.js";
import { ClusterWatcher, type WatchEvent } from "../cluster/watcher.js";
import type { Diagnostic } from "../engine/diagnostic.js";
import { type Rule, isGlobalRule, isResourceRule } from "../engine/rule.js";
import { INTERNAL_ERROR_RULE } from "../engine/runner.js";
import type { RawResource } from "../load/load.js";
import { K } from "../model/kinds.js";
import { buildIndex, loadProject, resolveConfig } from "../project/project.js";
import { settingsFor } from "../project/settings.js";
import type { DenyOn } from "./decision.js";
import { LiveIndex } from "./live.js";
import { Metrics } from "./metrics.js";
import { type WebhookServer, startWebhookServer } from "./server.js";

export interface WebhookOptions {
  readonly certFile: string;
  readonly keyFile: string;
  readonly host: string;
  readonly port: number;
  readonly denyOn: DenyOn;
  readonly auditIntervalMs: number;
  readonly cwd: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly configFile?: string;
  /**
   * Build the index from manifests instead of a cluster (no API server, no watch): for tests, benchmarks, and
   * trying rules against a repository's state.
   */
  readonly indexFrom?: readonly string[];
  readonly log: (level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) => void;
}

export interface RunningWebhook {
  readonly port: number;
  /** Resolves once the first full sync is done and the index is built. */
  readonly ready: Promise<void>;
  /**
   * Runs the audit now (it also runs every auditIntervalMs), or joins the one running; undefined before the first
   * sync. It works in slices, so requests are answered meanwhile.
   */
  audit(): Promise<{ readonly diagnostics: readonly Diagnostic[]; readonly drift: number }> | undefined;
  close(): Promise<void>;
}

/**
 * `meshlint webhook`: starts the HTTPS server at once (so /healthz answers), reads the cluster (the kinds the
 * enabled rules read, each checked with an access review first), keeps it live with watches, and becomes ready
 * when everything was listed once. An audit re-lints the whole index every `auditIntervalMs`.
 */
export async function runWebhook(options: WebhookOptions): Promise<RunningWebhook> {
  // V8 learns from the index build, where nearly every object lives on, to allocate objects of the same code sites
  // directly in the old generation ("pretenuring"). A request's preview allocates at those sites too, and what it
  // stores in them then outlives every young-generation collection until a full one: measured on the 10k bench,
  // ~60 KB promoted per request instead of ~6 KB, and scavenge pauses several times as long. A webhook keeps one
  // big index and makes short-lived previews, so pretenuring only costs it.
  setFlagsFromString("--no-allocation-site-pretenuring");
  const cwd = resolve(options.cwd);
  const config = resolveConfig(cwd, options.configFile ? { configFile: options.configFile } : {});
  const catalog = builtinRules();
  const internalError = catalog.get(INTERNAL_ERROR_RULE)!;
  const enabled = catalog.rules.filter((r) => (isResourceRule(r) || isGlobalRule(r)) && config.rules[r.meta.id] !== "off");
  const metrics = new Metrics();
  const { log } = options;
  let live: LiveIndex | undefined;
  let rules: readonly Rule[] = enabled;
  let waiting = "reading the cluster";
  let watcher: ClusterWatcher | undefined;

  const server: WebhookServer = await startWebhookServer({
    certFile: options.certFile,
    keyFile: options.keyFile,
    host: options.host,
    port: options.port,
    denyOn: options.denyOn,
    metrics,
    log,
    ready: () => (live ? { ready: true, detail: "ready" } : { ready: false, detail: `not ready: ${waiting}` }),
    // Before the first sync the index is unknown: allow, and say so (the API server only calls once /readyz passed
    // for Service-backed webhooks; a URL-backed one may call earlier).
    evaluate: (request) => (live ? live.evaluate(request) : { own: [], caused: [], exempt: "not synced yet" }),
  });
  metrics.gauges = () => ({
    ready: live !== undefined,
    objects: countByKind(live),
    restarts: watcher?.restarts ?? new Map(),
  });

  const ready = (async () => {
    if (options.indexFrom) {
      const project = await loadProject(options.indexFrom, { cwd, config });
      // Objects of the manifests stand for the cluster's: admission requests replace them, as they would live objects.
      // A document that could not be read stands for no live object (its content is unknown).
      const raw = project.loaded.resources.filter((r) => r.origin.kind === "file").map((r): RawResource => ({ ...r, origin: CLUSTER_ORIGIN }));
      live = new LiveIndex(buildIndex(raw, project.settings), rules, internalError, catalog, config, cwd);
      return;
    }
    const client = await connect({ ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), ...(options.context ? { context: options.context } : {}) });
    const root = config.settings.rootNamespace ?? "istio-system";
    const kinds = [...kindsRead(enabled), K.ConfigMap];
    const signal = AbortSignal.timeout(60_000);
    setMaxListeners(0, signal);
    const served = await discoverKinds(client, kinds, signal);
    const { readable, skipped } = await access(client, [...served.values()], enabled, root, signal);
    rules = enabled.filter((r) => !skipped.some((s) => s.ruleId === r.meta.id));
    for (const s of skipped) log("warn", `rule ${s.ruleId} skipped: ${s.reason}`);
    waiting = `listing ${readable.length} kinds`;
    const pending: WatchEvent[] = [];
    const objects = new Map<string, RawResource>();
    watcher = new ClusterWatcher(client, readable, {
      rootNamespace: root,
      log,
      onEvents: (batch) => {
        const events = batch.map(asIndexed);
        if (!live) {
          pending.push(...events);
          return;
        }
        if (events.some((e) => isMeshConfig(e.raw, root))) {
          // The mesh config is part of the settings every check reads: start over from the objects known.
          for (const e of events) track(objects, e);
          live = build();
          return;
        }
        for (const e of events) track(objects, e);
        live.apply(events);
      },
    });
    const build = (): LiveIndex => {
      const all = [...objects.values()];
      const meshConfig = clusterMeshConfig(all, root);
      const settings = settingsFor(config, { installation: clusterInstallation(() => true), ...(meshConfig ? { meshConfig } : {}) }, cwd);
      return new LiveIndex(buildIndex(all, settings), rules, internalError, catalog, config, cwd);
    };
    await watcher.synced;
    for (const e of pending) track(objects, e);
    pending.length = 0;
    live = build();
    log("info", "synced", { objects: objects.size, kinds: readable.length });
  })();
  ready.catch((error: unknown) => {
    waiting = `failed: ${(error as Error).message}`;
    log("error", `cannot read the cluster: ${error instanceof ClusterError || error instanceof UsageError ? error.message : String((error as Error).stack ?? error)}`);
  });

  let auditing: Promise<{ readonly diagnostics: readonly Diagnostic[]; readonly drift: number }> | undefined;
  const auditNow = () => {
    if (!live) return undefined;
    const current = live;
    auditing ??= (async () => {
      const started = Date.now();
      const result = await current.audit(rules, internalError, cwd);
      metrics.audit(result.diagnostics, result.drift);
      log(result.drift ? "warn" : "info", "audit", {
        findings: result.diagnostics.length,
        errors: result.diagnostics.filter((d) => d.severity === "error").length,
        ms: Date.now() - started,
        ...(result.drift ? { drift: result.drift } : {}),
      });
      return result;
    })().finally(() => {
      auditing = undefined;
    });
    return auditing;
  };
  const audit = setInterval(() => {
    auditNow()?.catch((error: unknown) => log("error", `audit failed: ${(error as Error).message}`));
  }, options.auditIntervalMs);
  audit.unref();

  return {
    port: server.port,
    ready,
    audit: auditNow,
    close: async () => {
      clearInterval(audit);
      watcher?.stop();
      await server.close();
    },
  };
}

/** Which served kinds may be listed and watched cluster-wide, and which rules cannot run without the others. */
async function access(
  client: KubeClient,
  served: readonly ServedKind[],
  rules: readonly Rule[],
  root: string,
  signal: AbortSignal,
): Promise<{ readable: ServedKind[]; skipped: SkippedRule[] }> {
  const unreadable = new Map<string, string>();
  const readable: ServedKind[] = [];
  await Promise.all(
    served.map(async (s) => {
      // ConfigMaps are read by name in the root namespace only; Secrets are not watched (their data is never needed).
      if (apiKindId(s) === "Secret") {
        unreadable.set("Secret", "Secrets are not watched by the webhook");
        return;
      }
      // The mesh ConfigMaps are watched by name (a field selector), which a Role's resourceNames can grant.
      const configMap = apiKindId(s) === "ConfigMap";
      const namespace = configMap ? root : undefined;
      for (const name of configMap ? MESH_CONFIG_MAPS : [undefined]) {
        for (const verb of ["list", "watch"] as const) {
          const ok = await canList(client, s, namespace, signal, verb, name);
          if (!ok.ok) {
            unreadable.set(apiKindId(s), ok.reason);
            return;
          }
        }
      }
      readable.push(s);
    }),
  );
  return { readable, skipped: rulesNeeding(rules, unreadable) };
}

function track(objects: Map<string, RawResource>, e: WatchEvent): void {
  const meta = e.raw.data.metadata as { namespace?: string; name?: string } | undefined;
  const key = `${e.kind}/${meta?.namespace ?? ""}/${meta?.name ?? ""}`;
  if (e.type === "deleted") objects.delete(key);
  else objects.set(key, e.raw);
}

/** A cluster's CRDs are what it serves (the schema rules validate against them), not objects to lint. */
const CRDS_ORIGIN = { ...CLUSTER_ORIGIN, kind: "crds" as const };
const asIndexed = (e: WatchEvent): WatchEvent => (e.raw.kind === "CustomResourceDefinition" ? { ...e, raw: { ...e.raw, origin: CRDS_ORIGIN } } : e);

function isMeshConfig(raw: RawResource, root: string): boolean {
  const meta = raw.data.metadata as { namespace?: string; name?: string } | undefined;
  return raw.kind === "ConfigMap" && meta?.namespace === root && meta?.name === "istio";
}

function countByKind(live: LiveIndex | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!live) return out;
  for (const r of live.index.resources) if (r.origin.kind === "cluster") out.set(r.kind, (out.get(r.kind) ?? 0) + 1);
  return out;
}
