// What a run does not know of the world. Reading a live cluster with a namespaced Role leaves kinds unread in some
// namespaces (and cluster-scoped kinds unread altogether): the objects there are not absent, only unknown. Rules are
// not told about access rights; each check's reads (the read keys it already records for the incremental engine) are
// compared with what was read, so that a conclusion resting on an unknown part is not stated as certain (see
// src/engine/runner.ts). Files alone know everything they are asked about: there, nothing is unknown.
import { K, type KindKey, kindId } from "./kinds.js";
import { type ResourceIndex, WORKLOAD_KINDS } from "./resource-index.js";

/** A part of the world a check read but the run does not know: a kind in one namespace, or outside those it was read in. */
export interface UnknownPart {
  readonly kind: string;
  /** The namespace asked about; undefined when the question spanned every namespace (or the kind is cluster-scoped). */
  readonly namespace?: string;
  /** The namespaces the kind was read in (empty: nowhere). */
  readonly readIn: readonly string[];
}

/** Whether anything is unknown at all (a cluster read in part); when not, no check needs judging. */
export const knowsEverything = (index: ResourceIndex): boolean => Object.keys(index.settings.readOnlyIn).length === 0;

/** Whether objects of `kind` in `namespace` were read (or come from files): only then is their absence a fact. */
export function knows(index: ResourceIndex, kind: KindKey, namespace: string): boolean {
  const readIn = index.settings.readOnlyIn[kindId(kind)];
  return readIn === undefined || readIn.includes(namespace);
}

/**
 * Judges read keys (src/model/read-log.ts) against what the run knows. A memo or table key stands for everything
 * its build read (a table answers from every object of its kinds), so it is unknown when any of that is.
 */
export class UnknownReads {
  private readonly readOnlyIn: Readonly<Record<string, readonly string[]>>;
  private derived: Map<string, ReadonlySet<string>> | undefined;
  private readonly judged = new Map<string, UnknownPart | null>();

  /** `index`: the index the checks read (its derived tables are looked up by name). */
  constructor(private readonly index: ResourceIndex) {
    this.readOnlyIn = index.settings.readOnlyIn;
  }

  /** The first unknown part among `keys`, or undefined when all of them are known. */
  first(keys: Iterable<string>): UnknownPart | undefined {
    for (const key of keys) {
      const part = this.judge(key, new Set());
      if (part) return part;
    }
    return undefined;
  }

  private judge(key: string, visiting: Set<string>): UnknownPart | undefined {
    const cached = this.judged.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const part = this.judgeOnce(key, visiting);
    // Memo and table answers are cached only once complete (a cycle leaves a key undecided while it is visited).
    if (!visiting.size) this.judged.set(key, part ?? null);
    return part;
  }

  private judgeOnce(key: string, visiting: Set<string>): UnknownPart | undefined {
    const space = key.indexOf(" ");
    const tag = space < 0 ? key : key.slice(0, space);
    const rest = space < 0 ? "" : key.slice(space + 1);
    switch (tag) {
      case "D":
        // Identities defined twice: objects that are there, whatever else is unknown.
        return undefined;
      case "K":
        return rest === kindId({ group: "*", kind: "*" }) ? this.anyKind() : this.outside(rest, undefined);
      case "N": {
        const at = rest.lastIndexOf(" ");
        return this.outside(rest.slice(0, at), rest.slice(at + 1));
      }
      case "I": {
        // `group/Kind/namespace/name`: neither a name nor a namespace holds a slash.
        const parts = rest.split("/");
        return this.outside(parts.slice(0, -2).join("/"), parts[parts.length - 2] ?? "");
      }
      case "E":
        // "Are there any?" is known once one is there.
        return this.index.inRepository(kindFromId(rest)) ? undefined : this.outside(rest, undefined);
      case "S":
        return this.outside(kindId(K.Namespace), "");
      case "WL":
        return firstOf(WORKLOAD_KINDS, (k) => this.outside(kindId(k), rest === "*" ? undefined : rest));
      case "H":
      case "W":
        return firstOf([K.Service, K.ServiceEntry], (k) => this.outside(kindId(k), undefined));
      case "M":
      case "T":
        return this.derivedPart(tag, rest, visiting);
      default:
        // A question this file does not know how to place: unknown whenever anything is.
        return this.anyKind();
    }
  }

  /** A memo (`M name`) or table lookup (`T name key`, a name may hold spaces): unknown when anything its build read is. */
  private derivedPart(tag: string, rest: string, visiting: Set<string>): UnknownPart | undefined {
    const name = this.derivedName(tag, rest);
    if (name === undefined) return this.anyKind();
    if (visiting.has(name)) return undefined;
    visiting.add(name);
    try {
      for (const dep of this.derived!.get(name)!) {
        const part = this.judge(dep, visiting);
        if (part) return part;
      }
      return undefined;
    } finally {
      visiting.delete(name);
    }
  }

  private derivedName(tag: string, rest: string): string | undefined {
    for (let attempt = 0; attempt < 2; attempt++) {
      // Tables and memos are built while the checks run: look again when one is not known yet.
      if (!this.derived || attempt === 1) this.derived = this.index.derivedReads();
      if (tag === "M") {
        if (this.derived.has(`M ${rest}`)) return `M ${rest}`;
        continue;
      }
      for (let end = rest.indexOf(" "); end > 0; end = rest.indexOf(" ", end + 1)) {
        if (this.derived.has(`T ${rest.slice(0, end)}`)) return `T ${rest.slice(0, end)}`;
      }
      if (this.derived.has(`T ${rest}`)) return `T ${rest}`;
    }
    return undefined;
  }

  /** The kind `id` in `namespace` (every namespace when undefined), if that was not read. */
  private outside(id: string, namespace: string | undefined): UnknownPart | undefined {
    const readIn = this.readOnlyIn[id];
    if (readIn === undefined) return undefined;
    if (namespace !== undefined && readIn.includes(namespace)) return undefined;
    return { kind: id, readIn, ...(namespace ? { namespace } : {}) };
  }

  private anyKind(): UnknownPart | undefined {
    const [id, readIn] = Object.entries(this.readOnlyIn)[0] ?? [];
    return id === undefined ? undefined : { kind: id, readIn: readIn! };
  }
}

function firstOf<T>(items: readonly T[], part: (item: T) => UnknownPart | undefined): UnknownPart | undefined {
  for (const item of items) {
    const found = part(item);
    if (found) return found;
  }
  return undefined;
}

function kindFromId(id: string): KindKey {
  const slash = id.lastIndexOf("/");
  return slash < 0 ? { group: "", kind: id } : { group: id.slice(0, slash), kind: id.slice(slash + 1) };
}

/** The unknown part in words, for a finding's help line: `Gateway (networking.istio.io) in namespace "istio-system"`. */
export function describeUnknown(part: UnknownPart): string {
  const { group, kind } = kindFromId(part.kind);
  const name = group ? `${kind} (${group})` : kind;
  if (part.namespace) return `${name} objects in namespace "${part.namespace}"`;
  if (part.readIn.length) return `${name} objects outside namespace${part.readIn.length === 1 ? "" : "s"} ${part.readIn.map((n) => `"${n}"`).join(", ")}`;
  return `${name} objects`;
}
