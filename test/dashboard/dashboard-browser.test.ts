import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDashboardServer, type DashboardServer } from "../helpers/dashboard-server.ts";
import { seedTwoInstallations } from "../helpers/dashboard-seed.ts";
import { FakeGitHubSignIn } from "../helpers/fake-github-sign-in.ts";
import { backends } from "../helpers/test-database.ts";

/** Debian's package (`apt-get install -y chromium`, which .ci/run does); never skipped. */
const CHROMIUM = "/usr/bin/chromium";
/** Screenshots of each page, for a person to look at; git-ignored. */
const SCREENSHOTS = path.resolve(import.meta.dirname, "../../screenshots/dashboard");
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  "utf8",
);

type AxeViolation = {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown }[];
};

/** axe-core run inside the page; the serious and critical violations. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP (no scripts at all) does not block.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
    );
}

// One backend: the real server when there is one (CI), else PGlite.
describe(`the dashboard in a real browser (${backends.at(-1)})`, () => {
  let browser: Browser;
  let github: FakeGitHubSignIn;
  let server: DashboardServer;
  let closeGitHub: () => Promise<void>;
  let seeded: Awaited<ReturnType<typeof seedTwoInstallations>>;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}: run \`apt-get install -y chromium\` (.ci/run installs it when missing). The browser tests do not skip.`,
      );
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    github = new FakeGitHubSignIn();
    const listening = await github.listen();
    closeGitHub = listening.close;
    server = await startDashboardServer(
      backends.at(-1)!,
      {
        GHE_HOST: listening.host,
        GHE_PROTOCOL: "http",
        GITHUB_CLIENT_ID: github.clientId,
        GITHUB_CLIENT_SECRET: github.clientSecret,
      },
      undefined, // the real data reads and pages
    );
    github.callbackUrl = `${server.url}/dashboard/callback`;
    seeded = await seedTwoInstallations(server.db.db);
    github.addUser("alice", 11, { 100: [{ id: 1001, name: "web", full_name: "acme/web" }] });
    github.signInAs = "alice";
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Chromium's sandbox refuses to start as root (CI containers run as root).
      args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await closeGitHub?.();
  });

  it("signs in, shows each page, deletes a memory, and hides another installation's repository", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) cspViolations.push(message.text());
    });

    // Signing in: the dashboard sends the browser to GitHub, which sends it back signed in.
    await page.goto(`${server.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe("/dashboard/");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Overview");
    expect(await page.textContent("header")).toContain("Signed in as alice");
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === "revue_session")).toMatchObject({
      httpOnly: true,
      sameSite: "Lax",
      path: "/dashboard",
    });
    await page.screenshot({ path: path.join(SCREENSHOTS, "overview.png"), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    // The repository page, reached by its link, with its memory.
    await page.getByRole("link", { name: "acme/web" }).first().click();
    await page.waitForURL(`**/dashboard/repositories/${seeded.acme.repositoryId}`);
    expect(await page.textContent("main")).toContain("We use tabs in Makefiles");
    await page.screenshot({ path: path.join(SCREENSHOTS, "repository.png"), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    // Deleting the memory: a POST with the page's CSRF token, back to the repository page.
    await page.getByRole("button", { name: `Delete memory ${seeded.acme.memoryId}` }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe(
      `/dashboard/repositories/${seeded.acme.repositoryId}`,
    );
    expect(await page.textContent("main")).not.toContain("We use tabs in Makefiles");
    const left = await server.db.db.selectFrom("memories").select("id").execute();
    expect(left.map((row) => row.id)).toEqual([seeded.globex.memoryId]);

    // A review page.
    const review = await page.goto(`${server.url}/dashboard/reviews/${seeded.acme.reviewId}`);
    expect(review?.status()).toBe(200);
    await page.screenshot({ path: path.join(SCREENSHOTS, "review.png"), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    // Another installation's repository and review: 404, as for something that does not exist.
    const foreign = await page.goto(
      `${server.url}/dashboard/repositories/${seeded.globex.repositoryId}`,
    );
    expect(foreign?.status()).toBe(404);
    expect(await page.textContent("main")).not.toContain("globex");
    await page.screenshot({ path: path.join(SCREENSHOTS, "not-found.png"), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    const foreignReview = await page.goto(
      `${server.url}/dashboard/reviews/${seeded.globex.reviewId}`,
    );
    expect(foreignReview?.status()).toBe(404);

    // Signing out (a POST), then the dashboard asks to sign in again.
    await page.goto(`${server.url}/dashboard/`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/dashboard/signed-out");
    await page.screenshot({ path: path.join(SCREENSHOTS, "signed-out.png"), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    expect((await context.cookies()).some((c) => c.name === "revue_session")).toBe(false);

    expect(cspViolations).toEqual([]);
    expect(github.violations).toEqual([]);
    await context.close();
  }, 120_000);
});
