import nock from "nock";
import type { ModelReview } from "../../src/pipeline/review-output.ts";
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
  private replies: ModelReply[];

  constructor(replies: ModelReply[]) {
    this.replies = [...replies];
  }

  install(): void {
    nock(ANTHROPIC_TEST_URL)
      .persist()
      .post("/v1/messages")
      // nock 15 hands a reply function one fetch Request; the body is read from it.
      .reply(async (request: unknown) => {
        const body = (await (request as Request).json()) as Record<string, unknown>;
        this.requests.push(body as Record<string, unknown>);
        const reply = this.replies.length > 1 ? this.replies.shift()! : this.replies[0]!;
        if ("status" in reply) {
          return [
            reply.status,
            JSON.stringify(
              reply.body ?? { type: "error", error: { type: "api_error", message: "failure" } },
            ),
            reply.headers ?? {},
          ] as [number, string, Record<string, string>];
        }
        const text = "review" in reply ? JSON.stringify(reply.review) : reply.text;
        const message = {
          id: `msg_${this.requests.length}`,
          type: "message",
          role: "assistant",
          model: (body as { model: string }).model,
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
        return [200, JSON.stringify(message), { "content-type": "application/json" }] as [
          number,
          string,
          Record<string, string>,
        ];
      });
  }
}
