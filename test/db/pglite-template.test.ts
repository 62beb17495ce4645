import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import {
  openDatabase,
  type DatabaseHandle,
  type NewDatabaseContents,
} from "../../src/db/open-database.ts";
import {
  pgliteTemplateKey,
  pgliteTemplatePath,
  UNPACKING_MARKER,
  unpackPgliteTemplate,
  wasShutDownCleanly,
  writePgliteTemplate,
} from "../../src/db/pglite-template.ts";

/**
 * What the tests put in a new database: a table saying which contents made it, and a count of the
 * fills (a database copied from a template is not filled). The key is made from `describe`.
 */
function contents(label: string): NewDatabaseContents & { fills: number } {
  const value = {
    fills: 0,
    describe: () => [`test contents ${label}`],
    fill: async (handle: DatabaseHandle) => {
      value.fills += 1;
      await sql`CREATE TABLE made_by (label text)`.execute(handle.db);
      await sql`INSERT INTO made_by VALUES (${label})`.execute(handle.db);
    },
  };
  return value;
}

const keyOf = (label: string) => pgliteTemplateKey(["schema public", `test contents ${label}`]);

let parent: string;
const handles: DatabaseHandle[] = [];
/** A template for contents "A", made once by the slow path and copied into each test's cache. */
let templateA: string;

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), "revue-template-"));
  const cache = join(parent, "shared-cache");
  const handle = await openDatabase(
    { kind: "pglite", dataDir: join(parent, "shared-data"), templateCacheDir: cache },
    { newDatabase: contents("A") },
  );
  await handle.close();
  templateA = pgliteTemplatePath(cache, keyOf("A"));
});

afterEach(async () => {
  // Closing kysely's PGlite dialect closes PGlite too.
  for (const handle of handles.splice(0)) await handle.close();
});

afterAll(() => rmSync(parent, { recursive: true, force: true }));

