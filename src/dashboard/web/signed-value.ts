import { createHmac, timingSafeEqual } from "node:crypto";

function mac(key: Buffer, purpose: string, value: string): string {
  return createHmac("sha256", key).update(`${purpose}\n${value}`).digest("base64url");
}

/** Compares two strings in time that does not depend on where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * `value.mac`: `value` with an HMAC-SHA256 for `purpose`, so a value signed for one cookie cannot
 * be replayed as another. `value` must not contain a dot.
 */
export function signValue(key: Buffer, purpose: string, value: string): string {
  return `${value}.${mac(key, purpose, value)}`;
}

/** The value `signValue` signed for `purpose`, or undefined when the MAC does not match. */
export function readSignedValue(
  key: Buffer,
  purpose: string,
  signed: string | undefined,
): string | undefined {
  if (!signed) return undefined;
  const dot = signed.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const value = signed.slice(0, dot);
  return safeEqual(signed.slice(dot + 1), mac(key, purpose, value)) ? value : undefined;
}

/** The CSRF token of a session: an HMAC of its id, so it is tied to it and needs no storage. */
export function csrfTokenFor(key: Buffer, sessionId: string): string {
  return mac(key, "csrf", sessionId);
}

/** Whether `token` (from a form) is the CSRF token of `sessionId`, compared in constant time. */
export function isCsrfTokenValid(
  key: Buffer,
  sessionId: string,
  token: string | undefined,
): boolean {
  return token !== undefined && safeEqual(token, csrfTokenFor(key, sessionId));
}
