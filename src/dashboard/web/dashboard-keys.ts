import { createHash, hkdfSync } from "node:crypto";

/** The keys the dashboard's sign-in uses, each for one purpose. */
export type DashboardKeys = Readonly<{
  /** HMAC-SHA256 key for cookies (session id, OAuth state) and CSRF tokens. */
  signing: Buffer;
  /** AES-256-GCM key for GitHub user tokens stored in `dashboard_sessions`. */
  encryption: Buffer;
}>;

/**
 * Derives the dashboard's keys with HKDF-SHA256 (one `info` per purpose, so a key never serves two).
 * The input is REVUE_DASHBOARD_SECRET when set; otherwise the App's webhook secret and private key,
 * which every running Revue has and keeps secret already. Rotating whichever is used signs everyone
 * out (their cookies no longer verify) and makes stored tokens unreadable (those sessions end).
 * Throws when there is no secret at all, naming REVUE_DASHBOARD_SECRET.
 */
export function deriveDashboardKeys(secrets: {
  dashboardSecret: string | undefined;
  webhookSecret: string | undefined;
  privateKey: string | undefined;
}): DashboardKeys {
  const material = secrets.dashboardSecret
    ? `dashboard:${secrets.dashboardSecret}`
    : secrets.webhookSecret && secrets.privateKey
      ? `app:${createHash("sha256").update(secrets.webhookSecret).digest("hex")}:${secrets.privateKey}`
      : undefined;
  if (!material) {
    throw new Error(
      "The dashboard has no secret to sign its cookies with: set REVUE_DASHBOARD_SECRET (32 characters or more, e.g. `openssl rand -hex 32`), or run with the App's WEBHOOK_SECRET and private key.",
    );
  }
  const derive = (info: string) =>
    Buffer.from(hkdfSync("sha256", material, "revue-dashboard", info, 32));
  return Object.freeze({
    signing: derive("cookie-signing"),
    encryption: derive("token-encryption"),
  });
}
