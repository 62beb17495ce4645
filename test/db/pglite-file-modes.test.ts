import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/open-database.ts";
import { FILE_MODES_MARKER } from "../../src/db/restrict-file-modes.ts";

let parent: string | undefined;
let handle: DatabaseHandle | undefined;
afterEach(async () => {
  await handle?.close();
  await handle?.pglite?.close();
  if (parent) rmSync(parent, { recursive: true, force: true });
  handle = parent = undefined;
});

/** Paths under `dir` (itself included) that someone other than the owner could write. */
function sharedWritable(dir: string): string[] {
  return ["", ...(readdirSync(dir, { recursive: true }) as string[])].filter((name) => {
    const stats = lstatSync(join(dir, name));
    return !stats.isSymbolicLink() && (stats.mode & 0o022) !== 0;
  });
}

it("creates the embedded database's files writable by their owner alone", async () => {
  parent = mkdtempSync(join(tmpdir(), "revue-modes-"));
  const dataDir = join(parent, "data");
  handle = await openDatabase({ kind: "pglite", dataDir });
  expect(readdirSync(dataDir)).toContain("postgresql.conf");
  expect(sharedWritable(dataDir)).toEqual([]);
  expect(lstatSync(dataDir).mode & 0o077).toBe(0);
});

it("walks a cluster's files once, then skips the walk, and a later start's new files are the owner's", async () => {
  parent = mkdtempSync(join(tmpdir(), "revue-modes-"));
  const dataDir = join(parent, "data");
  handle = await openDatabase({ kind: "pglite", dataDir });
  await handle.close();
  expect(readdirSync(dataDir)).toContain(FILE_MODES_MARKER);

  // A file opened to others by hand stays so: the second start did not walk.
  chmodSync(join(dataDir, "postgresql.auto.conf"), 0o666);
  handle = await openDatabase({ kind: "pglite", dataDir });
  expect(sharedWritable(dataDir)).toEqual(["postgresql.auto.conf"]);
  chmodSync(join(dataDir, "postgresql.auto.conf"), 0o600);
  // What PostgreSQL writes after the walk: relations, indexes, WAL, a checkpoint.
  await handle.pglite!.exec(
    "CREATE TABLE t (x int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 50000); CHECKPOINT",
  );
  expect(sharedWritable(dataDir)).toEqual([]);
});

it("walks a cluster made again in a directory that kept the marker of the one before", async () => {
  parent = mkdtempSync(join(tmpdir(), "revue-modes-"));
  const dataDir = join(parent, "data");
  handle = await openDatabase({ kind: "pglite", dataDir });
  await handle.close();
  // `rm -rf data/*`: the shell's * spares dot files, so the marker stays.
  for (const name of readdirSync(dataDir)) {
    if (name !== FILE_MODES_MARKER) rmSync(join(dataDir, name), { recursive: true });
  }
  handle = await openDatabase({ kind: "pglite", dataDir });
  expect(readdirSync(dataDir)).toContain("postgresql.conf");
  expect(sharedWritable(dataDir)).toEqual([]);
});
