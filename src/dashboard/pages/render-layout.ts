import type { PageContext } from "../data/dashboard-types.ts";
import { html, type SafeHtml } from "./html.ts";

/**
 * The page around a dashboard page's content: landmarks (header with navigation, main, footer),
 * a skip link, the sign-out form (a POST with the CSRF token), the one stylesheet, and no script at all (the pages work under a CSP that allows
 * none). Returns the whole document.
 */
export function renderLayout(title: string, ctx: PageContext, content: SafeHtml): string {
  const base = ctx.basePath.replace(/\/+$/, "");
  return `<!doctype html>\n${
    html`<html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Revue dashboard</title>
        <link rel="stylesheet" href="${base}/dashboard.css" />
      </head>
      <body>
        <a class="skip" href="#content">Skip to content</a>
        <header>
          <nav aria-label="Dashboard"><a href="${base}/">Overview</a></nav>
          <p>Signed in as <strong>${ctx.userLogin}</strong></p>
          <form method="post" action="${base}/logout">
            <input type="hidden" name="csrf" value="${ctx.csrfToken}" /><button type="submit">
              Sign out
            </button>
          </form>
        </header>
        <main id="content">${content}</main>
        <footer>
          <p class="muted">
            Revue dashboard. The same figures are served as JSON under <code>${base}/api/</code>.
          </p>
        </footer>
      </body>
    </html>`.value
  }\n`;
}
