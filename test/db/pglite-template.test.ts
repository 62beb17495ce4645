import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { pino } from "pino";
import { afterEach, expect, it } from "vitest";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { createPglite, openDatabase, type DatabaseHandle } from "../../src/db/open-database.ts";
import { pgliteTemplatePath, writePgliteTemplate } from "../../src/db/pglite-template.ts";

let parent: string;
const handles: DatabaseHandle[] = [];
afterEach(async () => {
  for (const handle of handles.splice(0)) {
    // Closing kysely's PGlite dialect closes PGlite too.
    await handle.close();
  }
  rmSync(parent, { recursive: true, force: true });
});

function capturingLogger() {
  const lines: string[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
  return { log, messages: () => lines.map((line) => (JSON.parse(line) as { msg: string }).msg) };
}

async function open(dataDir: string, templateCacheDir: string | undefined) {
  const { log, messages } = capturingLogger();
  const handle = await openDatabase({ kind: "pglite", dataDir, templateCacheDir }, { log });
  handles.push(handle);
  return { handle, messages };
}

it("unpacks a new data directory from the cached template rather than running initdb", async () => {
  parent = mkdtempSync(join(tmpdir(), "revue-template-"));
  const cache = join(parent, "cache");
  // A template of our own making, with a table initdb would never create: finding the table in the
  // new directory proves it came from the template.
  const source = await createPglite(undefined);
  await source.exec(
    "CREATE TABLE made_by_template (x int); INSERT INTO made_by_template VALUES (7)",
  );
  const archive = await source.dumpDataDir("gzip");
  await source.close();
  writePgliteTemplate(pgliteTemplatePath(cache), new Uint8Array(await archive.arrayBuffer()));

  const dataDir = join(parent, "data");
  const { handle, messages } = await open(dataDir, cache);
  const { rows } = await sql<{ x: number }>`SELECT x FROM made_by_template`.execute(handle.db);
  expect(rows).toEqual([{ x: 7 }]);
  expect(messages()).toContain(
    `creating the embedded database in ${dataDir} from the template in ${cache} ...`,
  );
  // The copy is a real, writable cluster on disk: pgvector works, the migrations run, it reopens.
  expect((await migrateToLatest(handle.db)).error).toBeUndefined();
  await sql`SELECT '[1,2]'::vector <-> '[1,3]'::vector AS d`.execute(handle.db);
  await handle.close();
  handles.pop();
  const again = await open(dataDir, cache);
  const reopened = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM made_by_template`.execute(again.handle.db);
  expect(reopened.rows).toEqual([{ n: 1 }]);
  expect(again.messages().filter((m) => m.startsWith("creating"))).toEqual([]);
  // Unpacked from an archive, the files keep no group or world write bit.
  const shared = ["", ...(readdirSync(dataDir, { recursive: true }) as string[])].filter(
    (name) => (lstatSync(join(dataDir, name)).mode & 0o022) !== 0,
  );
  expect(shared).toEqual([]);
});

it("runs initdb on the first start of a machine, and leaves the template for the next", async () => {
  parent = mkdtempSync(join(tmpdir(), "revue-template-"));
  const cache = join(parent, "cache");
  const first = join(parent, "first");
  const { messages } = await open(first, cache);
  expect(messages()).toContain(
    `creating the embedded database in ${first} (first time on this machine: a few seconds) ...`,
  );
  expect(existsSync(pgliteTemplatePath(cache))).toBe(true);
  expect(readdirSync(cache).filter((name) => name.endsWith(".partial"))).toEqual([]);

  const second = join(parent, "second");
  const next = await open(second, cache);
  expect(next.messages()).toContain(
    `creating the embedded database in ${second} from the template in ${cache} ...`,
  );
  expect((await migrateToLatest(next.handle.db)).error).toBeUndefined();
});

it("discards a template that does not load, and makes the database by initdb", async () => {
  parent = mkdtempSync(join(tmpdir(), "revue-template-"));
  const cache = join(parent, "cache");
  writePgliteTemplate(pgliteTemplatePath(cache), new TextEncoder().encode("not an archive"));
  const dataDir = join(parent, "data");
  const { handle, messages } = await open(dataDir, cache);
  expect(messages()).toContain(
    `the database template ${pgliteTemplatePath(cache)} is unusable; discarded`,
  );
  expect((await migrateToLatest(handle.db)).error).toBeUndefined();
  // The good cluster made by initdb replaced the bad template.
  expect(lstatSync(pgliteTemplatePath(cache)).size).toBeGreaterThan(100_000);
});

it("without a cache directory, never writes a template anywhere", async () => {
  parent = mkdtempSync(join(tmpdir(), "revue-template-"));
  const dataDir = join(parent, "data");
  writeFileSync(join(parent, "marker"), "");
  const { messages } = await open(dataDir, undefined);
  expect(messages()).toContain(
    `creating the embedded database in ${dataDir} (first time on this machine: a few seconds) ...`,
  );
  expect(readdirSync(parent).sort()).toEqual(["data", "marker"]);
});
