import { describe, expect, it } from "vitest";
import { loadOnce } from "../../src/model/load-once.ts";

describe("loadOnce", () => {
  it("loads nothing until the first call, then once for every call", async () => {
    let loads = 0;
    const client = loadOnce(async () => ({ id: ++loads }));
    expect(loads).toBe(0);
    const [first, second] = await Promise.all([client(), client()]);
    expect(await client()).toBe(first);
    expect(second).toBe(first);
    expect(loads).toBe(1);
  });

  it("keeps a failed load's error instead of loading again", async () => {
    let loads = 0;
    const client = loadOnce(async () => {
      loads += 1;
      throw new Error("no such module");
    });
    await expect(client()).rejects.toThrow("no such module");
    await expect(client()).rejects.toThrow("no such module");
    expect(loads).toBe(1);
  });
});
