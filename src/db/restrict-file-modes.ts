import { chmodSync, lstatSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Group and world write bits: nobody but the owner may change Revue's files. */
const SHARED_WRITE = 0o022;
/**
 * Written in a data directory once every file of its cluster has been restricted; it holds the
 * cluster's system identifier (the first 8 bytes of global/pg_control), new at every initdb.
 */
export const FILE_MODES_MARKER = ".revue-file-modes-restricted";

/**
 * Takes the group and world write bits off `dir` and everything under it (symbolic links are
 * left alone), then marks `dir` done for the cluster in it, so that later calls for that cluster
 * return at once. PGlite unpacks its initial data directory with the modes of its archive, so
 * pg_hba.conf, postgresql.conf and some relation files arrive world-writable whatever the umask:
 * anyone on the machine could rewrite the database. Files PostgreSQL makes afterwards are the
 * owner's alone (0600, folders 0700), so a cluster needs the walk (a thousand files, 20-40 ms)
 * once. A new cluster is always walked: a template never holds the marker, and a marker left
 * beside a cluster made again (`rm -rf data/*` spares dot files) names another system identifier.
 * Idempotent.
 */
export function restrictFileModes(dir: string): void {
  const marker = join(dir, FILE_MODES_MARKER);
  const cluster = systemIdentifier(dir);
  if (cluster && markedCluster(marker) === cluster) return;
  for (const name of ["", ...(readdirSync(dir, { recursive: true }) as string[])]) {
    const path = join(dir, name);
    const stats = lstatSync(path);
    if (stats.isSymbolicLink() || (stats.mode & SHARED_WRITE) === 0) continue;
    chmodSync(path, stats.mode & 0o7777 & ~SHARED_WRITE);
  }
  if (cluster) writeFileSync(marker, cluster, { mode: 0o600 });
}

/** The system identifier of the cluster in `dir` (hex), or undefined when it has none. */
function systemIdentifier(dir: string): string | undefined {
  try {
    const control = readFileSync(join(dir, "global", "pg_control"));
    return control.length >= 8 ? control.subarray(0, 8).toString("hex") : undefined;
  } catch {
    return undefined;
  }
}

/** What the marker at `path` says, or "" when there is none. */
function markedCluster(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
