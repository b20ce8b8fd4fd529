import type { RawResource } from "../load/load.js";
import { type ServedKind, apiKindId, arrayOf, objectOf, stringOf } from "./discovery.js";
import type { KubeClient } from "./kube-client.js";
import { MESH_CONFIG_MAPS, collectionPath, ownedByWorkload, toRaw } from "./reader.js";

/** A change the API server reported, as a manifest. */
export interface WatchEvent {
  readonly type: "added" | "modified" | "deleted";
  /** `group/Kind` of the object. */
  readonly kind: string;
  readonly raw: RawResource;
}

export interface WatcherOptions {
  /** Namespaces to watch namespaced kinds in; undefined: all. */
  readonly namespaces?: readonly string[];
  readonly rootNamespace: string;
  /** Called with each batch of events (the initial list of a kind is one batch). */
  readonly onEvents: (events: readonly WatchEvent[]) => void;
  readonly log?: (level: "info" | "warn", message: string, fields?: Record<string, unknown>) => void;
}

const PAGE = 500;
const MAX_BACKOFF_MS = 30_000;

/**
 * Keeps a live copy of some kinds: for each, a paginated LIST, then a WATCH from the list's resourceVersion (with
 * bookmarks, re-opened when the server closes it), a relist when the server says the version is gone (410), and an
 * exponential backoff with jitter (0.5 s to 30 s) on errors. A relist reports what changed meanwhile, deletions
 * included. `synced` resolves once every kind has been listed once.
 */
export class ClusterWatcher {
  /** Restarts (after an error or a 410) by kind, for /metrics. */
  readonly restarts = new Map<string, number>();
  private stopped = false;
  private readonly aborts = new Set<{ abort(): void }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly synced: Promise<void>;

  constructor(
    private readonly client: KubeClient,
    private readonly kinds: readonly ServedKind[],
    private readonly options: WatcherOptions,
  ) {
    this.synced = Promise.all(this.sources().map((s) => this.run(s))).then(() => undefined);
  }

  stop(): void {
    this.stopped = true;
    for (const a of this.aborts) a.abort();
    for (const t of this.timers) clearTimeout(t);
  }

  /** One source per kind and namespace (ConfigMaps: one per mesh ConfigMap name). */
  private sources(): Source[] {
    return this.kinds.flatMap((s): Source[] => {
      const kind = apiKindId(s);
      if (kind === "ConfigMap") {
        return MESH_CONFIG_MAPS.map((name) => ({ kind, served: s, path: collectionPath(s, this.options.rootNamespace), fieldSelector: `metadata.name=${name}` }));
      }
      const namespaces = s.namespaced && this.options.namespaces ? this.options.namespaces : [undefined];
      return namespaces.map((ns) => ({ kind, served: s, path: collectionPath(s, ns) }));
    });
  }

