import { readRegularTextSync } from "../base/read-file.js";
import { basename, relative } from "node:path";
import { toPosix } from "../load/ignore-rules.js";
import { SourceFile } from "../load/source-file.js";
import { type FieldPath, type Resource, type SourceSpan, deepFreeze } from "../model/resource.js";

// Access assertions: decisions the configuration file (`access:`) says must hold, checked on every lint by the
// rule access-assertion-failed.

/** One entry of `access:`: `{from: frontend/sa/web, to: api/inventory:9000, method: GET, path: /items, expect: allow}`. */
export interface AccessAssertionSpec {
  readonly from: string;
  readonly to: string;
  readonly method?: string;
  readonly path?: string;
  readonly host?: string;
  readonly expect: "allow" | "deny";
  readonly name?: string;
}

export interface AccessAssertion {
  readonly name: string | undefined;
  readonly from: string;
  readonly to: string;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly host: string | undefined;
  readonly expect: "allow" | "deny";
  /** Its place in the `access:` list. */
  readonly index: number;
  /** Where it is written: the config file, and the position of a field of the assertion (`["to"]`). */
  readonly file: string | undefined;
  locate(path: FieldPath): SourceSpan | undefined;
}

/**
 * An assertion as a resource, so that findings about it point into the config file: kind `AccessAssertion`, named
 * by its `name` or its place in the list (`access[2]`); field paths are the assertion's own (`["expect"]`).
 */
export function assertionResource(a: AccessAssertion): Resource {
  const name = a.name ?? `access[${a.index}]`;
  const data = deepFreeze({
    apiVersion: "meshlint.io/v1alpha1",
    kind: "AccessAssertion",
    metadata: { name },
    from: a.from,
    to: a.to,
    ...(a.method !== undefined ? { method: a.method } : {}),
    ...(a.path !== undefined ? { path: a.path } : {}),
    ...(a.host !== undefined ? { host: a.host } : {}),
    expect: a.expect,
  });
  return {
    apiVersion: "meshlint.io/v1alpha1",
    group: "meshlint.io",
    version: "v1alpha1",
    kind: "AccessAssertion",
    namespace: "",
    name,
    namespaceWritten: false,
    data,
    origin: { kind: "file", ...(a.file !== undefined ? { file: a.file } : {}), locate: (path) => a.locate(path) },
    id: `meshlint.io/AccessAssertion//${name}`,
  };
}

/**
 * The config file's `access:` assertions, each able to locate its fields in the config file (shown relative to `cwd`),
 * so that a failed assertion that no policy decided is reported where it is written. The file is read again only
 * when a position is asked for.
 */
export function accessAssertions(specs: readonly AccessAssertionSpec[], file: string | undefined, cwd: string): AccessAssertion[] {
  const shown = file ? toPosix(relative(cwd, file)) || basename(file) : undefined;
  let source: SourceFile | undefined;
  const locate = (index: number, path: readonly (string | number)[]) => {
    if (!file || !shown) return undefined;
    try {
      source ??= new SourceFile(shown, readRegularTextSync(file));
    } catch {
      return undefined;
    }
    return source.locate(0, ["access", index, ...path]);
  };
  return specs.map((a, index) => ({
    name: a.name,
    from: a.from,
    to: a.to,
    method: a.method,
    path: a.path,
    host: a.host,
    expect: a.expect,
    index,
    file: shown,
    locate: (path) => locate(index, path),
  }));
}
