import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeAnthropic } from "../../test/helpers/fake-anthropic.ts";
import { modelReview } from "../../test/helpers/fixtures.ts";

/**
 * The Messages API stand-in (always the same review of the fixture's changes), answering each call
 * after `delayMs`, so a review is mid-call long enough to be killed or stopped there. A caller
 * that goes away (a killed worker) is ignored.
 */
export async function startSlowModel(delayMs: number) {
  const anthropic = new FakeAnthropic([{ review: modelReview() }]);
  const state = { delayMs, calls: 0 };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    state.calls += 1;
    await new Promise((resolve) => setTimeout(resolve, state.delayMs));
    const [status, text, headers] = await anthropic.handle(
      JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
    );
    // The stand-in keeps no history: FakeAnthropic records every request body otherwise.
    anthropic.requests.length = 0;
    if (!res.destroyed) res.writeHead(status, headers).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** How many calls arrived so far. */
    calls: () => state.calls,
    setDelay: (ms: number) => (state.delayMs = ms),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
