import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import type { ModelReview } from "../../src/review/review-output.ts";
import { ANTHROPIC_TEST_URL } from "./revue-harness.ts";

export type ModelReply =
  | { review: ModelReview; usage?: Partial<Usage> }
  | { text: string; stopReason?: string }
  | { status: number; body?: unknown; headers?: Record<string, string> };

type Usage = {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
};

/**
 * A stand-in for the Anthropic Messages API over nock: answers each POST /v1/messages with the
 * next reply in the list (the last one repeats), in the API's response shape, and records the
 * request bodies.
 */
export class FakeAnthropic {
  readonly requests: Record<string, unknown>[] = [];
  /**
   * Awaited before each request is answered (`index` counts from 0): a test holds the model call
   * here, or changes the world while the review waits for the model (a push during the call).
   */
  beforeReply?: (index: number) => Promise<void> | void;
  private replies: ModelReply[];

  constructor(replies: ModelReply[]) {
    this.replies = [...replies];
  }

  /** Answers one Messages API request: `[status, body text, headers]`, after `beforeReply`. */
  async handle(body: Record<string, unknown>): Promise<[number, string, Record<string, string>]> {
    this.requests.push(body);
    await this.beforeReply?.(this.requests.length - 1);
    const reply = this.replies.length > 1 ? this.replies.shift()! : this.replies[0]!;
    if ("status" in reply) {
      return [
        reply.status,
        JSON.stringify(
          reply.body ?? { type: "error", error: { type: "api_error", message: "failure" } },
        ),
        { "content-type": "application/json", ...(reply.headers ?? {}) },
      ];
    }
    const text = "review" in reply ? JSON.stringify(reply.review) : reply.text;
    const message = {
      id: `msg_${this.requests.length}`,
      type: "message",
      role: "assistant",
      model: body.model,
      content: [{ type: "text", text }],
      stop_reason: "stopReason" in reply && reply.stopReason ? reply.stopReason : "end_turn",
      stop_sequence: null,
      usage: {
        input_tokens: 1000,
        output_tokens: 200,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 1500,
        ...("usage" in reply ? reply.usage : {}),
      },
    };
    return [200, JSON.stringify(message), { "content-type": "application/json" }];
  }

  /** Answers ANTHROPIC_TEST_URL through nock. */
  install(): void {
    nock(ANTHROPIC_TEST_URL)
      .persist()
      .post("/v1/messages")
      // nock 15 hands a reply function one fetch Request; the body is read from it.
      .reply(async (request: unknown) =>
        this.handle((await (request as Request).json()) as Record<string, unknown>),
      );
  }

  /** Serves the same answers over real HTTP on 127.0.0.1 (for ANTHROPIC_BASE_URL). */
  async listen(): Promise<{ url: string; close(): Promise<void> }> {
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (req.method !== "POST" || !req.url?.startsWith("/v1/messages")) {
        res
          .writeHead(404, { "content-type": "application/json" })
          .end('{"type":"error","error":{"type":"not_found_error","message":"no such route"}}');
        return;
      }
      const [status, text, headers] = await this.handle(
        JSON.parse(Buffer.concat(chunks).toString("utf8")),
      );
      res.writeHead(status, headers).end(text);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }
}
