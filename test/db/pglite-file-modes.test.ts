import { lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/open-database.ts";

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
