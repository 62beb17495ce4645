import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { toStorableJson, toStorableText } from "../../src/db/storable-text.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";

type Handle = Awaited<ReturnType<typeof createTestDatabase>>;

// What a model's answer or a patch can carry: NUL, and a lone surrogate (half an emoji, cut).
const HOSTILE = "before\u0000after \ud83d end";

describe("toStorableText", () => {
  it("replaces NUL and lone surrogates, and keeps everything else", () => {
    expect(toStorableText(HOSTILE)).toBe("before\uFFFDafter \uFFFD end");
    expect(toStorableText("emoji 😀, tab\t, \\u0000 as typed")).toBe(
      "emoji 😀, tab\t, \\u0000 as typed",
    );
  });

  it("writes JSON without the escapes jsonb refuses", () => {
    const json = toStorableJson({ [`key\u0000`]: [HOSTILE] });
    expect(json).not.toMatch(/\\u0000|\\ud83d/);
    expect(JSON.parse(json)).toEqual({ "key\uFFFD": ["before\uFFFDafter \uFFFD end"] });
  });
});

describe.each(backends)("storing untrusted text on %s", (backend) => {
  let handle: Handle | undefined;
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  it("stores NUL and lone surrogates in text columns, in inserts, updates and raw SQL", async () => {
    handle = await createTestDatabase(backend);
    const { db } = handle;
    await db
      .insertInto("webhook_deliveries")
      .values({ delivery_id: HOSTILE, event: "push" })
      .execute();
    const memory = await db
      .insertInto("memories")
      .values({
        installation_id: 1,
        kind: "fact",
        source: "command",
        statement: HOSTILE,
        taught_by: "octocat",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .updateTable("memories")
      .set({ path_glob: HOSTILE })
      .where("id", "=", memory.id)
      .execute();
    await sql`update memories set author = ${HOSTILE} where id = ${memory.id}`.execute(db);

    const stored = await db.selectFrom("memories").selectAll().executeTakeFirstOrThrow();
    const clean = "before\uFFFDafter \uFFFD end";
    expect(stored).toMatchObject({ statement: clean, path_glob: clean, author: clean });
    const delivery = await db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(delivery.delivery_id).toBe(clean);
  });
});
