import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Config } from "../../config/read-config.ts";
import type { Database } from "../../db/open-database.ts";
import { isHttpsRequest, readCookies, serializeCookie } from "./cookies.ts";
import type { DashboardPages } from "./dashboard-pages.ts";
import { deriveDashboardKeys, type DashboardKeys } from "./dashboard-keys.ts";
import {
  authorizeUrl,
  exchangeCode,
  OAuthRefusedError,
  refreshUserToken,
  type OAuthClient,
} from "./github-oauth.ts";
import {
  readGitHubUser,
  readUserScope,
  UserTokenRejectedError,
  type DashboardScope,
  type GitHubUserApi,
} from "./read-user-access.ts";
import {
  renderMessagePage,
  renderSignedOutPage,
  renderSignInFailedPage,
  renderSignInSetupPage,
} from "./render-sign-in-pages.ts";
import {
  createSession,
  deleteSession,
  readSession,
  SESSION_LIFETIME_MS,
  sweepExpiredSessions,
  updateSessionToken,
  type DashboardSession,
} from "./session-store.ts";
import {
  csrfTokenFor,
  isCsrfTokenValid,
  readSignedValue,
  safeEqual,
  signValue,
} from "./signed-value.ts";

export const BASE_PATH = "/dashboard";
const SESSION_COOKIE = "revue_session";
const STATE_COOKIE = "revue_oauth_state";
/** How long a person has on GitHub's sign-in page before the state expires. */
const STATE_LIFETIME_MS = 10 * 60 * 1000;
/** A token this close to its expiry is refreshed before use. */
const TOKEN_REFRESH_MARGIN_MS = 60 * 1000;
const MAX_FORM_BYTES = 16 * 1024;
const DEFAULT_RANGE_DAYS = 30;

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
};

export type DashboardDependencies<O, R, V> = {
  config: Config;
  db: Database;
  pages: DashboardPages<O, R, V>;
  /** pg-boss's schema, for the overview's queue figures. */
  queueSchema?: string;
  log: Logger;
  /** GitHub's sign-in and API; tests pass their own. */
  fetch?: typeof fetch;
  now?: () => Date;
};

type Request = IncomingMessage & { body?: unknown };

/**
 * Everything under `/dashboard`: sign-in with GitHub (login, callback, logout), the pages and the
 * JSON API. Returns false for any other path so the next handler runs.
 *
 * Access: a session cookie names a row of `dashboard_sessions`; on every request the person's
 * installations and repositories are asked of GitHub with their own token (read-user-access.ts)
 * and nothing outside them is read. A page without a session redirects to sign-in, the API answers
 * 401; another installation's repository or review, or an id that is not one, answers 404. Every
 * POST needs the session's CSRF token. See README.md, "Dashboard".
 */