function capturingLogger() {
  const lines: { msg: string; level: number }[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return {
    log,
    messages: () => lines.map((line) => line.msg),
    warnings: () => lines.filter((line) => line.level >= 40).map((line) => line.msg),
  };
}

async function open(
  dataDir: string,
  cacheDir: string | undefined,
  newDatabase: NewDatabaseContents | undefined,
) {
  const { log, messages, warnings } = capturingLogger();
  const handle = await openDatabase(
    { kind: "pglite", dataDir, templateCacheDir: cacheDir },
    { log, newDatabase },
  );
  handles.push(handle);
  const label = async () =>
    (await sql<{ label: string }>`SELECT label FROM made_by`.execute(handle.db)).rows.map(
      (row) => row.label,
    );
  return { handle, messages, warnings, label };
}

/** A fresh folder with a cache holding the template for "A" (when `withTemplate`). */
function place(name: string, withTemplate = true) {
  const dir = join(parent, name);
  const cache = join(dir, "cache");
  mkdirSync(cache, { recursive: true });
  if (withTemplate) copyFileSync(templateA, pgliteTemplatePath(cache, keyOf("A")));
  return { dir, cache, data: (suffix = "data") => join(dir, suffix) };
}

/** Paths under `dir` (itself included) that someone other than the owner could write. */
function sharedWritable(dir: string): string[] {
  return ["", ...(readdirSync(dir, { recursive: true }) as string[])].filter(
    (name) => (lstatSync(join(dir, name)).mode & 0o022) !== 0,
  );
}

it("makes the first new database by initdb and its contents, then copies the next from the template", async () => {
  const { cache, data } = place("first", false);
  const a = contents("A");
  const first = await open(data("one"), cache, a);
  expect(first.messages()).toContain(
    `creating the embedded database in ${data("one")} (initdb and migrations: a few seconds) ...`,
  );
  expect(a.fills).toBe(1);
  const template = pgliteTemplatePath(cache, keyOf("A"));
  expect(statSync(template).mode & 0o777).toBe(0o600);
  expect(readdirSync(cache)).toEqual([template.split("/").pop()]);

  const second = await open(data("two"), cache, a);
  expect(second.messages()).toContain(
    `creating the embedded database in ${data("two")} from the template in ${cache} ...`,
  );
  expect(a.fills).toBe(1);
  expect(await second.label()).toEqual(["A"]);
  // A real, writable cluster on disk: it takes writes, pgvector works, it reopens as it was.
  await sql`INSERT INTO made_by VALUES ('written')`.execute(second.handle.db);
  await sql`SELECT '[1,2]'::vector <-> '[1,3]'::vector AS d`.execute(second.handle.db);
  await handles.pop()!.close();
  const again = await open(data("two"), cache, a);
  expect(again.messages().filter((m) => m.startsWith("creating"))).toEqual([]);
  expect(await again.label()).toEqual(["A", "written"]);
  expect(sharedWritable(data("two"))).toEqual([]);
  expect(existsSync(join(data("two"), UNPACKING_MARKER))).toBe(false);
});

it("holds a cluster shut down cleanly, so that a copy opens without crash recovery", async () => {
  const { cache, data } = place("clean");
  mkdirSync(data(), { mode: 0o700 });
  expect(unpackPgliteTemplate(pgliteTemplatePath(cache, keyOf("A")), keyOf("A"), data())).toBe(
    true,
  );
  // What PostgreSQL reads at open: anything but "shut down" makes it replay the WAL first.
  expect(wasShutDownCleanly(data())).toBe(true);
  const opened = await open(data(), cache, contents("A"));
  expect(await opened.label()).toEqual(["A"]);
  expect(wasShutDownCleanly(data())).toBe(false); // running now

  // And a running cluster is never taken for a template.
  expect(() => writePgliteTemplate(join(cache, "running"), keyOf("A"), data())).toThrow(
    `the cluster in ${data()} is running or was not shut down cleanly`,
  );
  expect(existsSync(join(cache, "running"))).toBe(false);
});

it("does not use a template made for other contents, and replaces it", async () => {
  const { cache, data } = place("other-contents");
  // The file where the template of "B" belongs holds the one of "A" (renamed by hand, say).
  copyFileSync(templateA, pgliteTemplatePath(cache, keyOf("B")));
  const b = contents("B");
  const opened = await open(data("one"), cache, b);
  expect(opened.warnings()).toEqual([
    expect.stringMatching(
      new RegExp(
        `^the database template ${pgliteTemplatePath(cache, keyOf("B"))} is unusable \\(it was made for other contents`,
      ),
    ),
  ]);
  expect(b.fills).toBe(1);
  expect(await opened.label()).toEqual(["B"]);

  const next = await open(data("two"), cache, b);
  expect(next.warnings()).toEqual([]);
  expect(next.messages()).toContain(
    `creating the embedded database in ${data("two")} from the template in ${cache} ...`,
  );
  expect(b.fills).toBe(1);
  expect(await next.label()).toEqual(["B"]);
});

it.each([
  [
    "a byte changed",
    (path: string) => {
      const bytes = readFileSync(path);
      bytes[bytes.length - 5000] ^= 0xff;
      writeFileSync(path, bytes);
    },
    "its checksum is wrong",
  ],
  ["cut short", (path: string) => truncateSync(path, 100_000), "its length is not what"],
])("falls back from a template with %s, and replaces it", async (name, damage, reason) => {
  const { cache, data } = place(`damaged-${name.replaceAll(" ", "-")}`);
  damage(pgliteTemplatePath(cache, keyOf("A")));
  const a = contents("A");
  const opened = await open(data("one"), cache, a);
  expect(opened.warnings()).toEqual([expect.stringContaining(reason)]);
  expect(a.fills).toBe(1);
  expect(await opened.label()).toEqual(["A"]);
  expect(existsSync(join(data("one"), UNPACKING_MARKER))).toBe(false);

  const next = await open(data("two"), cache, a);
  expect(next.warnings()).toEqual([]);
  expect(await next.label()).toEqual(["A"]);
  expect(a.fills).toBe(1);
});

it("starts again an unpacking that was cut short", async () => {
  const { cache, data } = place("cut-short");
  // What an unpack killed halfway leaves: its marker and some files, no PG_VERSION.
  mkdirSync(join(data(), "base"), { recursive: true });
  writeFileSync(join(data(), UNPACKING_MARKER), "");
  writeFileSync(join(data(), "base", "half-written"), "x");
  const a = contents("A");
  const opened = await open(data(), cache, a);
  expect(opened.messages()).toContain(
    `an unpacking of the template into ${data()} was cut short; removed`,
  );
  expect(opened.messages()).toContain(
    `creating the embedded database in ${data()} from the template in ${cache} ...`,
  );
  expect(a.fills).toBe(0);
  expect(await opened.label()).toEqual(["A"]);
  expect(existsSync(join(data(), "base", "half-written"))).toBe(false);
});

it("never empties nor templates a data directory holding files of its own", async () => {
  const { cache, data } = place("own-files");
  mkdirSync(data());
  writeFileSync(join(data(), "notes.txt"), "mine");
  const templateBefore = statSync(pgliteTemplatePath(cache, keyOf("A"))).mtimeMs;
  const a = contents("A");
  const opened = await open(data(), cache, a);
  expect(opened.messages()).toContain(
    `creating the embedded database in ${data()} (initdb and migrations: a few seconds) ...`,
  );
  // The caller fills it (its migrations), not the template machinery.
  expect(a.fills).toBe(0);
  expect(readFileSync(join(data(), "notes.txt"), "utf8")).toBe("mine");
  expect(statSync(pgliteTemplatePath(cache, keyOf("A"))).mtimeMs).toBe(templateBefore);
});

it("makes two new databases at once with an empty cache, leaving one whole template", async () => {
  const { cache, data } = place("concurrent", false);
  const c = contents("C");
  const [one, two] = await Promise.all([open(data("one"), cache, c), open(data("two"), cache, c)]);
  expect(await one.label()).toEqual(["C"]);
  expect(await two.label()).toEqual(["C"]);
  expect(readdirSync(cache)).toEqual([pgliteTemplatePath(cache, keyOf("C")).split("/").pop()]);
  const fills = c.fills;
  const third = await open(data("three"), cache, c);
  expect(third.warnings()).toEqual([]);
  expect(third.messages()).toContain(
    `creating the embedded database in ${data("three")} from the template in ${cache} ...`,
  );
  expect(c.fills).toBe(fills);
});

it("without a cache directory, fills nothing and writes no template anywhere", async () => {
  const { dir, data } = place("no-cache", false);
  const a = contents("A");
  const opened = await open(data(), undefined, a);
  expect(opened.messages()).toContain(
    `creating the embedded database in ${data()} (initdb and migrations: a few seconds) ...`,
  );
  expect(a.fills).toBe(0);
  expect(readdirSync(dir).sort()).toEqual(["cache", "data"]);
  expect(readdirSync(join(dir, "cache"))).toEqual([]);
});

it("keys a template by everything that describes its contents", () => {
  expect(pgliteTemplateKey(["a", "b"])).toBe(pgliteTemplateKey(["a", "b"]));
  expect(pgliteTemplateKey(["a", "b"])).not.toBe(pgliteTemplateKey(["a", "c"]));
  expect(pgliteTemplateKey(["ab"])).not.toBe(pgliteTemplateKey(["a", "b"]));
  expect(pgliteTemplatePath("/cache", pgliteTemplateKey(["a"]))).not.toBe(
    pgliteTemplatePath("/cache", pgliteTemplateKey(["b"])),
  );
});
