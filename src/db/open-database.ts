import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { Kysely, PGliteDialect, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Logger } from "pino";
import type { Config } from "../config/read-config.ts";
import type { DatabaseSchema } from "./schema.ts";
import {
  emptyDataDir,
  pgliteTemplateKey,
  pgliteTemplatePath,
  prepareEmptyDataDir,
  unpackPgliteTemplate,
  writePgliteTemplate,
} from "./pglite-template.ts";
import { restrictFileModes } from "./restrict-file-modes.ts";
import { StorableTextPlugin } from "./storable-text-plugin.ts";

export type Database = Kysely<DatabaseSchema>;

/** An open database: kysely over it, plus what the queue needs to share the same database. */
export type DatabaseHandle = {
  db: Database;
  kind: "postgres" | "pglite";
  /** Set for the embedded backend: pg-boss runs on the same instance. */
  pglite: PGlite | undefined;
  /** Set for a server: pg-boss opens its own small pool to it. */
  connectionString: string | undefined;
  /**
   * Set for a server: the pool kysely runs on, for the hot path that prepares its statements
   * (webhook intake, record-and-enqueue-batch.ts). Everything else goes through `db`.
   */
  pool: pg.Pool | undefined;
  /** The schema Revue's tables live in (tests give each their own). */
  schema: string;
  close(): Promise<void>;
};

/**
 * What a new database must hold before its first use, so that the embedded backend can keep a
 * template of it (pglite-template.ts): `describe` gives the texts that decide it (migration files,
 * the queue's schema), `fill` puts it in and throws when it cannot.
 */
export type NewDatabaseContents = {
  describe(): string[];
  fill(handle: DatabaseHandle): Promise<void>;
};

/** The database could not be opened; the message says what to do. Not worth retrying at once. */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}

// GitHub ids and our counters fit in a double; the drivers' default for int8 is a string or BigInt.
const INT8_OID = 20;
const parseInt8 = (value: string) => Number(value);

/**
 * Opens the configured database and checks that pgvector is there.
 * Throws DatabaseUnavailableError within `connectTimeoutMs` when a server cannot be reached, and
 * when the server lacks the pgvector extension (with how to install it). `log` hears of idle
 * connections the server dropped (never fatal). A new embedded database is made with
 * `newDatabase` in it, from a cached template when there is one (see createNewDataDir); the caller
 * still migrates, which then finds nothing to do.
 */
export async function openDatabase(
  database: Config["database"],
  options: { schema?: string; log?: Logger; newDatabase?: NewDatabaseContents } = {},
): Promise<DatabaseHandle> {
  const schema = options.schema ?? "public";
  if (database.kind === "pglite") {
    // The data directory is the database: only its owner may read or write it (as PostgreSQL asks).
    mkdirSync(database.dataDir, { recursive: true, mode: 0o700 });
    const handle = existsSync(join(database.dataDir, "PG_VERSION"))
      ? await openPglite(await createPglite(database.dataDir), schema)
      : await createNewDataDir(database.dataDir, schema, {
          cacheDir: database.templateCacheDir,
          contents: options.newDatabase,
          log: options.log,
        });
    restrictFileModes(database.dataDir);
    return handle;
  }
  return openPostgres(database, schema, options.log);
}

/**
 * A PGlite instance with pgvector, on disk at `dataDir`, or in memory when it is undefined; a
 * directory without a cluster gets one by initdb (seconds).
 */
export async function createPglite(dataDir: string | undefined): Promise<PGlite> {
  // Imported here, not at the top: a server on PostgreSQL never loads PGlite (about 6 MiB of its
  // idle memory when it did).
  const [{ PGlite, types: pgliteTypes }, { vector }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite-pgvector"),
  ]);
  // One options object: `new PGlite(undefined, options)` silently drops the extensions.
  const pglite = new PGlite({
    dataDir,
    // PostgreSQL's default 128 MB of shared buffers is most of an idle embedded server's memory
    // (measured: 505 MiB resident against 341 MiB at 16 MB). The embedded database is for one
    // small installation; PGlite reads its files through the operating system, whose page cache
    // keeps what the buffers no longer do. A larger deployment uses PostgreSQL (DATABASE_URL).
    postgresqlconf: "shared_buffers = 16MB\n",
    extensions: { vector },
    parsers: { [pgliteTypes.INT8]: parseInt8 },
  });
  await pglite.waitReady;
  return pglite;
}

/**
 * Makes the embedded database in `dataDir`, which has no cluster yet, with `contents` in it. From
 * the cached template for `contents` when there is one (unpacked: no initdb, no migrations), else by
 * initdb and `contents.fill`, after which the result is closed, cached as that template for the
 * next new directory, and opened again. A template that is damaged or made for other contents is not used (a
 * warning says so) and the new one replaces it; a cache that cannot be written only costs the next
 * new directory its speed. Without `contents` or a cache directory: initdb alone, and the caller
 * fills the database. A directory holding files of its own (not a cut-short unpack) is never
 * templated nor emptied. Says what it does, since a first start otherwise sits silent.
 */
