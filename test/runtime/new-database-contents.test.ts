import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { Migrator } from "kysely/migration";
import type { PgBoss } from "pg-boss";
import { pino } from "pino";
import { afterEach, expect, it } from "vitest";
import { migrations } from "../../migrations/index.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { openDatabase, type DatabaseHandle } from "../../src/db/open-database.ts";
import { deadLetterQueueOf, QUEUES, type JobName } from "../../src/queue/jobs.ts";
import { sendJob } from "../../src/queue/send-job.ts";
import { startQueue } from "../../src/queue/start-queue.ts";
import { newDatabaseContents } from "../../src/runtime/new-database-contents.ts";

let parent: string | undefined;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  if (parent) rmSync(parent, { recursive: true, force: true });
  parent = undefined;
});

async function open(dataDir: string, cacheDir: string) {
  const lines: string[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
  const handle = await openDatabase(
    { kind: "pglite", dataDir, templateCacheDir: cacheDir },
    { log, newDatabase: newDatabaseContents(log) },
  );
  cleanups.push(() => handle.close());
  return {
    handle,
    log,
    messages: () => lines.map((line) => (JSON.parse(line) as { msg: string }).msg),
  };
}

async function queueNames(handle: DatabaseHandle): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM pgboss.queue`.execute(handle.db);
  return rows.map((row) => row.name).sort();
}

it("copies a new embedded database, fully migrated and with every queue, from the template", async () => {
  parent = mkdtempSync(join(tmpdir(), "revue-contents-"));
  const cache = join(parent, "cache");
  // The first new database on the machine makes the template.
  const first = await open(join(parent, "first"), cache);
  const made = await queueNames(first.handle);

  const dataDir = join(parent, "second");
  const { handle, log, messages } = await open(dataDir, cache);
  expect(messages()).toContain(
    `creating the embedded database in ${dataDir} from the template in ${cache} ...`,
  );
  // kysely's own migrator (not migrateToLatest's quick check) finds every migration applied.
  const migrator = new Migrator({
    db: handle.db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: "public",
  });
  const applied = await migrator.getMigrations();
  expect(applied.map((migration) => migration.name)).toEqual(Object.keys(migrations));
  expect(applied.filter((migration) => !migration.executedAt)).toEqual([]);
  expect(await migrateToLatest(handle.db)).toEqual({ results: [] });
  // pg-boss's schema and every queue are there before pg-boss first starts on it.
  const wanted = (Object.keys(QUEUES) as JobName[])
    .flatMap((name) => [name, deadLetterQueueOf(name)])
    .sort();
  expect(await queueNames(handle)).toEqual(expect.arrayContaining(wanted));
  expect(await queueNames(handle)).toEqual(made);

  // And it works: a row written, a job sent and fetched.
  await handle.db
    .insertInto("installations")
    .values({ id: 1, account_login: "octo", account_type: "Organization", suspended_at: null })
    .execute();
  expect(await handle.db.selectFrom("installations").select("account_login").execute()).toEqual([
    { account_login: "octo" },
  ]);
  const boss: PgBoss = await startQueue(handle, { log });
  cleanups.push(() => boss.stop({ graceful: false, close: true, timeout: 1000 }));
  const id = await sendJob(boss, "redeliver-failed-deliveries", { reason: "start" });
  expect(id).not.toBeNull();
  const [job] = await boss.fetch("redeliver-failed-deliveries");
  expect(job?.id).toBe(id);
});

it("describes the template by every migration file's text, pg-boss's version and every queue", () => {
  const described = newDatabaseContents(pino({ level: "silent" }))
    .describe()
    .join("\n");
  for (const name of Object.keys(migrations)) {
    expect(described).toContain(readFileSync(`migrations/${name}.ts`, "utf8"));
  }
  const pgBoss = JSON.parse(readFileSync("node_modules/pg-boss/package.json", "utf8")) as {
    version: string;
  };
  expect(described).toContain(`pg-boss@${pgBoss.version}`);
  for (const name of Object.keys(QUEUES)) expect(described).toContain(`"name":"${name}"`);
});