  /** Lists then watches one source for as long as the watcher runs; resolves after the first list. */
  private run(source: Source): Promise<void> {
    const known = new Map<string, RawResource>();
    let version = "";
    let failures = 0;
    let firstList: () => void = () => {};
    const listed = new Promise<void>((resolve) => (firstList = resolve));

    const backoff = () => Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(failures, 6)) * (0.5 + Math.random() / 2);
    const later = (fn: () => void, ms: number) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        fn();
      }, ms);
      this.timers.add(t);
    };
    const restart = (why: string, relist: boolean) => {
      if (this.stopped) return;
      failures++;
      this.restarts.set(source.kind, (this.restarts.get(source.kind) ?? 0) + 1);
      this.options.log?.("warn", `watch of ${source.path} restarts: ${why}`, { kind: source.kind });
      if (relist) version = "";
      later(() => void cycle(), backoff());
    };

    const list = async (): Promise<boolean> => {
      const seen = new Map<string, RawResource>();
      let token: string | undefined;
      let listVersion: string;
      do {
        const query = new URLSearchParams({ limit: String(PAGE), ...(token ? { continue: token } : {}), ...(source.fieldSelector ? { fieldSelector: source.fieldSelector } : {}) });
        const res = await this.client.request("GET", `${source.path}?${query}`);
        if (res.status !== 200) {
          restart(`LIST answered HTTP ${res.status}`, true);
          return false;
        }
        const body = objectOf(res.json);
        for (const item of arrayOf(body?.items)) {
          const raw = toRaw(item, source.served);
          if (raw && !ownedByWorkload(raw, source.kind)) seen.set(keyOf(raw), raw);
        }
        token = stringOf(objectOf(body?.metadata)?.continue) || undefined;
        listVersion = stringOf(objectOf(body?.metadata)?.resourceVersion) ?? "";
      } while (token);
      const events: WatchEvent[] = [];
      for (const [key, raw] of known) if (!seen.has(key)) events.push({ type: "deleted", kind: source.kind, raw });
      for (const [key, raw] of seen) {
        const before = known.get(key);
        if (!before) events.push({ type: "added", kind: source.kind, raw });
        else if (resourceVersion(before) !== resourceVersion(raw)) events.push({ type: "modified", kind: source.kind, raw });
      }
      known.clear();
      for (const [key, raw] of seen) known.set(key, raw);
      version = listVersion;
      if (events.length) this.options.onEvents(events);
      return true;
    };

    const cycle = async (): Promise<void> => {
      if (this.stopped) return;
      try {
        if (!version && !(await list())) return;
        firstList();
        const query: Record<string, string> = {
          resourceVersion: version,
          allowWatchBookmarks: "true",
          // Servers end watches anyway; a spread-out timeout keeps the watches of many kinds from reconnecting at once.
          timeoutSeconds: String(240 + Math.floor(Math.random() * 120)),
          ...(source.fieldSelector ? { fieldSelector: source.fieldSelector } : {}),
        };
        let gone = false;
        let handle: { abort(): void } | undefined;
        handle = await this.client.watch(
          source.path,
          query,
          (type, object) => {
            if (type === "BOOKMARK") {
              version = stringOf(objectOf(objectOf(object)?.metadata)?.resourceVersion) ?? version;
              return;
            }
            if (type === "ERROR") {
              if (objectOf(object)?.code === 410) gone = true;
              return;
            }
            const raw = toRaw(object, source.served);
            if (!raw) return;
            failures = 0;
            version = resourceVersion(raw) || version;
            if (ownedByWorkload(raw, source.kind)) return;
            const key = keyOf(raw);
            const event: WatchEvent["type"] = type === "DELETED" ? "deleted" : known.has(key) ? "modified" : "added";
            if (event === "deleted") known.delete(key);
            else known.set(key, raw);
            this.options.onEvents([{ type: event, kind: source.kind, raw }]);
          },
          (error) => {
            if (handle) this.aborts.delete(handle);
            handle = undefined;
            if (this.stopped) return;
            if (gone || statusOf(error) === 410) restart("resource version too old (410): relisting", true);
            else if (error) restart(String((error as Error).message ?? error), false);
            // The server closed the watch normally: watch again from the last version seen.
            else void cycle();
          },
        );
        if (handle) this.aborts.add(handle);
      } catch (error) {
        restart(String((error as Error).message ?? error), !version);
      }
    };
    void cycle();
    return listed;
  }
}

interface Source {
  readonly kind: string;
  readonly served: ServedKind;
  readonly path: string;
  readonly fieldSelector?: string;
}

const keyOf = (raw: RawResource): string => {
  const meta = objectOf(raw.data.metadata);
  return `${stringOf(meta?.namespace) ?? ""}/${stringOf(meta?.name) ?? ""}`;
};

const resourceVersion = (raw: RawResource): string => stringOf(objectOf(raw.data.metadata)?.resourceVersion) ?? "";

const statusOf = (error: unknown): number | undefined => {
  const e = objectOf(error);
  const code = e?.statusCode ?? e?.code;
  return typeof code === "number" ? code : undefined;
};
