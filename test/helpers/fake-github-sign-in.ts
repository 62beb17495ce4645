import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { openApiProblem } from "./github-openapi.ts";

type Repository = { id: number; name: string; full_name: string };
type User = { id: number; login: string; installations: Map<number, Repository[]> };
type Token = { login: string; expiresAt: number | undefined };

export type RecordedSignInRequest = { method: string; path: string; body: Record<string, string> };

/**
 * A stand-in for GitHub as the dashboard's sign-in meets it, over real HTTP: the OAuth web flow on
 * the web host (`/login/oauth/authorize`, `/login/oauth/access_token`: not in GitHub's OpenAPI
 * description, so answered with the shapes GitHub documents: a form or JSON body with client_id,
 * client_secret and code; `access_token`, `token_type`, `scope`, and `expires_in` with
 * `refresh_token` for expiring tokens; errors such as `bad_verification_code` with status 200) and,
 * under `/api/v3` as on GitHub Enterprise, `GET /user`, `/user/installations` and
 * `/user/installations/{id}/repositories`, checked against @octokit/openapi, paginated with `Link`.
 * Its authorize page approves at once as `signInAs`.
 */
export class FakeGitHubSignIn {
  readonly clientId = "Iv1.dashboardtest";
  readonly clientSecret = "dashboard-test-client-secret";
  readonly users = new Map<string, User>();
  readonly requests: RecordedSignInRequest[] = [];
  /** What GitHub would refuse, or this stand-in does not serve; a test asserts it stays empty. */
  readonly violations: string[] = [];
  /** Who approves on the authorize page. */
  signInAs = "";
  /** Where the authorize page sends the browser back (the App's callback URL). */
  callbackUrl = "";
  /** When set, tokens expire after this many seconds and come with a refresh token. */
  tokenLifetimeSeconds: number | undefined;
  perPage = 100;
  private readonly codes = new Map<string, string>();
  private readonly tokens = new Map<string, Token>();
  private readonly refreshTokens = new Map<string, string>();
  private server: Server | undefined;
  url = "";

  addUser(login: string, id: number, installations: Record<number, Repository[]>): User {
    const user = {
      id,
      login,
      installations: new Map(Object.entries(installations).map(([k, v]) => [Number(k), v])),
    };
    this.users.set(login, user);
    return user;
  }

  /** Revokes every token GitHub gave this user (as when they revoke the App's authorization). */
  revokeTokens(login: string): void {
    for (const [token, entry] of this.tokens) if (entry.login === login) this.tokens.delete(token);
  }

