import { afterEach, describe, expect, it } from "vitest";
import { parseFileForIndex } from "../../src/indexing/parse-file-for-index.ts";
import {
  createParsePool,
  ParseWorkerError,
  type ParsePool,
} from "../../src/indexing/parse-pool.ts";

const EXITING_WORKER = new URL("./fixtures/exiting-parse-worker.ts", import.meta.url);

const source = `import { readFile } from "node:fs/promises";

/** Reads a config. */
export async function loadConfig(path: string): Promise<Config> {
  return JSON.parse(await readFile(path, "utf8")) as Config;
}

export class Cache {
  get(key: string) {
    return this.map.get(key);
  }
}
`;

describe("parse pool", () => {
  let pool: ParsePool | undefined;
  afterEach(async () => {
    await pool?.close();
  });

  it("parses in a worker exactly as the main thread does", async () => {
    pool = createParsePool(2);
    const [inWorker, other, inline] = await Promise.all([
      pool.parse("src/config.ts", source),
      pool.parse("notes.txt", "plain\ntext\n"),
      parseFileForIndex("src/config.ts", source),
    ]);
    const { parseMs: _worker, ...fromWorker } = inWorker;
    const { parseMs: _inline, ...fromInline } = inline;
    expect(fromWorker).toEqual(fromInline);
    expect(fromWorker.chunks.map((chunk) => chunk.symbols).flat()).toContain("loadConfig");
    expect(fromWorker.imports.map((imported) => imported.specifier)).toEqual(["node:fs/promises"]);
    expect(other.chunks.map((chunk) => chunk.kind)).toEqual(["window"]);
  });

  it("rejects every waiting and later parse with ParseWorkerError when a worker stops", async () => {
    pool = createParsePool(1, EXITING_WORKER);
    const first = pool.parse("src/a.ts", source);
    const second = pool.parse("src/b.ts", source);
    await expect(first).rejects.toThrow(ParseWorkerError);
    await expect(first).rejects.toThrow(/stopped \(exit code 3\) while parsing src\/a\.ts/);
    await expect(second).rejects.toThrow(ParseWorkerError);
    await expect(pool.parse("src/c.ts", source)).rejects.toThrow(ParseWorkerError);
  }, 30_000);
});