async function createNewDataDir(
  dataDir: string,
  schema: string,
  options: { cacheDir?: string; contents?: NewDatabaseContents; log?: Logger },
): Promise<DatabaseHandle> {
  const { cacheDir, contents, log } = options;
  const template = cacheDir && contents ? templateOf(cacheDir, contents, schema, log) : undefined;
  const { empty, interrupted } = prepareEmptyDataDir(dataDir);
  if (interrupted) log?.info(`an unpacking of the template into ${dataDir} was cut short; removed`);
  if (template && empty) {
    const { key, path } = template;
    if (existsSync(path)) {
      log?.info(
        `creating the embedded database in ${dataDir} from the template in ${cacheDir} ...`,
      );
      let pglite: PGlite | undefined;
      try {
        if (unpackPgliteTemplate(path, key, dataDir)) {
          pglite = await createPglite(dataDir);
          return await openPglite(pglite, schema);
        }
      } catch (error) {
        await pglite?.close().catch(() => {});
        emptyDataDir(dataDir);
        log?.warn(
          { err: error },
          `the database template ${path} is unusable (${(error as Error).message}); ` +
            "creating the database without it (a few seconds), then replacing the template",
        );
      }
    }
  }
  log?.info(
    `creating the embedded database in ${dataDir} (initdb and migrations: a few seconds) ...`,
  );
  const handle = await openPglite(await createPglite(dataDir), schema);
  if (!template || !empty || !contents) return handle;
  try {
    await contents.fill(handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
  // Closed first, then copied: a cluster shut down cleanly opens without crash recovery, so each
  // new data directory made from it does too. Then opened again for this start (about a second,
  // once per template).
  await handle.close();
  try {
    writePgliteTemplate(template.path, template.key, dataDir);
  } catch (error) {
    log?.warn({ err: error }, `could not cache the database template in ${cacheDir}`);
  }
  return openPglite(await createPglite(dataDir), schema);
}

/** The template's key and path for `contents`, or undefined when they cannot be described. */
function templateOf(
  cacheDir: string,
  contents: NewDatabaseContents,
  schema: string,
  log: Logger | undefined,
): { key: string; path: string } | undefined {
  try {
    const key = pgliteTemplateKey([`schema ${schema}`, ...contents.describe()]);
    return { key, path: pgliteTemplatePath(cacheDir, key) };
  } catch (error) {
    log?.warn({ err: error }, "cannot describe a new database: no template is used or written");
    return undefined;
  }
}

/** Wraps an open PGlite instance (owned by the handle from now on). */
export async function openPglite(pglite: PGlite, schema = "public"): Promise<DatabaseHandle> {
  await pglite.exec("CREATE EXTENSION IF NOT EXISTS vector");
  if (schema !== "public") {
    await pglite.exec(
      `CREATE SCHEMA IF NOT EXISTS "${schema}"; SET search_path TO "${schema}", public`,
    );
  }
  const db = new Kysely<DatabaseSchema>({
    dialect: new PGliteDialect({ pglite }),
    plugins: [new StorableTextPlugin()],
  });
  return {
    db,
    kind: "pglite",
    pglite,
    connectionString: undefined,
    pool: undefined,
    schema,
    close: async () => {
      await db.destroy();
    },
  };
}

async function openPostgres(
  database: Extract<Config["database"], { kind: "postgres" }>,
  schema: string,
  log: Logger | undefined,
): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: database.url,
    max: database.poolMax,
    connectionTimeoutMillis: database.connectTimeoutMs,
    options: schema === "public" ? undefined : `-c search_path="${schema}",public`,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8_OID
          ? parseInt8
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A client that loses its server (a restart, a reset connection) emits `error`, which would kill
  // the process unhandled. pg-pool listens only while the client is idle (and re-emits it on the
  // pool); while the client is lent out, as in a transaction between two statements, nobody would.
  // So every client gets its own listener: the statement that uses it next fails, the pool drops the
  // broken client on release, and the next query reconnects.
  pool.on("connect", (client) =>
    client.on("error", (error) =>
      log?.warn({ err: error }, "a database connection was lost; the next query reconnects"),
    ),
  );
  // The same error, re-emitted by pg-pool for an idle client: already logged above.
  pool.on("error", () => {});
  const db = new Kysely<DatabaseSchema>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new StorableTextPlugin()],
  });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw new DatabaseUnavailableError(
      `Cannot connect to DATABASE_URL (${redactUrl(database.url)}): ${(error as Error).message}. ` +
        "Check that PostgreSQL is running and the URL is right, or unset DATABASE_URL to use the embedded database.",
      { cause: error },
    );
  }
  await ensurePgvector(db, database.url);
  if (schema !== "public") await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
  return {
    db,
    kind: "postgres",
    pglite: undefined,
    connectionString: database.url,
    pool,
    schema,
    close: async () => {
      await db.destroy();
    },
  };
}

/** Throws DatabaseUnavailableError, saying how to install pgvector, when the server lacks it. */
export async function ensurePgvector(db: Database, url: string): Promise<void> {
  const available = await sql<{ name: string }>`
    select name from pg_available_extensions where name = 'vector'`.execute(db);
  if (available.rows.length === 0) {
    await db.destroy().catch(() => {});
    throw new DatabaseUnavailableError(
      `The PostgreSQL server at ${redactUrl(url)} does not have the pgvector extension, which Revue needs. ` +
        "Install it (Debian/Ubuntu: apt-get install postgresql-<major>-pgvector; Docker: the pgvector/pgvector image; " +
        "from source: https://github.com/pgvector/pgvector#installation), then restart Revue.",
    );
  }
  try {
    await sql`CREATE EXTENSION IF NOT EXISTS vector`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw new DatabaseUnavailableError(
      "pgvector is installed on the server but `CREATE EXTENSION vector` failed (it needs a superuser once): " +
        `${(error as Error).message}. Run it as a superuser in Revue's database, then restart Revue.`,
      { cause: error },
    );
  }
}

/** A connection string with its password replaced, safe for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
