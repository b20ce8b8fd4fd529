// What meshlint reads at most. Each limit is far above what a real manifest needs and well below what would exhaust
// the stack or the memory of a run; going past one is a finding at the place where it happens, never a crash, and
// the rest of the run goes on. README.md ("Known limits") documents them.

/** Nested mappings and sequences in one document. go-yaml allows 10,000; no real manifest comes near 100. */
export const MAX_NESTING_DEPTH = 256;

/** Documents (`---`) in one file. Rendered charts hold hundreds; a cluster export is one `List` document. */
export const MAX_DOCUMENTS_PER_FILE = 10_000;

/**
 * Aliases (`*name`) in one document, and the size an alias may expand to: `yaml`'s `maxAliasCount` bounds
 * expansion (an alias bomb stops there), and the count bounds the work of resolving aliases.
 */
export const MAX_ALIAS_COUNT = 1000;

/**
 * Values that aliases may add to a document once expanded (a copy, a schema check or JSON.stringify expands them).
 * go-yaml allows a few million decoded values; a manifest that reuses a block of labels a few times adds hundreds.
 */
export const MAX_ALIAS_EXPANSION = 100_000;

/** Default of `--max-file-size`: larger files are skipped with a warning. */
export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

/**
 * Default of `--max-total-size`: the files read after the inputs reach it are skipped with a warning. About 200,000
 * resources, twice the largest repository the benchmark measures, within a run's memory goal.
 */
export const DEFAULT_MAX_TOTAL_SIZE = 64 * 1024 * 1024;
