import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";

/** What GitHub answers to POST /app-manifests/{code}/conversions (the fields Revue keeps). */
type Conversion = {
  id: number;
  slug?: string;
  html_url: string;
  pem: string;
  webhook_secret: string | null;
  client_id: string;
  client_secret: string;
};

export type ManifestConversionOptions = {
  /** `https://api.github.com`, or `${GHE_PROTOCOL}://${GHE_HOST}/api/v3`. */
  apiBaseUrl: string;
  /** Stores the App's credentials (the `.env` file); called only after a successful conversion. */
  saveCredentials: (values: Record<string, string>) => void;
  log: Logger;
  fetch?: typeof fetch;
};

/**
 * `GET /probot/setup?code=...`, where GitHub sends the browser back after the App was created from
 * the manifest. Converts the one-time code into the App's id, private key, webhook secret and
 * client credentials, saves them, and redirects to the App's installation page.
 *
 * It stands in front of Probot's own handler for this path, which answers an empty 500 when GitHub
 * refuses the code: here a wrong, used or expired code (GitHub answers 404 or 422) gives a page
 * saying what happened and what to do, and nothing is written. Returns false for other requests.
 */
export function manifestConversionRoute(options: ManifestConversionOptions) {
  const fetchImpl = options.fetch ?? fetch;
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" || url.pathname !== "/probot/setup") return false;
    const code = url.searchParams.get("code");
    if (!code || !/^[\w-]{1,200}$/.test(code)) {
      sendPage(res, 400, "No setup code", [
        "This page is where GitHub sends you back after creating the App, with a one-time <code>code</code> in the address. This request had none (or one that is not a code).",
        'Start again from the <a href="/probot">setup page</a>.',
      ]);
      return true;
    }
    let response: Response;
    try {
      response = await fetchImpl(
        `${options.apiBaseUrl}/app-manifests/${encodeURIComponent(code)}/conversions`,
        {
          method: "POST",
          headers: {
            accept: "application/vnd.github+json",
            "user-agent": "revue-setup",
            "x-github-api-version": "2022-11-28",
          },
        },
      );
    } catch (error) {
      options.log.error({ err: error }, "could not reach GitHub to finish the App setup");
      sendPage(res, 502, "GitHub could not be reached", [
        `Revue could not reach ${escapeHtml(options.apiBaseUrl)} to finish creating the App: ${escapeHtml((error as Error).message)}.`,
        "Nothing was written. Check the network (and <code>GHE_HOST</code> for GitHub Enterprise), then reload this page: the code stays valid for an hour.",
      ]);
      return true;
    }
    const body = (await response.json().catch(() => ({}))) as Partial<Conversion> & {
      message?: string;
    };
    if (!response.ok) {
      const refused = response.status === 404 || response.status === 422;
      options.log.warn(
        { status: response.status, message: body.message },
        "GitHub refused the App setup code",
      );
      sendPage(res, refused ? 400 : 502, "GitHub did not accept this setup code", [
        `GitHub answered ${response.status}${body.message ? ` (${escapeHtml(body.message)})` : ""}.`,
        refused
          ? "A setup code works once and expires an hour after the App is created. If the App was created, it already exists on GitHub: delete it there (Settings, Developer settings, GitHub Apps) or finish by hand. Otherwise, create it again."
          : "GitHub had a problem; reload this page in a moment (the code stays valid for an hour).",
        'Nothing was written to <code>.env</code>. <a href="/probot">Back to the setup page</a>.',
      ]);
      return true;
    }
    if (!body.id || !body.pem || !body.html_url || !body.client_id || !body.client_secret) {
      sendPage(res, 502, "Unexpected answer from GitHub", [
        "GitHub's answer did not carry the App's id, key and client credentials. Nothing was written.",
      ]);
      return true;
    }
    const values: Record<string, string> = {
      APP_ID: String(body.id),
      PRIVATE_KEY: body.pem,
      GITHUB_CLIENT_ID: body.client_id,
      GITHUB_CLIENT_SECRET: body.client_secret,
    };
    if (body.webhook_secret) values.WEBHOOK_SECRET = body.webhook_secret;
    try {
      options.saveCredentials(values);
    } catch (error) {
      options.log.error({ err: error }, "could not write the App's credentials");
      sendPage(res, 500, "Could not save the App's credentials", [
        `The App was created on GitHub (id ${body.id}), but writing <code>.env</code> failed: ${escapeHtml((error as Error).message)}.`,
        "Make Revue's working directory writable and reload this page within the hour.",
      ]);
      return true;
    }
    options.log.info(
      { appId: body.id, slug: body.slug },
      "GitHub App created and saved to .env: install it, then restart Revue",
    );
    const location = `${body.html_url}/installations/new`;
    res
      .writeHead(302, { location, "content-type": "text/plain" })
      .end(`Found. Redirecting to ${location}`);
    return true;
  };
}

function sendPage(res: ServerResponse, status: number, title: string, paragraphs: string[]): void {
  const html = [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>Revue setup: ${escapeHtml(title)}</title></head>`,
    '<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">',
    `<h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((p) => `<p>${p}</p>`),
    "</body></html>",
  ].join("\n");
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" }).end(html);
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}
