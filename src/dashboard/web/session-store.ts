import { createHash, randomBytes } from "node:crypto";
import type { Database } from "../../db/open-database.ts";
import { openSealedText, sealText } from "./seal-text.ts";

/** How long a sign-in lasts, whatever happens meanwhile. */
export const SESSION_LIFETIME_MS = 8 * 60 * 60 * 1000;

/** A signed-in person, with GitHub's user token in clear (it never leaves this process). */
export type DashboardSession = {
  /** The random id in the cookie (never stored: the table keeps its SHA-256). */
  id: string;
  userId: number;
  userLogin: string;
  accessToken: string;
  /** When GitHub said the token expires (App tokens with expiration on: 8 h); undefined: never. */
  accessTokenExpiresAt: Date | undefined;
  refreshToken: string | undefined;
  expiresAt: Date;
};

export type UserToken = {
  accessToken: string;
  accessTokenExpiresAt: Date | undefined;
  refreshToken: string | undefined;
};

const hashId = (id: string) => createHash("sha256").update(id).digest("hex");

/** Stores a new session for this user and token; returns it with its fresh random id. */
export async function createSession(
  db: Database,
  encryptionKey: Buffer,
  user: { id: number; login: string },
  token: UserToken,
  now: Date,
): Promise<DashboardSession> {
  const id = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
  await db
    .insertInto("dashboard_sessions")
    .values({
      id_hash: hashId(id),
      user_id: user.id,
      user_login: user.login,
      created_at: now,
      expires_at: expiresAt,
      ...sealToken(encryptionKey, token),
    })
    .execute();
  return { id, userId: user.id, userLogin: user.login, ...token, expiresAt };
}

/**
 * The session with this cookie id, or undefined when there is none, it has expired, or its tokens
 * no longer decrypt (the secret changed). An expired or unreadable session is deleted.
 */
export async function readSession(
  db: Database,
  encryptionKey: Buffer,
  id: string,
  now: Date,
): Promise<DashboardSession | undefined> {
  const row = await db
    .selectFrom("dashboard_sessions")
    .selectAll()
    .where("id_hash", "=", hashId(id))
    .executeTakeFirst();
  if (!row) return undefined;
  const accessToken = openSealedText(encryptionKey, row.access_token);
  const refreshToken = row.refresh_token
    ? openSealedText(encryptionKey, row.refresh_token)
    : undefined;
  if (row.expires_at <= now || accessToken === undefined) {
    await deleteSession(db, id);
    return undefined;
  }
  return {
    id,
    userId: row.user_id,
    userLogin: row.user_login,
    accessToken,
    accessTokenExpiresAt: row.access_token_expires_at ?? undefined,
    refreshToken,
    expiresAt: row.expires_at,
  };
}

/** Replaces the session's GitHub token (after a refresh); the session keeps its own expiry. */
export async function updateSessionToken(
  db: Database,
  encryptionKey: Buffer,
  id: string,
  token: UserToken,
): Promise<void> {
  await db
    .updateTable("dashboard_sessions")
    .set(sealToken(encryptionKey, token))
    .where("id_hash", "=", hashId(id))
    .execute();
}

/** Signs out: the row goes, so the cookie no longer works anywhere. Idempotent. */
export async function deleteSession(db: Database, id: string): Promise<void> {
  await db.deleteFrom("dashboard_sessions").where("id_hash", "=", hashId(id)).execute();
}

/** Deletes every session past its expiry; returns how many. Run at each sign-in. */
export async function sweepExpiredSessions(db: Database, now: Date): Promise<number> {
  const result = await db
    .deleteFrom("dashboard_sessions")
    .where("expires_at", "<=", now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

function sealToken(key: Buffer, token: UserToken) {
  return {
    access_token: sealText(key, token.accessToken),
    access_token_expires_at: token.accessTokenExpiresAt ?? null,
    refresh_token: token.refreshToken ? sealText(key, token.refreshToken) : null,
  };
}
