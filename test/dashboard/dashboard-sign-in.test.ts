import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startDashboardServer, type DashboardServer } from "../helpers/dashboard-server.ts";
import { seedTwoInstallations } from "../helpers/dashboard-seed.ts";
import { testDashboardPages } from "../helpers/dashboard-test-pages.ts";
import { FakeGitHubSignIn } from "../helpers/fake-github-sign-in.ts";
import { backends } from "../helpers/test-database.ts";

/** A browser's cookie jar, enough for one host and the dashboard's path. */
class Browser {
  readonly cookies = new Map<string, string>();
  readonly setCookies: string[] = [];
  readonly base: string;
  constructor(base: string) {
    this.base = base;
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const url = path.startsWith("http") ? path : `${this.base}${path}`;
    const headers = new Headers(init.headers);
    if (url.startsWith(this.base) && this.cookies.size > 0) {
      headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  post(path: string, fields: Record<string, string>): Promise<Response> {
    return this.request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Sign-in as GitHub runs it: /login, GitHub's authorize page, back to the callback. */
  async signIn(): Promise<Response> {
    const login = await this.request("/dashboard/login");
    const authorize = await this.request(login.headers.get("location")!);
    return this.request(authorize.headers.get("location")!);
  }

  async csrfToken(path = "/dashboard/"): Promise<string> {
    const html = await (await this.request(path)).text();
    return /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  }
}

describe.each(backends)("dashboard sign-in and access (%s)", (backend) => {
  let github: FakeGitHubSignIn;
  let server: DashboardServer;
  let seeded: Awaited<ReturnType<typeof seedTwoInstallations>>;
  const cleanups: (() => Promise<unknown>)[] = [];

  async function start(env: Record<string, string> = {}) {
    github = new FakeGitHubSignIn();
    const listening = await github.listen();
    cleanups.push(listening.close);
    server = await startDashboardServer(
      backend,
      {
        GHE_HOST: listening.host,
        GHE_PROTOCOL: "http",
        GITHUB_CLIENT_ID: github.clientId,
        GITHUB_CLIENT_SECRET: github.clientSecret,
        ...env,
      },
      testDashboardPages,
    );
    cleanups.push(server.close);
    github.callbackUrl = `${server.url}/dashboard/callback`;
    seeded = await seedTwoInstallations(server.db.db);
    // alice reaches acme (100) and an installation Revue does not know (300); mallory reaches globex.
    github.addUser("alice", 11, {
      100: [{ id: 1001, name: "web", full_name: "acme/web" }],
      300: [{ id: 3001, name: "elsewhere", full_name: "initech/elsewhere" }],
    });
    github.addUser("mallory", 22, {
      200: [{ id: 2001, name: "secret-plans", full_name: "globex/secret-plans" }],
    });
    github.signInAs = "alice";
  }

  // The first start migrates PGlite's template database: slow on a loaded machine.
  beforeEach(() => start(), 180_000);
  afterEach(async () => {
    expect(github.violations).toEqual([]);
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("signs in through GitHub with a checked state, and sets the session cookie's flags", async () => {
    const browser = new Browser(server.url);
    const first = await browser.request("/dashboard");
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/dashboard/login");

    const login = await browser.request("/dashboard/login");
    const authorize = new URL(login.headers.get("location")!);
    expect(authorize.origin + authorize.pathname).toBe(`${github.url}/login/oauth/authorize`);
    expect(authorize.searchParams.get("client_id")).toBe(github.clientId);
    const state = authorize.searchParams.get("state")!;
    expect(state.length).toBeGreaterThanOrEqual(32);
    const stateCookie = browser.setCookies.find((c) => c.startsWith("revue_oauth_state="))!;
    expect(stateCookie).toMatch(/; Path=\/dashboard; Max-Age=600; HttpOnly; SameSite=Lax$/);

    const back = await browser.request(authorize.toString());
    const callback = await browser.request(back.headers.get("location")!);
    expect(callback.status).toBe(303);
    expect(callback.headers.get("location")).toBe("/dashboard/");
    const sessionCookie = browser.setCookies.find((c) => c.startsWith("revue_session="))!;
    expect(sessionCookie).toMatch(/; Path=\/dashboard; Max-Age=28800; HttpOnly; SameSite=Lax$/);
    expect(sessionCookie).not.toContain("Secure");

    const token = github.requests.find((r) => r.path === "/login/oauth/access_token")!;
    expect(token.body).toMatchObject({
      client_id: github.clientId,
      client_secret: github.clientSecret,
    });

    const overview = await browser.request("/dashboard/");
    expect(overview.status).toBe(200);
    const html = await overview.text();
    expect(html).toContain("acme/web");
    expect(html).not.toContain("globex");
    expect(html).toContain("Signed in as alice");

    // Stored server-side: the cookie's id only as a hash, GitHub's token encrypted.
    const rows = await server.db.db.selectFrom("dashboard_sessions").selectAll().execute();
    expect(rows).toHaveLength(1);
    const cookieId = browser.cookies.get("revue_session")!.split(".")[0]!;
    expect(rows[0]!.id_hash).not.toContain(cookieId);
    expect(rows[0]!.access_token).toMatch(/^v1\./);
    expect(rows[0]!.access_token).not.toContain("ghu_");
    expect(rows[0]!.user_login).toBe("alice");
  });

  it("refuses a callback whose state does not match the browser's, without exchanging the code", async () => {
    const browser = new Browser(server.url);
    const login = await browser.request("/dashboard/login");
    const authorize = new URL(login.headers.get("location")!);
    authorize.searchParams.set("state", "forged-state-from-an-attacker-page");
    const back = await browser.request(authorize.toString());
    const callback = await browser.request(back.headers.get("location")!);
    expect(callback.status).toBe(400);
    expect(await callback.text()).toContain("state does not match");
    expect(browser.cookies.has("revue_session")).toBe(false);
    expect(github.requests.some((r) => r.path === "/login/oauth/access_token")).toBe(false);

    // A callback in a browser that never started a sign-in (no state cookie) is refused too.
    const stranger = new Browser(server.url);
    const fresh = await new Browser(server.url).request("/dashboard/login");
    const code = await stranger.request(fresh.headers.get("location")!);
    expect((await stranger.request(code.headers.get("location")!)).status).toBe(400);
    expect(await server.db.db.selectFrom("dashboard_sessions").selectAll().execute()).toEqual([]);
  });

  it("shows GitHub's refusal of a used code (bad_verification_code) as a page", async () => {
    const browser = new Browser(server.url);
    const login = await browser.request("/dashboard/login");
    const back = await browser.request(login.headers.get("location")!);
    const callbackUrl = back.headers.get("location")!;
    expect((await browser.request(callbackUrl)).status).toBe(303);
    // The same code again (a reload): GitHub answers 200 with error=bad_verification_code.
    const replay = new Browser(server.url);
    const again = await replay.request("/dashboard/login");
    const state = new URL(again.headers.get("location")!).searchParams.get("state")!;
    const reused = new URL(callbackUrl);
    reused.searchParams.set("state", state);
    const answer = await replay.request(reused.toString());
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain("bad_verification_code");
    expect(replay.cookies.has("revue_session")).toBe(false);
  });

  it("marks cookies Secure behind an HTTPS proxy only when REVUE_TRUST_PROXY is on", async () => {
    const untrusted = new Browser(server.url);
    await untrusted.request("/dashboard/login", { headers: { "x-forwarded-proto": "https" } });
    expect(untrusted.setCookies[0]).not.toContain("Secure");
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();

    await start({ REVUE_TRUST_PROXY: "true" });
    const proxied = new Browser(server.url);
    await proxied.request("/dashboard/login", { headers: { "x-forwarded-proto": "https" } });
    expect(proxied.setCookies[0]).toMatch(/; Secure$/);
  });

  it("needs the session's CSRF token on every POST", async () => {
    const browser = new Browser(server.url);
    await browser.signIn();
    const repository = `/dashboard/repositories/${seeded.acme.repositoryId}`;
    const remove = `${repository}/memories/${seeded.acme.memoryId}/delete`;
    const memoryLeft = async () =>
      (
        await server.db.db
          .selectFrom("memories")
          .select("id")
          .where("id", "=", seeded.acme.memoryId)
          .execute()
      ).length;

    expect((await browser.post(remove, {})).status).toBe(403);
    expect((await browser.post(remove, { csrf: "not-the-token" })).status).toBe(403);
    // Another session's token does not do either: it is tied to the session.
    const other = new Browser(server.url);
    await other.signIn();
    expect((await browser.post(remove, { csrf: await other.csrfToken() })).status).toBe(403);
    expect((await browser.post("/dashboard/logout", {})).status).toBe(403);
    expect(await memoryLeft()).toBe(1);

    const csrf = await browser.csrfToken(repository);
    const deleted = await browser.post(remove, { csrf });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get("location")).toBe(repository);
    expect(await memoryLeft()).toBe(0);
  });

  it("signs out with a POST, after which the old cookie opens nothing", async () => {
    const browser = new Browser(server.url);
    await browser.signIn();
    const oldCookie = browser.cookies.get("revue_session")!;
    const csrf = await browser.csrfToken();
    const out = await browser.post("/dashboard/logout", { csrf });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/dashboard/signed-out");
    expect(browser.cookies.has("revue_session")).toBe(false);
    const replay = await fetch(`${server.url}/dashboard/api/overview`, {
      headers: { cookie: `revue_session=${oldCookie}` },
    });
    expect(replay.status).toBe(401);
    expect((await browser.request("/dashboard/logout")).status).toBe(303);
  });

  it("ends an expired session: pages redirect to sign-in, the API answers 401 JSON", async () => {
    const browser = new Browser(server.url);
    await browser.signIn();
    expect((await browser.request("/dashboard/api/overview")).status).toBe(200);
    await server.db.db
      .updateTable("dashboard_sessions")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    const api = await browser.request("/dashboard/api/overview");
    expect(api.status).toBe(401);
    expect(api.headers.get("content-type")).toBe("application/json");
    expect(await api.json()).toMatchObject({ error: "not signed in" });
    const page = await browser.request("/dashboard/");
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/dashboard/login");
    expect(await server.db.db.selectFrom("dashboard_sessions").selectAll().execute()).toEqual([]);
  });

  it("asks GitHub on every request: an installation removed since sign-in answers 404 next time", async () => {
    const browser = new Browser(server.url);
    await browser.signIn();
    const path = `/dashboard/repositories/${seeded.acme.repositoryId}`;
    expect((await browser.request(path)).status).toBe(200);
    expect((await browser.request(`/dashboard/api/reviews/${seeded.acme.reviewId}`)).status).toBe(
      200,
    );

    github.users.get("alice")!.installations.delete(100);
    expect((await browser.request(path)).status).toBe(404);
    expect((await browser.request(`/dashboard/api/reviews/${seeded.acme.reviewId}`)).status).toBe(
      404,
    );
    expect(await (await browser.request("/dashboard/api/overview")).json()).toEqual({
      repositories: [],
      reviews: 0,
    });
  });

  it("answers 404 for another installation's repository, review or memory, and for ids that are not ids", async () => {
    const browser = new Browser(server.url);
    await browser.signIn();
    for (const path of [
      `/dashboard/repositories/${seeded.globex.repositoryId}`,
      `/dashboard/reviews/${seeded.globex.reviewId}`,
      `/dashboard/api/repositories/${seeded.globex.repositoryId}`,
      `/dashboard/api/reviews/${seeded.globex.reviewId}`,
      "/dashboard/repositories/3001", // alice's on GitHub, unknown to Revue
      "/dashboard/reviews/999999",
      "/dashboard/repositories/abc",
      "/dashboard/repositories/0",
      "/dashboard/repositories/-1",
      "/dashboard/reviews/1e3",
      "/dashboard/api/repositories/1001.5",
      "/dashboard/nothing-here",
    ]) {
      expect({ path, status: (await browser.request(path)).status }).toEqual({ path, status: 404 });
    }
    const csrf = await browser.csrfToken();
    const foreign = await browser.post(
      `/dashboard/repositories/${seeded.acme.repositoryId}/memories/${seeded.globex.memoryId}/delete`,
      { csrf },
    );
    expect(foreign.status).toBe(404);
    expect(
      await server.db.db
        .selectFrom("memories")
        .select("id")
        .where("id", "=", seeded.globex.memoryId)
        .execute(),
    ).toHaveLength(1);
  });

  it("serves the JSON API with the session cookie and 401 without one", async () => {
    const anonymous = await fetch(
      `${server.url}/dashboard/api/repositories/${seeded.acme.repositoryId}`,
    );
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: "not signed in", signIn: "/dashboard/login" });

    const browser = new Browser(server.url);
    await browser.signIn();
    const repository = await browser.request(
      `/dashboard/api/repositories/${seeded.acme.repositoryId}`,
    );
    expect(repository.status).toBe(200);
    expect(await repository.json()).toMatchObject({ id: 1001, fullName: "acme/web" });
    const badRange = await browser.request("/dashboard/api/overview?from=yesterday");
    expect(badRange.status).toBe(400);
  });

  it("sends security headers on every dashboard answer", async () => {
    const browser = new Browser(server.url);
    await browser.signIn();
    for (const path of [
      "/dashboard/",
      "/dashboard/api/overview",
      "/dashboard/login",
      "/dashboard/signed-out",
    ]) {
      const response = await browser.request(path);
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(response.headers.get("content-security-policy")).not.toContain("script-src");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("referrer-policy")).toBe("same-origin");
    }
  });

  it("refreshes an expiring GitHub token with its refresh token, and signs out when GitHub revokes it", async () => {
    github.tokenLifetimeSeconds = 8 * 3600;
    const browser = new Browser(server.url);
    await browser.signIn();
    const before = await server.db.db
      .selectFrom("dashboard_sessions")
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(before.refresh_token).toMatch(/^v1\./);
    await server.db.db
      .updateTable("dashboard_sessions")
      .set({ access_token_expires_at: new Date(Date.now() - 1000) })
      .execute();
    expect((await browser.request("/dashboard/")).status).toBe(200);
    const refresh = github.requests.filter((r) => r.body.grant_type === "refresh_token");
    expect(refresh).toHaveLength(1);
    const after = await server.db.db
      .selectFrom("dashboard_sessions")
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.access_token_expires_at!.getTime()).toBeGreaterThan(Date.now());

    // Two requests at once with an expired token: one refreshes, the other uses what it stored
    // (GitHub's refresh tokens work once), and the person stays signed in.
    await server.db.db
      .updateTable("dashboard_sessions")
      .set({ access_token_expires_at: new Date(Date.now() - 1000) })
      .execute();
    const parallel = await Promise.all([
      browser.request("/dashboard/"),
      browser.request("/dashboard/"),
    ]);
    expect(parallel.map((response) => response.status)).toEqual([200, 200]);

    github.revokeTokens("alice");
    const revoked = await browser.request("/dashboard/");
    expect(revoked.status).toBe(303);
    expect(revoked.headers.get("location")).toBe("/dashboard/login");
    expect(await server.db.db.selectFrom("dashboard_sessions").selectAll().execute()).toEqual([]);
  });

  it("follows GitHub's pages of installations and repositories", async () => {
    github.perPage = 1;
    github.addUser("bob", 33, {
      300: [{ id: 3001, name: "elsewhere", full_name: "initech/elsewhere" }],
      100: [
        { id: 1002, name: "other", full_name: "acme/other" },
        { id: 1001, name: "web", full_name: "acme/web" },
      ],
    });
    github.signInAs = "bob";
    const browser = new Browser(server.url);
    await browser.signIn();
    expect(
      (await browser.request(`/dashboard/repositories/${seeded.acme.repositoryId}`)).status,
    ).toBe(200);
  });
});

describe("dashboard without OAuth credentials", () => {
  it("says how to set them, with a 200 page (and 503 from the API)", async () => {
    const server = await startDashboardServer("pglite", {}, testDashboardPages);
    try {
      const page = await fetch(`${server.url}/dashboard`, { redirect: "manual" });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("GITHUB_CLIENT_ID");
      expect(html).toContain("GITHUB_CLIENT_SECRET");
      expect(html).toContain(`${server.url}/dashboard/callback`);
      const api = await fetch(`${server.url}/dashboard/api/overview`);
      expect(api.status).toBe(503);
    } finally {
      await server.close();
    }
  });
});
