/** Common credential formats. Each is specific enough that a match is almost surely a secret. */
const TOKEN_PATTERNS: { name: string; pattern: RegExp }[] = [
  {
    name: "GitHub token",
    pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g,
  },
  { name: "Anthropic API key", pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}\b/g },
  // Legacy keys are alphanumeric; project, service-account and admin keys are base64url ("-", "_").
  {
    name: "OpenAI API key",
    pattern: /\bsk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{32,}|[A-Za-z0-9]{32,}\b)/g,
  },
  { name: "AWS access key", pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { name: "Slack token", pattern: /\bxox[baprs]-[A-Za-z0-9-]{10,}\b/g },
  { name: "Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { name: "Stripe key", pattern: /\b(sk|rk)_live_[A-Za-z0-9]{20,}\b/g },
  { name: "Hugging Face token", pattern: /\bhf_[A-Za-z0-9]{30,}\b/g },
  {
    name: "private key",
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  },
  {
    name: "JSON web token",
    pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/g,
  },
];

export type SecretScan = { text: string; found: string[] };

/**
 * Replaces secrets in outgoing text with `[redacted <kind>]`: the app's own secrets (exact
 * values, and each line of a PEM key) and common token formats. Pure; run on every text before it
 * is posted to GitHub.
 */
export function redactSecrets(text: string, ownSecrets: readonly string[]): SecretScan {
  const found: string[] = [];
  let out = text;
  for (const secret of ownSecrets) {
    for (const piece of secretPieces(secret)) {
      if (out.includes(piece)) {
        found.push("Revue's own credentials");
        out = out.split(piece).join("[redacted credential]");
      }
    }
  }
  for (const { name, pattern } of TOKEN_PATTERNS) {
    out = out.replace(pattern, () => {
      found.push(name);
      return `[redacted ${name}]`;
    });
  }
  return { text: out, found: [...new Set(found)] };
}

/** A secret, and for a multi-line one (a PEM key) each long line of it: a partial leak counts. */
function secretPieces(secret: string): string[] {
  const trimmed = secret.trim();
  if (trimmed.length < 8) return [];
  const lines = trimmed
    .split(/\r?\n|\\n/)
    .map((line) => line.trim())
    .filter((line) => line.length >= 16 && !line.startsWith("-----"));
  return [trimmed, ...lines];
}
