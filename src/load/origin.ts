import type { FieldPath } from "../base/json.js";

/** 0-based, end-exclusive UTF-16 offsets into one file, with the 1-based line/column they start and end at. */
export interface SourceSpan {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/**
 * Where a resource came from: a linted file; an object the installation is assumed to provide; a CRD the cluster
 * serves, given with `--crds`; or a document of a file that could not be read but still names its object
 * (`unreadable`: its syntax error is the finding). Only `file` resources are linted; the others are looked up.
 */
export interface Origin {
  readonly kind: "file" | "cluster" | "installation" | "crds" | "unreadable";
  /** Path as shown to users: relative to the working directory, `/`-separated; `<stdin>` for standard input. */
  readonly file?: string;
  /** Number of the YAML document in its file (0-based, counting the documents that are not empty). */
  readonly document?: number;
  /**
   * The source range of a field. A path that does not exist falls back to the nearest existing parent
   * (the parent's key), so a missing field is reported where it should have been written.
   */
  locate(path: FieldPath, part?: "key" | "value"): SourceSpan | undefined;
}