export function dashboardRoutes<O, R, V>(deps: DashboardDependencies<O, R, V>) {
  const now = deps.now ?? (() => new Date());
  const fetchImpl = deps.fetch ?? fetch;
  const { config, db, pages, log } = deps;
  const keys: DashboardKeys = deriveDashboardKeys({
    dashboardSecret: config.dashboard.secret,
    webhookSecret: config.github.webhookSecret,
    privateKey: config.github.privateKey,
  });
  const oauth: OAuthClient | undefined = config.dashboard.oauth && {
    ...config.dashboard.oauth,
    webBaseUrl: config.dashboard.webBaseUrl,
    fetch: fetchImpl,
  };
  const api: GitHubUserApi = { apiBaseUrl: config.github.apiBaseUrl, fetch: fetchImpl };

  return async (req: Request, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname.replace(/\/+$/, "");
    if (path !== BASE_PATH && !path.startsWith(`${BASE_PATH}/`)) return false;
    const route = path.slice(BASE_PATH.length) || "/";
    const secure = isHttpsRequest(req, config.http.trustProxy);
    const cookie = cookieWriter(secure);
    const isApi = route.startsWith("/api/");
    try {
      if (req.method === "GET" && route === "/dashboard.css") {
        res
          .writeHead(200, { ...SECURITY_HEADERS, "content-type": "text/css; charset=utf-8" })
          .end(pages.stylesheet);
        return true;
      }
      if (req.method === "GET" && route === "/signed-out") {
        sendHtml(res, 200, renderSignedOutPage(BASE_PATH));
        return true;
      }
      if (!oauth) {
        if (isApi) {
          sendJson(res, 503, {
            error:
              "dashboard sign-in is not set up: set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (README.md, Dashboard)",
          });
        } else {
          const callbackUrl = `${secure ? "https" : "http"}://${req.headers.host ?? "your-revue-host"}${BASE_PATH}/callback`;
          sendHtml(res, 200, renderSignInSetupPage(BASE_PATH, callbackUrl));
        }
        return true;
      }

      if (req.method === "GET" && route === "/login") {
        const state = randomBytes(24).toString("base64url");
        const expires = now().getTime() + STATE_LIFETIME_MS;
        res.setHeader(
          "set-cookie",
          cookie(
            STATE_COOKIE,
            signValue(keys.signing, "oauth-state", `${state}:${expires}`),
            STATE_LIFETIME_MS,
          ),
        );
        redirect(res, authorizeUrl(oauth, state));
        return true;
      }
      if (req.method === "GET" && route === "/callback") {
        await signIn(url, req, res, cookie);
        return true;
      }

      const session = await currentSession(req);
      if (!session) {
        if (isApi) sendJson(res, 401, { error: "not signed in", signIn: `${BASE_PATH}/login` });
        else if (req.method === "GET") redirect(res, `${BASE_PATH}/login`);
        else redirect(res, `${BASE_PATH}/signed-out`);
        return true;
      }
      if (req.method === "POST") {
        const form = await readForm(req);
        if (!isCsrfTokenValid(keys.signing, session.id, form?.get("csrf") ?? undefined)) {
          log.warn({ path: route }, "dashboard POST without a valid CSRF token: answered 403");
          sendHtml(
            res,
            403,
            renderMessagePage(
              BASE_PATH,
              "Form expired",
              "This form was not sent from your dashboard session (its CSRF token is missing or wrong). Reload the page and try again.",
            ),
          );
          return true;
        }
        if (route === "/logout") {
          await deleteSession(db, session.id);
          res.setHeader("set-cookie", cookie(SESSION_COOKIE, "", 0));
          redirect(res, `${BASE_PATH}/signed-out`);
          return true;
        }
      }

      const scope = await readScope(session);
      if (!scope) {
        res.setHeader("set-cookie", cookie(SESSION_COOKIE, "", 0));
        if (isApi)
          sendJson(res, 401, {
            error: "signed out: GitHub no longer accepts your sign-in",
            signIn: `${BASE_PATH}/login`,
          });
        else redirect(res, `${BASE_PATH}/login`);
        return true;
      }
      await serveSignedIn(req, res, route, url, session, scope);
      return true;
    } catch (error) {
      log.error({ err: error, path: route }, "dashboard request failed");
      if (res.headersSent) {
        res.end();
      } else if (isApi) {
        sendJson(res, 502, { error: "the dashboard could not answer: see Revue's log" });
      } else {
        sendHtml(
          res,
          502,
          renderMessagePage(
            BASE_PATH,
            "Something went wrong",
            "Revue could not answer this page (GitHub or the database did not answer). Reload in a moment; the reason is in Revue's log.",
          ),
        );
      }
      return true;
    }
  };

  async function signIn(
    url: URL,
    req: Request,
    res: ServerResponse,
    cookie: ReturnType<typeof cookieWriter>,
  ): Promise<void> {
    const clearState = cookie(STATE_COOKIE, "", 0);
    const signed = readSignedValue(keys.signing, "oauth-state", readCookies(req).get(STATE_COOKIE));
    const [expected, expires] = (signed ?? "").split(":");
    const state = url.searchParams.get("state") ?? "";
    if (!expected || !safeEqual(state, expected) || Number(expires) < now().getTime()) {
      log.warn("dashboard sign-in with a missing, wrong or expired state: refused");
      res.setHeader("set-cookie", clearState);
      sendHtml(
        res,
        400,
        renderSignInFailedPage(
          BASE_PATH,
          "This sign-in was not started from this browser, or took longer than 10 minutes (its state does not match).",
        ),
      );
      return;
    }
    const error = url.searchParams.get("error");
    const code = url.searchParams.get("code");
    if (error || !code) {
      res.setHeader("set-cookie", clearState);
      sendHtml(
        res,
        400,
        renderSignInFailedPage(
          BASE_PATH,
          `GitHub did not sign you in${error ? ` (${error})` : ""}.`,
        ),
      );
      return;
    }
    try {
      const token = await exchangeCode(oauth!, code, now());
      const user = await readGitHubUser(api, token.accessToken);
      await sweepExpiredSessions(db, now());
      const session = await createSession(db, keys.encryption, user, token, now());
      log.info({ login: user.login }, "dashboard sign-in");
      res.setHeader("set-cookie", [
        clearState,
        cookie(SESSION_COOKIE, signValue(keys.signing, "session", session.id), SESSION_LIFETIME_MS),
      ]);
      redirect(res, `${BASE_PATH}/`);
    } catch (failure) {
      if (!(failure instanceof OAuthRefusedError)) throw failure;
      log.warn({ code: failure.code }, "GitHub refused the dashboard sign-in code");
      res.setHeader("set-cookie", clearState);
      sendHtml(
        res,
        400,
        renderSignInFailedPage(
          BASE_PATH,
          `GitHub refused the sign-in (${failure.code}): the code was used already or expired.`,
        ),
      );
    }
  }

  async function currentSession(req: Request): Promise<DashboardSession | undefined> {
    const id = readSignedValue(keys.signing, "session", readCookies(req).get(SESSION_COOKIE));
    if (!id) return undefined;
    const session = await readSession(db, keys.encryption, id, now());
    if (!session?.accessTokenExpiresAt) return session;
    if (session.accessTokenExpiresAt.getTime() - TOKEN_REFRESH_MARGIN_MS > now().getTime()) {
      return session;
    }
    if (!session.refreshToken) {
      await deleteSession(db, id);
      return undefined;
    }
    try {
      const token = await refreshUserToken(oauth!, session.refreshToken, now());
      await updateSessionToken(db, keys.encryption, id, token);
      return { ...session, ...token };
    } catch (failure) {
      if (!(failure instanceof OAuthRefusedError)) throw failure;
      // A refresh token works once: a request in parallel may have used it and stored the new token.
      const again = await readSession(db, keys.encryption, id, now());
      if (again && again.accessToken !== session.accessToken) return again;
      await deleteSession(db, id);
      return undefined;
    }
  }

  /** The session's scope now; undefined (and the session deleted) when GitHub rejects its token. */
  async function readScope(session: DashboardSession): Promise<DashboardScope | undefined> {
    try {
      return await readUserScope(db, api, session.accessToken);
    } catch (failure) {
      if (!(failure instanceof UserTokenRejectedError)) throw failure;
      await deleteSession(db, session.id);
      return undefined;
    }
  }

  async function serveSignedIn(
    req: Request,
    res: ServerResponse,
    route: string,
    url: URL,
    session: DashboardSession,
    scope: DashboardScope,
  ): Promise<void> {
    const ctx = {
      csrfToken: csrfTokenFor(keys.signing, session.id),
      basePath: BASE_PATH,
      userLogin: session.userLogin,
    };
    const notFound = (api: boolean) =>
      api
        ? sendJson(res, 404, { error: "not found" })
        : sendHtml(
            res,
            404,
            renderMessagePage(
              BASE_PATH,
              "Not found",
              "There is nothing here, or nothing you can see.",
            ),
          );
    const api = route.startsWith("/api/");
    const page = api ? route.slice("/api".length) : route;

    if (req.method === "POST") {
      const match = /^\/repositories\/([^/]+)\/memories\/([^/]+)\/delete$/.exec(route);
      const repositoryId = readId(match?.[1]);
      const memoryId = readId(match?.[2]);
      if (
        !match ||
        repositoryId === undefined ||
        memoryId === undefined ||
        !scope.repositoryIds.includes(repositoryId)
      ) {
        notFound(false);
        return;
      }
      if (!(await pages.deleteMemory(db, scope, memoryId))) {
        notFound(false);
        return;
      }
      log.info({ login: session.userLogin, memoryId }, "memory deleted from the dashboard");
      redirect(res, `${BASE_PATH}/repositories/${repositoryId}`);
      return;
    }
    if (req.method !== "GET") {
      res.writeHead(405, { ...SECURITY_HEADERS, allow: "GET, POST" }).end();
      return;
    }

    if (page === "/" || page === "/overview") {
      if ((page === "/") === api) {
        notFound(api);
        return;
      }
      const range = readRange(url, now());
      if (!range) {
        const message = "from and to must be dates (YYYY-MM-DD), from before to";
        if (api) sendJson(res, 400, { error: message });
        else sendHtml(res, 400, renderMessagePage(BASE_PATH, "Bad date range", message));
        return;
      }
      const overview = await pages.readOverview(db, scope, {
        ...range,
        queueSchema: deps.queueSchema,
      });
      if (api) sendJson(res, 200, overview);
      else sendHtml(res, 200, pages.renderOverviewPage(overview, ctx));
      return;
    }
    const detail = /^\/(repositories|reviews)\/([^/]+)$/.exec(page);
    const id = readId(detail?.[2]);
    if (!detail || id === undefined) {
      notFound(api);
      return;
    }
    if (detail[1] === "repositories") {
      const repository = await pages.readRepository(db, scope, id);
      if (repository === null) notFound(api);
      else if (api) sendJson(res, 200, repository);
      else sendHtml(res, 200, pages.renderRepositoryPage(repository, ctx));
      return;
    }
    const review = await pages.readReview(db, scope, id);
    if (review === null) notFound(api);
    else if (api) sendJson(res, 200, review);
    else sendHtml(res, 200, pages.renderReviewPage(review, ctx));
  }
}

