import { sql } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/open-database.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { waitFor } from "../helpers/wait-for.ts";

const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)("a database connection the server drops while idle", () => {
  let handle: DatabaseHandle | undefined;
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  it("is logged, not fatal, and the next query reconnects", async () => {
    const warnings: unknown[] = [];
    const log = silentLogger();
    log.warn = ((entry: unknown) => void warnings.push(entry)) as typeof log.warn;
    handle = await openDatabase(
      { kind: "postgres", url: url!, poolMax: 1, connectTimeoutMs: 5000 },
      { log },
    );
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db);

    // Another connection ends the idle one's backend, as a restart or a reset would.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query("select pg_terminate_backend($1)", [rows[0]!.pid]);
    await admin.end();

    // Unhandled, the idle client's `error` would be an uncaught exception and fail this file.
    await waitFor(
      () => warnings.length > 0,
      () => "the lost connection was not logged",
      10_000,
    );
    expect(warnings[0]).toMatchObject({ err: expect.any(Error) });
    const again = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
    expect(again.rows[0]!.one).toBe(1);
  });
});

describe.skipIf(!url)("a database connection the server drops inside a transaction", () => {
  let handle: DatabaseHandle | undefined;
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  it("fails that transaction, not the process, and the next query reconnects", async () => {
    const warnings: unknown[] = [];
    const log = silentLogger();
    log.warn = ((entry: unknown) => void warnings.push(entry)) as typeof log.warn;
    handle = await openDatabase(
      { kind: "postgres", url: url!, poolMax: 1, connectTimeoutMs: 5000 },
      { log },
    );
    const db = handle.db;

    const transaction = db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      // Between two statements the client is lent out and no query is running on it: the server
      // ending the connection now (a restart, pg_terminate_backend) is an `error` event on it.
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query("select pg_terminate_backend($1)", [rows[0]!.pid]);
      await admin.end();
      // Unhandled, that `error` would be an uncaught exception and fail this file.
      await waitFor(
        () => warnings.length > 0,
        () => "the lost connection was not logged",
        10_000,
      );
      await sql`select 1`.execute(trx);
    });

    await expect(transaction).rejects.toThrow();
    expect(warnings[0]).toMatchObject({ err: expect.any(Error) });
    const again = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(again.rows[0]!.one).toBe(1);
  });
});
