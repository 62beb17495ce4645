import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname, isAbsolute, join, normalize, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32 } from "node:zlib";
import { installedVersion } from "./installed-version.ts";
import { FILE_MODES_MARKER } from "./restrict-file-modes.ts";

/**
 * A template is a new embedded database exactly as `npm start` leaves it before its first use
 * (initdb, pgvector, every migration, the queue's schema and queues), kept in one file in the cache
 * directory. A new data directory is copied from it instead of being made by initdb and the
 * migrations (seconds). Its key is a hash of everything that decides its content, so a template
 * made by another version of PGlite, pgvector, the migrations or the queue is never used; the
 * migrator still runs on the copy and must find nothing to do, so correctness never rests on it.
 *
 * The file is not compressed: unpacking the cluster's 40 MB is then a copy, 2.4 times faster than
 * from a gzipped tar of the same (6 MB) on a 2-core machine, which is worth the disk space.
 * It is a first line `revue-pglite-template <format> <header bytes>`, a JSON header (the key,
 * every folder and file with its size, the CRC-32 of the contents), then each file's bytes in the
 * header's order.
 */

/**
 * Bump when the file's layout, or what a template holds beyond the described contents, changes.
 * 3: taken from a cluster shut down cleanly (format 2 copied a running one, which every new data
 * directory then had to recover from, as after a crash).
 */
const TEMPLATE_FORMAT = 3;
const MAGIC = "revue-pglite-template";
/** Written first and removed last while unpacking: a data directory holding it was cut short. */
export const UNPACKING_MARKER = ".revue-unpacking";
/** The cluster's version file, unpacked last: a data directory that has it is a whole cluster. */
const PG_VERSION = "PG_VERSION";
/** A file system's own folder, which a mounted volume's root may hold; never ours to touch. */
const LOST_AND_FOUND = "lost+found";
/**
 * Not part of a cluster's content: a running server's lock files, and our own markers (a new data
 * directory's file modes are checked once, see restrict-file-modes.ts).
 */
const NOT_PACKED = new Set([
  "postmaster.pid",
  "postmaster.opts",
  UNPACKING_MARKER,
  FILE_MODES_MARKER,
  LOST_AND_FOUND,
]);
/** Templates of other keys unused for this long are removed when a template is written. */
const UNUSED_TEMPLATE_DAYS = 30;
/** Where pg_control says how the cluster was left: DBState, an int32 after two uint32 and a uint64. */
const PG_CONTROL = "global/pg_control";
const PG_CONTROL_STATE_OFFSET = 16;
/** DBState's DB_SHUTDOWNED (PostgreSQL's include/catalog/pg_control.h). */
const DB_SHUTDOWNED = 1;
/** Bytes copied at a time. */
const CHUNK = 1 << 20;

/** One entry of a template: a folder, or a file and its size. Paths use "/". */
type TemplateEntry = { path: string; size?: number };
type TemplateHeader = { key: string; entries: TemplateEntry[]; crc32: number };

/** The template could not be used (damaged, or made for another key); the message says why. */
export class PgliteTemplateUnusableError extends Error {
  override name = "PgliteTemplateUnusableError";
}

/**
 * The key of a template holding `contents` (texts that decide what a new database holds: the
 * migration files, the queue's schema and queues) on the installed PGlite and pgvector. Equal keys
 * mean equal databases; anything else that changes a template's bytes belongs in `contents` or
 * TEMPLATE_FORMAT.
 */
export function pgliteTemplateKey(contents: string[]): string {
  const hash = createHash("sha256");
  for (const part of [`format ${TEMPLATE_FORMAT}`, ...describeEngine(), ...contents]) {
    // Length-prefixed, so that no two lists of parts hash the same text.
    hash.update(`${part.length}:${part}\n`);
  }
  return hash.digest("hex");
}

/** Where the template of `key` is kept in `cacheDir`. */
export function pgliteTemplatePath(cacheDir: string, key: string): string {
  return join(cacheDir, `pglite-template-${key.slice(0, 32)}`);
}

/**
 * Whether a new cluster may be unpacked into, or made for a template in, `dataDir`: it holds
 * nothing but a file system's lost+found (and a stale file-modes marker). A directory an unpack left cut short (its marker still
 * there, no PG_VERSION) is emptied first and counts as empty.
 */
export function prepareEmptyDataDir(dataDir: string): { empty: boolean; interrupted: boolean } {
  // A file-modes marker alone is left by a cluster removed with `rm -rf data/*`: no content.
  const entries = readdirSync(dataDir).filter(
    (name) => name !== LOST_AND_FOUND && name !== FILE_MODES_MARKER,
  );
  const interrupted = entries.includes(UNPACKING_MARKER) && !entries.includes(PG_VERSION);
  if (interrupted) emptyDataDir(dataDir);
  return { empty: interrupted || entries.length === 0, interrupted };
}

