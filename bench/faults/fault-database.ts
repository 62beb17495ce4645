import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * A database of its own on the PostgreSQL server at `adminUrl`, with pgvector, for one fault run;
 * `drop()` removes it (closing whatever connections the killed processes left behind).
 */
export async function createFaultDatabase(
  adminUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `faults_${randomBytes(4).toString("hex")}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const created = new pg.Client({ connectionString: url.toString() });
  await created.connect();
  await created.query("CREATE EXTENSION IF NOT EXISTS vector");
  await created.end();
  return {
    url: url.toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
