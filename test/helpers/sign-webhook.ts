import { createHmac, randomUUID } from "node:crypto";

/** Sends a webhook the way GitHub does: JSON body, event and delivery headers, HMAC-SHA256 signature. */
export async function sendWebhook(
  url: string,
  event: string,
  payload: unknown,
  options: { secret: string; deliveryId?: string; signature?: string },
): Promise<Response> {
  const body = JSON.stringify(payload);
  const signature =
    options.signature ??
    `sha256=${createHmac("sha256", options.secret).update(body).digest("hex")}`;
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": options.deliveryId ?? randomUUID(),
      "x-hub-signature-256": signature,
      "user-agent": "GitHub-Hookshot/test",
    },
    body,
  });
}