/** Removes everything in `dataDir` but lost+found (a cluster this module unpacked or failed to). */
export function emptyDataDir(dataDir: string): void {
  for (const name of readdirSync(dataDir)) {
    if (name !== LOST_AND_FOUND) rmSync(join(dataDir, name), { recursive: true, force: true });
  }
}

/**
 * Copies the template at `path` into the empty `dataDir` (see prepareEmptyDataDir): files 0600 and
 * folders 0700 from the start. PG_VERSION is written last, once every byte has been copied and the
 * checksum verified, so a data directory with PG_VERSION is a whole copy. Returns false when there
 * is no template at `path`. Throws PgliteTemplateUnusableError when the file is not a template for
 * `key`, is damaged, or cannot be copied; `dataDir` is emptied again first. Synchronous: the event
 * loop waits for the copy (0.1 to 0.3 s on a busy 2-core machine).
 */
export function unpackPgliteTemplate(path: string, key: string, dataDir: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new PgliteTemplateUnusableError(`cannot read it: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    const { header, dataStart } = readHeader(fd);
    if (header.key !== key) {
      throw new PgliteTemplateUnusableError(
        `it was made for other contents (key ${String(header.key)}, wanted ${key})`,
      );
    }
    const size = header.entries.reduce((sum, entry) => sum + (entry.size ?? 0), 0);
    if (fstatSync(fd).size !== dataStart + size) {
      throw new PgliteTemplateUnusableError("its length is not what its header says");
    }
    writeFileSync(join(dataDir, UNPACKING_MARKER), "", { mode: 0o600 });
    const buffer = Buffer.allocUnsafe(CHUNK);
    let position = dataStart;
    let checksum = 0;
    let version: Buffer | undefined;
    for (const entry of header.entries) {
      const target = insideDataDir(dataDir, entry.path);
      if (entry.size === undefined) {
        mkdirSync(target, { recursive: true, mode: 0o700 });
        continue;
      }
      if (entry.path === PG_VERSION) {
        version = Buffer.alloc(entry.size);
        readExactly(fd, version, position);
        checksum = crc32(version, checksum);
        position += entry.size;
        continue;
      }
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      const out = openSync(target, "wx", 0o600);
      try {
        for (let left = entry.size; left > 0;) {
          const part = buffer.subarray(0, Math.min(CHUNK, left));
          readExactly(fd, part, position);
          checksum = crc32(part, checksum);
          writeSync(out, part);
          position += part.length;
          left -= part.length;
        }
      } finally {
        closeSync(out);
      }
    }
    if (checksum !== header.crc32) throw new PgliteTemplateUnusableError("its checksum is wrong");
    if (!version) throw new PgliteTemplateUnusableError(`it has no ${PG_VERSION}`);
    writeFileSync(join(dataDir, PG_VERSION), version, { mode: 0o600, flag: "wx" });
    rmSync(join(dataDir, UNPACKING_MARKER));
  } catch (error) {
    emptyDataDir(dataDir);
    if (error instanceof PgliteTemplateUnusableError) throw error;
    throw new PgliteTemplateUnusableError(`it could not be copied: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    closeSync(fd);
  }
  // Kept fresh while in use, so that pruning (see writePgliteTemplate) spares it.
  touch(path);
  return true;
}

/**
 * Stores the cluster in `dataDir` as the template for `key` at `path`. The cluster must be shut
 * down cleanly (its PGlite closed): a copy of a running one, even just checkpointed, opens with
 * PostgreSQL's crash recovery, which made every new data directory seconds slower. Written beside
 * its final name and renamed over it, readable by the user alone: a reader never sees half a
 * template, and of two processes writing at once the last rename wins with a whole one. Then
 * removes templates of other keys unused for 30 days. Throws when the cluster was not shut down
 * cleanly, the cache directory cannot be written or the cluster changes while it is read.
 */
export function writePgliteTemplate(path: string, key: string, dataDir: string): void {
  if (!wasShutDownCleanly(dataDir)) {
    throw new Error(`the cluster in ${dataDir} is running or was not shut down cleanly`);
  }
  const cacheDir = dirname(path);
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const entries = clusterEntries(dataDir);
  // The checksum needs every byte, so the files are read twice (from the page cache the second
  // time) rather than held in memory: 40 MB would stay in an idle server's resident memory.
  let checksum = 0;
  forEachFile(dataDir, entries, (data) => (checksum = crc32(data, checksum)));
  const header = Buffer.from(JSON.stringify({ key, entries, crc32: checksum }));
  const partial = `${path}.${randomBytes(6).toString("hex")}.partial`;
  try {
    const fd = openSync(partial, "wx", 0o600);
    try {
      writeSync(fd, `${MAGIC} ${TEMPLATE_FORMAT} ${header.length}\n`);
      writeSync(fd, header);
      forEachFile(dataDir, entries, (data) => writeSync(fd, data));
    } finally {
      closeSync(fd);
    }
    renameSync(partial, path);
  } finally {
    rmSync(partial, { force: true });
  }
  pruneUnusedTemplates(cacheDir, path);
}

