import type { UserToken } from "./session-store.ts";

export type OAuthClient = {
  clientId: string;
  clientSecret: string;
  /** `https://github.com` or the GitHub Enterprise host. */
  webBaseUrl: string;
  fetch: typeof fetch;
};

/** GitHub refused the code or the refresh token (`bad_verification_code`, `bad_refresh_token`...). */
export class OAuthRefusedError extends Error {
  override name = "OAuthRefusedError";
  readonly code: string;
  constructor(code: string, description: string | undefined) {
    super(`GitHub refused the sign-in: ${code}${description ? ` (${description})` : ""}`);
    this.code = code;
  }
}

/**
 * Where the browser goes to sign in. No `redirect_uri`: GitHub then sends the person back to the
 * App's own callback URL (its settings), so a forged Host header cannot redirect the code elsewhere.
 */
export function authorizeUrl(client: OAuthClient, state: string): string {
  const url = new URL("/login/oauth/authorize", client.webBaseUrl);
  url.searchParams.set("client_id", client.clientId);
  url.searchParams.set("state", state);
  url.searchParams.set("allow_signup", "false");
  return url.toString();
}

/**
 * Exchanges the callback's `code` for the user-to-server token (POST /login/oauth/access_token).
 * Throws OAuthRefusedError when GitHub answers with an `error` (it does so with status 200), and
 * Error for a network failure or an answer that is not one.
 */
export function exchangeCode(client: OAuthClient, code: string, now: Date): Promise<UserToken> {
  return requestToken(client, { code }, now);
}

/** Trades a refresh token for a new user token (expiring App tokens); throws as exchangeCode. */
export function refreshUserToken(
  client: OAuthClient,
  refreshToken: string,
  now: Date,
): Promise<UserToken> {
  return requestToken(client, { grant_type: "refresh_token", refresh_token: refreshToken }, now);
}

type TokenAnswer = {
  access_token?: string;
  expires_in?: number;
  refresh_token?: string;
  error?: string;
  error_description?: string;
};

async function requestToken(
  client: OAuthClient,
  fields: Record<string, string>,
  now: Date,
): Promise<UserToken> {
  const response = await client.fetch(new URL("/login/oauth/access_token", client.webBaseUrl), {
    method: "POST",
    headers: {
      accept: "application/json",
      "content-type": "application/x-www-form-urlencoded",
      "user-agent": "revue-dashboard",
    },
    body: new URLSearchParams({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      ...fields,
    }).toString(),
  });
  const answer = (await response.json().catch(() => ({}))) as TokenAnswer;
  if (answer.error) throw new OAuthRefusedError(answer.error, answer.error_description);
  if (!response.ok || !answer.access_token) {
    throw new Error(`GitHub's token endpoint answered ${response.status} without a token`);
  }
  return {
    accessToken: answer.access_token,
    accessTokenExpiresAt: answer.expires_in
      ? new Date(now.getTime() + answer.expires_in * 1000)
      : undefined,
    refreshToken: answer.refresh_token || undefined,
  };
}
