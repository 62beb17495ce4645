/**
 * The dashboard's own pages around sign-in (the data pages are in ../pages): plain HTML, no script,
 * every value escaped. `stylesheet` is the dashboard's CSS link, when one is served.
 */

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

function page(title: string, body: string, basePath: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Revue</title>
<link rel="stylesheet" href="${basePath}/dashboard.css">
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

/** Sign-in is off: says which variables to set and the callback URL to give the App. */
export function renderSignInSetupPage(basePath: string, callbackUrl: string): string {
  return page(
    "Dashboard sign-in is not set up",
    `<p>The dashboard signs people in with GitHub, through the Revue App's OAuth client. Revue has no client id and secret yet.</p>
<ol>
<li>Open the GitHub App's settings (GitHub: Settings, Developer settings, GitHub Apps, your App, General).</li>
<li>Under <strong>Callback URL</strong>, add <code>${escapeHtml(callbackUrl)}</code>.</li>
<li>Copy the <strong>Client ID</strong>, and generate a <strong>client secret</strong>.</li>
<li>Set <code>GITHUB_CLIENT_ID</code> and <code>GITHUB_CLIENT_SECRET</code> (in <code>.env</code> or the environment) and restart Revue. An App made with Revue's setup page has both in <code>.env</code> already.</li>
</ol>
<p>See "Dashboard" in README.md.</p>`,
    basePath,
  );
}

/** After signing out, or an ended session: a link to sign in again. */
export function renderSignedOutPage(basePath: string): string {
  return page(
    "Signed out",
    `<p>You are signed out of Revue's dashboard.</p>
<p><a href="${basePath}/login">Sign in with GitHub</a></p>`,
    basePath,
  );
}

/** Sign-in failed (a refused code, a stale or forged state): what happened and a way back. */
export function renderSignInFailedPage(basePath: string, reason: string): string {
  return page(
    "Sign-in did not complete",
    `<p>${escapeHtml(reason)}</p>
<p><a href="${basePath}/login">Sign in with GitHub again</a></p>`,
    basePath,
  );
}

/** A short page for 403, 404 and 502 answers. */
export function renderMessagePage(basePath: string, title: string, message: string): string {
  return page(
    title,
    `<p>${escapeHtml(message)}</p>
<p><a href="${basePath}/">Back to the dashboard</a></p>`,
    basePath,
  );
}