/**
 * Whether the cluster in `dataDir` was shut down cleanly, as its pg_control says: then it opens
 * without recovery. False for a running cluster, one left by a crash, and one with no pg_control.
 */
export function wasShutDownCleanly(dataDir: string): boolean {
  try {
    const control = readFileSync(join(dataDir, PG_CONTROL));
    return control.readInt32LE(PG_CONTROL_STATE_OFFSET) === DB_SHUTDOWNED;
  } catch {
    return false;
  }
}

/** The folders and files in `dataDir` to keep, parents before children and PG_VERSION last. */
function clusterEntries(dataDir: string): TemplateEntry[] {
  const names = (readdirSync(dataDir, { recursive: true }) as string[])
    .filter((name) => !NOT_PACKED.has(name.split(sep)[0]!) && name !== PG_VERSION)
    .sort();
  return [...names, PG_VERSION].map((name) => {
    const stats = statSync(join(dataDir, name));
    const path = name.split(sep).join("/");
    return stats.isDirectory() ? { path } : { path, size: stats.size };
  });
}

/** Calls `use` with each file's bytes in `entries` order; throws if a size changed since listed. */
function forEachFile(dataDir: string, entries: TemplateEntry[], use: (data: Buffer) => void): void {
  for (const { path, size } of entries) {
    if (size === undefined) continue;
    const data = readFileSync(join(dataDir, path));
    if (data.length !== size) throw new Error(`${path} changed while the template was written`);
    use(data);
  }
}

/** The header of the template open at `fd`, and where its data starts. */
function readHeader(fd: number): { header: TemplateHeader; dataStart: number } {
  const start = Buffer.alloc(128);
  const read = readSync(fd, start, 0, start.length, 0);
  const newline = start.subarray(0, read).indexOf(10);
  const [magic, format, length] = start.subarray(0, Math.max(newline, 0)).toString().split(" ");
  if (newline < 0 || magic !== MAGIC || format !== String(TEMPLATE_FORMAT)) {
    throw new PgliteTemplateUnusableError("it is not a template of this format");
  }
  const headerLength = Number(length);
  if (!Number.isSafeInteger(headerLength) || headerLength <= 0 || headerLength > 16 << 20) {
    throw new PgliteTemplateUnusableError("its first line is damaged");
  }
  const bytes = Buffer.alloc(headerLength);
  readExactly(fd, bytes, newline + 1);
  let header: TemplateHeader;
  try {
    header = JSON.parse(bytes.toString("utf8")) as TemplateHeader;
  } catch (error) {
    throw new PgliteTemplateUnusableError("its header is damaged", { cause: error });
  }
  const wellFormed = (entry: TemplateEntry) =>
    typeof entry?.path === "string" &&
    (entry.size === undefined || (Number.isSafeInteger(entry.size) && entry.size >= 0));
  if (!Array.isArray(header.entries) || !header.entries.every(wellFormed)) {
    throw new PgliteTemplateUnusableError("its header is damaged");
  }
  return { header, dataStart: newline + 1 + bytes.length };
}

/** Fills `buffer` from `fd` at `position`; throws at the end of the file. */
function readExactly(fd: number, buffer: Buffer, position: number): void {
  for (let done = 0; done < buffer.length;) {
    const read = readSync(fd, buffer, done, buffer.length - done, position + done);
    if (read === 0) throw new PgliteTemplateUnusableError("it ends too soon");
    done += read;
  }
}

/** `name` (a template's path) as a path in `dataDir`; throws for one that would leave it. */
function insideDataDir(dataDir: string, name: string): string {
  const path = normalize(join(dataDir, name));
  const rel = relative(dataDir, path);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
    throw new PgliteTemplateUnusableError(`it holds a path outside the data directory (${name})`);
  }
  return path;
}

function touch(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // Only pruning reads it; a template that cannot be touched is at worst remade in a month.
  }
}

function pruneUnusedTemplates(cacheDir: string, keep: string): void {
  const cutoff = Date.now() - UNUSED_TEMPLATE_DAYS * 24 * 3600 * 1000;
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (!name.startsWith("pglite-template-") || path === keep) continue;
    try {
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}

/** The engine a template is made on: PGlite, and the pgvector bundle it loads (its exact bytes). */
function describeEngine(): string[] {
  const vector = "@electric-sql/pglite-pgvector";
  let bundle: string;
  try {
    const path = fileURLToPath(new URL("vector.tar.gz", import.meta.resolve(vector)));
    bundle = createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    bundle = "unknown";
  }
  return [
    `@electric-sql/pglite@${installedVersion("@electric-sql/pglite")}`,
    `${vector}@${installedVersion(vector)} bundle sha256 ${bundle}`,
  ];
}