/** Writes the dashboard's cookies: on its path only, `Secure` when the browser came over HTTPS. */
function cookieWriter(secure: boolean) {
  return (name: string, value: string, maxAgeMs: number) =>
    serializeCookie(name, value, {
      path: BASE_PATH,
      maxAgeSeconds: Math.floor(maxAgeMs / 1000),
      secure,
    });
}

/** A positive id as GitHub and the database use them, or undefined (the route answers 404). */
function readId(text: string | undefined): number | undefined {
  if (!text || !/^[1-9]\d{0,14}$/.test(text)) return undefined;
  return Number(text);
}

/** `?from=YYYY-MM-DD&to=YYYY-MM-DD` (UTC days, `to` included); the last 30 days by default. */
function readRange(url: URL, now: Date): { from: Date; to: Date } | undefined {
  const day = (text: string | null) =>
    text && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))
      ? new Date(`${text}T00:00:00Z`)
      : undefined;
  const fromText = url.searchParams.get("from");
  const toText = url.searchParams.get("to");
  const toDay = toText === null ? undefined : day(toText);
  const fromDay = fromText === null ? undefined : day(fromText);
  if ((toText !== null && !toDay) || (fromText !== null && !fromDay)) return undefined;
  // Whole UTC days, as the overview buckets them: to the end of today by default.
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const to = new Date((toDay ? toDay.getTime() : today) + 86_400_000);
  const from = fromDay ?? new Date(to.getTime() - DEFAULT_RANGE_DAYS * 86_400_000);
  return from < to ? { from, to } : undefined;
}

/** The urlencoded form of a POST: `req.body` when the webhook guard read it already, else the stream. */
async function readForm(req: Request): Promise<URLSearchParams | undefined> {
  if (!(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
    return undefined;
  }
  if (typeof req.body === "string") {
    return req.body.length <= MAX_FORM_BYTES ? new URLSearchParams(req.body) : undefined;
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res
    .writeHead(status, { ...SECURITY_HEADERS, "content-type": "text/html; charset=utf-8" })
    .end(html);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { ...SECURITY_HEADERS, "content-type": "application/json" })
    .end(JSON.stringify(body));
}

/** 303: the browser follows with a GET, also after a POST. */
function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { ...SECURITY_HEADERS, location }).end();
}
