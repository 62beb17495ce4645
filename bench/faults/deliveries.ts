import { createHmac } from "node:crypto";
import type { FakeGitHub } from "../../test/helpers/fake-github.ts";
import { pullRequestOpened, REPOSITORY_ID } from "../../test/helpers/fixtures.ts";

/** One webhook delivery as GitHub sends it, signed (or mis-signed) in advance. */
export type Delivery = {
  id: string;
  event: "pull_request";
  action: "opened" | "synchronize";
  pull: number;
  headSha: string;
  body: string;
  signature: string;
};

/** A `pull_request` delivery for `pull` at `headSha`, signed with `secret`. */
export function pullRequestDelivery(
  id: string,
  pull: number,
  headSha: string,
  action: Delivery["action"],
  secret: string,
): Delivery {
  const payload = pullRequestOpened();
  payload.action = action;
  payload.number = pull;
  payload.pull_request.number = pull;
  payload.pull_request.head.sha = headSha;
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  return { id, event: "pull_request", action, pull, headSha, body, signature };
}

/**
 * Sends deliveries to Revue the way GitHub does, and keeps GitHub's record of every attempt
 * (`GET /app/hook/deliveries`), so Revue's recovery sees the failed ones and may ask for them
 * again: a redelivery it asks for is sent again with the same id and body.
 */
export class DeliverySender {
  /** Every attempt's answer, in order (a network error is status 0). */
  readonly answers: {
    delivery: Delivery;
    status: number;
    redelivery: boolean;
    /** The answer's body when it was not 2xx (the first 500 characters). */
    body?: string;
  }[] = [];
  private readonly byGuid = new Map<string, Delivery>();
  private readonly pending = new Set<Promise<unknown>>();
  private nextAttemptId = 1;

  private readonly github: FakeGitHub;

  /** `redeliverTo`: where a redelivery goes (GitHub has one webhook URL; here, the first web process). */
  constructor(github: FakeGitHub, redeliverTo: () => string) {
    this.github = github;
    github.onRedeliver = (attempt) => {
      const delivery = this.byGuid.get(attempt.guid);
      if (delivery) this.track(this.send(redeliverTo(), delivery, true));
    };
  }

  /** Sends one delivery to `webUrl` and returns the status answered (0: no answer). */
  async send(webUrl: string, delivery: Delivery, redelivery = false): Promise<number> {
    this.byGuid.set(delivery.id, delivery);
    const sent = Date.now();
    let status = 0;
    let body: string | undefined;
    try {
      const response = await fetch(`${webUrl}/api/github/webhooks`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "GitHub-Hookshot/faults",
          "x-github-event": delivery.event,
          "x-github-delivery": delivery.id,
          "x-hub-signature-256": delivery.signature,
        },
        body: delivery.body,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      status = response.status;
      if (!isSuccess(status)) body = text.slice(0, 500);
    } catch {
      // GitHub records a timeout or a refused connection as a failed attempt.
    }
    this.answers.push({ delivery, status, redelivery, ...(body === undefined ? {} : { body }) });
    this.github.hookDeliveries.push({
      id: this.nextAttemptId++,
      guid: delivery.id,
      delivered_at: new Date(sent).toISOString(),
      redelivery,
      duration: (Date.now() - sent) / 1000,
      status: status >= 200 && status < 300 ? "OK" : "failed",
      status_code: status,
      event: delivery.event,
      action: delivery.action,
      installation_id: 1,
      repository_id: REPOSITORY_ID,
    });
    return status;
  }

  /** Resolves when every redelivery asked for so far has been answered. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private track(promise: Promise<unknown>) {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
