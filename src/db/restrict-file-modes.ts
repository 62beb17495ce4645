import { chmodSync, lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Group and world write bits: nobody but the owner may change Revue's files. */
const SHARED_WRITE = 0o022;

/**
 * Takes the group and world write bits off `dir` and everything under it (symbolic links are
 * left alone). PGlite unpacks its initial data directory with the modes of its archive, so
 * pg_hba.conf, postgresql.conf and some relation files arrive world-writable whatever the umask:
 * anyone on the machine could rewrite the database. Idempotent; cheap enough to run at every start.
 */
export function restrictFileModes(dir: string): void {
  for (const name of ["", ...(readdirSync(dir, { recursive: true }) as string[])]) {
    const path = join(dir, name);
    const stats = lstatSync(path);
    if (stats.isSymbolicLink() || (stats.mode & SHARED_WRITE) === 0) continue;
    chmodSync(path, stats.mode & 0o7777 & ~SHARED_WRITE);
  }
}
