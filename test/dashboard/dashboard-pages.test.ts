import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  Overview,
  RepositoryDetail,
  ReviewDetail,
} from "../../src/dashboard/data/dashboard-types.ts";
import { readOverview } from "../../src/dashboard/data/read-overview.ts";
import { readRepository } from "../../src/dashboard/data/read-repository.ts";
import { readReview } from "../../src/dashboard/data/read-review.ts";
import { escapeHtml } from "../../src/dashboard/pages/html.ts";
import { renderOverviewPage } from "../../src/dashboard/pages/render-overview-page.ts";
import { renderRepositoryPage } from "../../src/dashboard/pages/render-repository-page.ts";
import { renderReviewPage } from "../../src/dashboard/pages/render-review-page.ts";
import { createTestDatabase } from "../helpers/test-database.ts";
import { HOSTILE_NAME, report, SCOPE, seedDashboard } from "./dashboard-seed.ts";

const CTX = { csrfToken: `tok"en<1>`, basePath: "/dashboard", userLogin: "<b>mallory</b>" };
const RANGE = { from: new Date("2026-11-01T00:00:00Z"), to: new Date("2026-11-04T00:00:00Z") };
const HOSTILE_TITLE = `<img src=x onerror=alert(1)>`;

let overview: Overview;
let repository: RepositoryDetail;
let review: ReviewDetail;

beforeAll(async () => {
  const handle = await createTestDatabase("pglite");
  const ids = await seedDashboard(handle.db);
  await handle.db
    .updateTable("reviews")
    .set({
      report: JSON.stringify(
        report({
          configProblems: [`</li><script>alert("config")</script>`],
          suppressed: [
            {
              title: `"><svg onload=alert(2)>`,
              path: "a.ts",
              severity: "minor",
              category: "style",
              similarity: 0.9,
              likeFindingId: 3,
            },
          ],
          listedInSummary: [
            {
              title: "Too many",
              path: "b.ts",
              severity: "major",
              category: "bug",
              note: "over the inline limit",
            },
          ],
          contextFiles: ["src/<context>.ts"],
        }),
      ),
    })
    .where("id", "=", ids.r1!)
    .execute();
  await handle.db
    .insertInto("memories")
    .values({
      installation_id: 1,
      repository_id: 10,
      kind: "convention",
      source: "reply",
      statement: `Never <script>eval</script>`,
      taught_by: "octocat",
      source_url: "javascript:alert(3)",
    })
    .execute();
  overview = await readOverview(handle.db, SCOPE, RANGE);
  repository = (await readRepository(handle.db, SCOPE, 10))!;
  review = (await readReview(handle.db, SCOPE, ids.r1!))!;
  await handle.close();
});

afterAll(() => {});

/** The pages with their whitespace between and inside tags collapsed (the markup is formatted). */
const flat = (page: string) => page.replace(/\s+/g, " ").replace(/> </g, "><").replace(/ >/g, ">");
const pages = () => ({
  overview: flat(renderOverviewPage(overview, CTX)),
  repository: flat(renderRepositoryPage(repository, CTX)),
  review: flat(renderReviewPage(review, CTX)),
});

describe("dashboard pages", () => {
  it("escape every value from a repository: names, titles, config problems, memories, the user", () => {
    for (const [name, page] of Object.entries(pages())) {
      expect(page, name).not.toMatch(/<script/i);
      expect(page, name).not.toContain("<img");
      expect(page, name).not.toContain("<b>mallory");
      expect(page, name).not.toMatch(/<svg onload/i);
      // No element with an event handler attribute (escaped text may still spell one).
      expect(page, name).not.toMatch(/<[a-z][^<>]*\son\w+=/i);
      expect(page, name).toContain(escapeHtml(CTX.userLogin));
    }
    const { overview: o, repository: r, review: v } = pages();
    expect(o).toContain(escapeHtml(HOSTILE_NAME));
    expect(r).toContain(`<h1>${escapeHtml(HOSTILE_NAME)}</h1>`);
    expect(r).toContain(escapeHtml(`</li><script>alert("config")</script>`));
    expect(r).toContain(escapeHtml("Never <script>eval</script>"));
    expect(r).not.toContain("javascript:");
    expect(v).toContain(escapeHtml(HOSTILE_TITLE));
    expect(v).toContain(escapeHtml(`"><svg onload=alert(2)>`));
    expect(v).toContain(escapeHtml("src/<context>.ts"));
  });

  it("carry no script, and a memory delete is a POST form with the CSRF token", () => {
    for (const page of Object.values(pages())) expect(page).not.toMatch(/<script|javascript:/i);
    const { repository: r } = pages();
    const memory = repository.memories.find((m) => m.deletable)!;
    expect(r).toContain(
      `<form method="post" action="/dashboard/repositories/10/memories/${memory.id}/delete"><input type="hidden" name="csrf" value="${escapeHtml(CTX.csrfToken)}" /><button type="submit"`,
    );
  });

  it("mark the median and p95 as approximate when they come from the rollup's buckets", () => {
    expect(pages().overview).not.toContain("≈");
    const approximate = flat(
      renderOverviewPage(
        { ...overview, timeToReview: { ...overview.timeToReview, approximate: true } },
        CTX,
      ),
    );
    expect(approximate).toContain("Median time to review<strong>≈ ");
    expect(approximate).toContain("p95 time to review<strong>≈ ");
    expect(approximate).toContain("the median and p95 are approximate");
  });

  it("draw the plots as labelled SVG with a table of their figures", () => {
    const { overview: o } = pages();
    const svgs = o.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(4);
    for (const svg of svgs) {
      expect(svg).toMatch(
        /^<svg [^>]*role="img" aria-label="[^"]+" aria-describedby="[\w-]+-desc"/,
      );
      expect(svg).toMatch(/<title id="[\w-]+-title">[^<]+<\/title>/);
      expect(svg).toMatch(/<desc id="[\w-]+-desc">[^<]+<\/desc>/);
      expect(svg).toContain('class="axis-label"');
    }
    // The reviews-per-day line goes through one point per day; the table holds the same figures.
    const reviewsChart = svgs[0]!;
    expect(reviewsChart).toMatch(
      /<path class="series" d="M[\d.]+,[\d.]+L[\d.]+,[\d.]+L[\d.]+,[\d.]+"/,
    );
    expect(o).toContain('<tr><td>2026-11-03</td><td class="num">2</td></tr>');
    expect(o).toContain('<tr><td>critical</td><td class="num">1</td></tr>');
    expect(o).toContain("<summary>Reviews per day: the figures as a table</summary>");
    // Bars: one per severity, the tallest (major, 2) reaching the top of the plot.
    const bars = [...svgs[2]!.matchAll(/<rect class="bar"[^>]* height="([\d.]+)"/g)].map((m) =>
      Number(m[1]),
    );
    expect(bars).toHaveLength(4);
    expect(bars[1]).toBeCloseTo(2 * bars[0]!, 1);
  });

  it("have landmarks, headings and labelled tables", () => {
    for (const page of Object.values(pages())) {
      expect(page).toMatch(/<html lang="en">/);
      expect(page).toContain('<main id="content">');
      expect(page).toMatch(/<nav aria-label="Dashboard">/);
      expect(page.match(/<h1>/g)).toHaveLength(1);
      expect(page).toContain('<th scope="col"');
    }
    expect(pages().review).toContain(
      `href="https://github.com/${escapeHtml(HOSTILE_NAME)}/pull/7"`,
    );
  });
});
