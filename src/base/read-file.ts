import { type BigIntStats, type Stats, closeSync, constants, fstatSync, openSync, readFileSync, statSync } from "node:fs";
import { open, stat } from "node:fs/promises";

// Only regular files are read. Opening a FIFO blocks until a writer comes (a FIFO in a linted folder hung the run
// forever) and a device such as /dev/zero never ends, so the kind is checked before the file is opened, and the
// file is opened without blocking in case it was swapped for something else in between.

/** The largest settings file (config, mesh config, baseline, ignore file) meshlint reads. */
export const MAX_SETTINGS_FILE_SIZE = 16 * 1024 * 1024;

/** Why a path is not a regular file, in words: "a FIFO", "a device", "a folder", "a socket". */
function notRegular(info: Stats | BigIntStats): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isFIFO()) return "not a regular file (a FIFO)";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "not a regular file (a device)";
  if (info.isDirectory()) return "is a folder";
  if (info.isSocket()) return "not a regular file (a socket)";
  return "not a regular file";
}

const refusal = (reason: string): Error => new Error(reason);

function tooLarge(size: number, limit: number): Error {
  return refusal(`${size} bytes, more than the ${limit} bytes meshlint reads`);
}

/**
 * A regular file's bytes (symbolic links followed). Throws Node's error for a missing or unreadable path, and an
 * error saying why for anything else (a FIFO, a device, a folder, a file larger than `maxBytes`).
 */
export function readRegularFileSync(path: string, maxBytes = MAX_SETTINGS_FILE_SIZE): Buffer {
  const info = statSync(path);
  const why = notRegular(info);
  if (why) throw refusal(why);
  if (info.size > maxBytes) throw tooLarge(info.size, maxBytes);
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const now = fstatSync(fd);
    const changed = notRegular(now);
    if (changed) throw refusal(changed);
    if (now.size > maxBytes) throw tooLarge(now.size, maxBytes);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** readRegularFileSync() as UTF-8 text. */
export function readRegularTextSync(path: string, maxBytes = MAX_SETTINGS_FILE_SIZE): string {
  return readRegularFileSync(path, maxBytes).toString("utf8");
}

/** The outcome of reading a file that may be refused: its bytes, or why it was not read. */
export type RegularRead = { readonly bytes: Buffer; readonly metadata: FileMetadata } | { readonly refused: "notRegular" | "tooLarge" | "overTotal"; readonly reason: string; readonly size?: number };

/**
 * What a file's metadata said just before it was read, and when that was (ms since the epoch): what --cache compares
 * to tell that a file is unchanged without reading it (see src/project/run-cache.ts).
 */
export interface FileMetadata {
  readonly info: BigIntStats;
  readonly at: number;
}

/**
 * readRegularFileSync() without blocking the event loop; refusals are returned, errors of the file system thrown.
 * `reserve` is asked for the file's size before it is read: a caller holding many files refuses the ones past its
 * total.
 */
export async function readRegularFile(path: string, maxBytes: number, reserve?: (size: number) => boolean): Promise<RegularRead> {
  const info = await stat(path);
  const why = notRegular(info);
  if (why) return { refused: "notRegular", reason: why };
  if (info.size > maxBytes) return { refused: "tooLarge", reason: "too large", size: info.size };
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const at = Date.now();
    const now = await handle.stat({ bigint: true });
    const size = Number(now.size);
    const changed = notRegular(now);
    if (changed) return { refused: "notRegular", reason: changed };
    if (size > maxBytes) return { refused: "tooLarge", reason: "too large", size };
    if (reserve && !reserve(size)) return { refused: "overTotal", reason: "over the total", size };
    return { bytes: await handle.readFile(), metadata: { info: now, at } };
  } finally {
    await handle.close();
  }
}