  async listen(): Promise<{ host: string; url: string; close(): Promise<void> }> {
    this.server = createServer((req, res) => {
      void this.answer(req).then(([status, body, headers]) => {
        res.writeHead(status, headers);
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return {
      host: `127.0.0.1:${port}`,
      url: this.url,
      close: () => new Promise<void>((resolve) => this.server!.close(() => resolve())),
    };
  }

  private async answer(req: IncomingMessage): Promise<[number, string, Record<string, string>]> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", this.url);
    const contentType = req.headers["content-type"] ?? "";
    const body: Record<string, string> = contentType.includes("json")
      ? (JSON.parse(text || "{}") as Record<string, string>)
      : Object.fromEntries(new URLSearchParams(text));
    const method = req.method ?? "GET";
    this.requests.push({ method, path: url.pathname + url.search, body });

    if (method === "GET" && url.pathname === "/login/oauth/authorize") return this.authorize(url);
    if (method === "POST" && url.pathname === "/login/oauth/access_token") {
      return this.accessToken(body, String(req.headers.accept ?? ""));
    }
    if (url.pathname.startsWith("/api/v3/")) {
      const apiPath = url.pathname.slice("/api/v3".length);
      const problem = openApiProblem(method, apiPath, text ? body : null);
      if (problem) {
        this.violations.push(`${method} ${apiPath}: ${problem}`);
        return json(404, { message: "Not Found" });
      }
      return this.api(method, apiPath, url, req.headers.authorization);
    }
    this.violations.push(`${method} ${url.pathname}: not served by FakeGitHubSignIn`);
    return json(404, { message: "Not Found" });
  }

  private authorize(url: URL): [number, string, Record<string, string>] {
    if (url.searchParams.get("client_id") !== this.clientId) {
      return [404, "<h1>404</h1>", { "content-type": "text/html" }];
    }
    const code = randomBytes(10).toString("hex");
    this.codes.set(code, this.signInAs);
    const back = new URL(this.callbackUrl);
    back.searchParams.set("code", code);
    back.searchParams.set("state", url.searchParams.get("state") ?? "");
    return [302, "", { location: back.toString() }];
  }

  private accessToken(
    body: Record<string, string>,
    accept: string,
  ): [number, string, Record<string, string>] {
    const answer = (fields: Record<string, string | number>) =>
      accept.includes("application/json")
        ? json(200, fields)
        : ([
            200,
            new URLSearchParams(
              Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]),
            ).toString(),
            { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
          ] as [number, string, Record<string, string>]);
    const refuse = (error: string, description: string) =>
      answer({
        error,
        error_description: description,
        error_uri:
          "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors",
      });
    if (body.client_id !== this.clientId || body.client_secret !== this.clientSecret) {
      return refuse(
        "incorrect_client_credentials",
        "The client_id and/or client_secret passed are incorrect.",
      );
    }
    let login: string | undefined;
    if (body.grant_type === "refresh_token") {
      login = this.refreshTokens.get(body.refresh_token ?? "");
      if (!login)
        return refuse("bad_refresh_token", "The refresh token passed is incorrect or expired.");
      this.refreshTokens.delete(body.refresh_token!);
    } else {
      login = this.codes.get(body.code ?? "");
      if (!login)
        return refuse("bad_verification_code", "The code passed is incorrect or expired.");
      this.codes.delete(body.code!);
    }
    const token = `ghu_${randomBytes(18).toString("hex")}`;
    const lifetime = this.tokenLifetimeSeconds;
    this.tokens.set(token, {
      login,
      expiresAt: lifetime ? Date.now() + lifetime * 1000 : undefined,
    });
    if (!lifetime) return answer({ access_token: token, token_type: "bearer", scope: "" });
    const refresh = `ghr_${randomBytes(30).toString("hex")}`;
    this.refreshTokens.set(refresh, login);
    return answer({
      access_token: token,
      expires_in: lifetime,
      refresh_token: refresh,
      refresh_token_expires_in: 15_811_200,
      token_type: "bearer",
      scope: "",
    });
  }

  private api(
    method: string,
    path: string,
    url: URL,
    authorization: string | undefined,
  ): [number, string, Record<string, string>] {
    const token = /^(?:Bearer|token) (.+)$/i.exec(authorization ?? "")?.[1] ?? "";
    const entry = this.tokens.get(token);
    const user =
      entry && (entry.expiresAt === undefined || entry.expiresAt > Date.now())
        ? this.users.get(entry.login)
        : undefined;
    if (!user) {
      return json(401, {
        message: "Bad credentials",
        documentation_url: "https://docs.github.com/rest",
        status: "401",
      });
    }
    if (method !== "GET") return json(404, { message: "Not Found" });
    if (path === "/user") {
      return json(200, { login: user.login, id: user.id, type: "User", site_admin: false });
    }
    if (path === "/user/installations") {
      const installations = [...user.installations.keys()].map((id) => ({
        id,
        app_id: 1,
        app_slug: "revue",
        target_type: "Organization",
        account: { login: `org-${id}`, id: id * 10 },
      }));
      return this.page(url, "installations", installations);
    }
    const match = /^\/user\/installations\/(\d+)\/repositories$/.exec(path);
    const repositories = match ? user.installations.get(Number(match[1])) : undefined;
    if (!repositories) return json(404, { message: "Not Found" });
    return this.page(url, "repositories", repositories);
  }

  /** One page of a list answer, with GitHub's `Link` header to the next. */
  private page(url: URL, key: string, items: unknown[]): [number, string, Record<string, string>] {
    const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), this.perPage);
    const page = Number(url.searchParams.get("page") ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < items.length) {
      const next = new URL(url);
      next.searchParams.set("page", String(page + 1));
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    const [status, body, base] = json(200, { total_count: items.length, [key]: slice });
    return [status, body, { ...base, ...headers }];
  }
}

function json(status: number, body: unknown): [number, string, Record<string, string>] {
  return [status, JSON.stringify(body), { "content-type": "application/json; charset=utf-8" }];
}
