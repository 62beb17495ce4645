import { expect, it } from "vitest";
import { createPglite } from "../../src/db/open-database.ts";

// The idle embedded server's memory is mostly PostgreSQL's shared buffers (bench/startup.ts
// reports the resident size): they are kept small, in memory and on disk alike.
it("starts the embedded database with 16 MB of shared buffers, not PostgreSQL's 128 MB", async () => {
  const pglite = await createPglite(undefined);
  try {
    const { rows } = await pglite.query<{ shared_buffers: string }>("SHOW shared_buffers");
    expect(rows).toEqual([{ shared_buffers: "16MB" }]);
  } finally {
    await pglite.close();
  }
});
