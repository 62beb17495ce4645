import { describe, expect, it } from "vitest";
import { modulesLoaded } from "../helpers/modules-loaded.ts";

// A server on PostgreSQL (DATABASE_URL) has no use for the embedded database's WASM build: about
// 6 MiB of its idle memory when every start imported it.
describe("the embedded database's code", () => {
  it("is not loaded by importing the server, only by making an embedded database", () => {
    const isPglite = (url: string) => url.includes("/@electric-sql/pglite");
    const server = modulesLoaded(`await import("./src/runtime/start-revue.ts");`);
    expect(server.filter(isPglite)).toEqual([]);

    const embedded = modulesLoaded(`
      const { createPglite } = await import("./src/db/open-database.ts");
      await (await createPglite(undefined)).close();
    `);
    expect(embedded.some(isPglite)).toBe(true);
  });
});
