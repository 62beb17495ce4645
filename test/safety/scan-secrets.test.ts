import { describe, it, expect } from "vitest";
import { redactSecrets } from "../../src/safety/scan-secrets.ts";
import { testPrivateKey } from "../helpers/test-keys.ts";

/**
 * `count` characters of [A-Za-z0-9], varied, so each token below is built here rather than
 * written out (a literal token in the repository would trip secret scanners).
 */
function alnum(count: number, seed = 0): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from({ length: count }, (_, i) => alphabet[(i * 7 + seed * 13 + 3) % 62]).join("");
}

/** One of each token format scan-secrets claims, with the kind it must be reported as. */
const tokens: { kind: string; token: string }[] = [
  { kind: "GitHub token", token: `ghp_${alnum(36)}` },
  { kind: "GitHub token", token: `gho_${alnum(36, 1)}` },
  { kind: "GitHub token", token: `ghu_${alnum(36, 2)}` },
  { kind: "GitHub token", token: `ghs_${alnum(36, 3)}` },
  { kind: "GitHub token", token: `ghr_${alnum(36, 4)}` },
  { kind: "GitHub token", token: `github_pat_${alnum(22)}_${alnum(59, 1)}` },
  { kind: "Anthropic API key", token: `sk-ant-api03-${alnum(40)}-${alnum(30, 2)}_${alnum(21)}AA` },
  { kind: "OpenAI API key", token: `sk-${alnum(20)}T3BlbkFJ${alnum(20, 1)}` },
  { kind: "OpenAI API key", token: `sk-proj-${alnum(48, 5)}` },
  // Project and service-account keys are base64url: "-" and "_" inside.
  { kind: "OpenAI API key", token: `sk-proj-${alnum(30)}-${alnum(27, 1)}_T3BlbkFJ${alnum(40, 2)}` },
  { kind: "OpenAI API key", token: `sk-svcacct-${alnum(24)}_${alnum(50, 3)}` },
  { kind: "AWS access key", token: `AKIA${alnum(16).toUpperCase()}` },
  { kind: "AWS access key", token: `ASIA${alnum(16, 1).toUpperCase()}` },
  { kind: "Slack token", token: `xoxb-${alnum(12)}-${alnum(13, 1)}-${alnum(24, 2)}` },
  { kind: "Slack token", token: `xoxp-${alnum(12, 3)}-${alnum(13)}` },
  { kind: "Google API key", token: `AIza${alnum(35, 6)}` },
  { kind: "Stripe key", token: `sk_live_${alnum(24)}` },
  { kind: "Stripe key", token: `rk_live_${alnum(99, 1)}` },
  { kind: "Hugging Face token", token: `hf_${alnum(34)}` },
  {
    kind: "JSON web token",
    token: `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${alnum(43)}`,
  },
];

describe("redactSecrets", () => {
  describe.each(tokens)("$kind ($token)", ({ kind, token }) => {
    it("is replaced whole, inside prose and code, and reported by its kind", () => {
      const text = `Found in config.ts:\n  const key = "${token}";\nand again (${token}).`;
      const { text: out, found } = redactSecrets(text, []);
      expect(out).toBe(
        `Found in config.ts:\n  const key = "[redacted ${kind}]";\nand again ([redacted ${kind}]).`,
      );
      expect(found).toEqual([kind]);
    });
  });

  it("redacts any private key in PEM form, to its END line, or to the end when cut short", () => {
    const body = `${alnum(64)}\n${alnum(64, 1)}\n${alnum(20, 2)}==`;
    for (const type of ["RSA ", "EC ", "OPENSSH ", "ENCRYPTED ", ""]) {
      const pem = `-----BEGIN ${type}PRIVATE KEY-----\n${body}\n-----END ${type}PRIVATE KEY-----`;
      expect(redactSecrets(`key:\n${pem}\nafter`, [])).toEqual({
        text: "key:\n[redacted private key]\nafter",
        found: ["private key"],
      });
    }
    const cut = `-----BEGIN RSA PRIVATE KEY-----\n${alnum(64)}\n${alnum(30, 1)}`;
    expect(redactSecrets(`see ${cut}`, []).text).toBe("see [redacted private key]");
  });

  it("reports each kind once, in the order the kinds are checked", () => {
    const text = `ghp_${alnum(36)} AKIA${alnum(16).toUpperCase()} ghp_${alnum(36, 9)}`;
    expect(redactSecrets(text, [])).toEqual({
      text: "[redacted GitHub token] [redacted AWS access key] [redacted GitHub token]",
      found: ["GitHub token", "AWS access key"],
    });
  });

  describe("the App's own secrets", () => {
    const webhookSecret = "w3bh00k-s3cr3t-value";
    const apiKey = `sk-ant-api03-${alnum(60, 7)}`;

    it("are replaced wherever their exact value appears", () => {
      const { text, found } = redactSecrets(`secret=${webhookSecret}; again ${webhookSecret}`, [
        webhookSecret,
      ]);
      expect(text).toBe("secret=[redacted credential]; again [redacted credential]");
      expect(found).toEqual(["Revue's own credentials"]);
    });

    it("win over the token patterns: an own API key is reported as Revue's own", () => {
      expect(redactSecrets(`key ${apiKey}`, [apiKey])).toEqual({
        text: "key [redacted credential]",
        found: ["Revue's own credentials"],
      });
    });

    it("include every long line of the private key, alone: a partial leak counts", () => {
      const pem = testPrivateKey();
      const lines = pem.trim().split("\n");
      const middle = lines[Math.floor(lines.length / 2)]!;
      expect(middle.length).toBeGreaterThanOrEqual(16);
      expect(middle).not.toMatch(/^-----/);
      const { text, found } = redactSecrets(`The test fixture has\n${middle}\nin it.`, [pem]);
      expect(text).toBe("The test fixture has\n[redacted credential]\nin it.");
      expect(text).not.toContain(middle);
      expect(found).toEqual(["Revue's own credentials"]);
    });

    it("include the lines of a key written with literal \\n, as in an env file", () => {
      const pem = testPrivateKey();
      const escaped = pem.trim().replaceAll("\n", "\\n");
      const second = pem.trim().split("\n")[1]!;
      expect(redactSecrets(`x ${second} y`, [escaped]).text).toBe("x [redacted credential] y");
    });

    it("include every line of a key with CRLF line endings", () => {
      const pem = testPrivateKey().replaceAll("\n", "\r\n");
      const third = testPrivateKey().split("\n")[2]!;
      expect(redactSecrets(`x ${third} y`, [pem]).text).toBe("x [redacted credential] y");
    });

    it("are matched without the whitespace around them, as read from a file or an env var", () => {
      // 12 characters: too short to count as a line of a key, so only the trimmed value matches.
      expect(redactSecrets("the secret s3cr3t-value leaked", ["  s3cr3t-value\n"]).text).toBe(
        "the secret [redacted credential] leaked",
      );
    });

    it("count from 8 characters, and a key's lines from 16", () => {
      expect(redactSecrets("x 8charsXY y", ["8charsXY"]).text).toBe("x [redacted credential] y");
      const line16 = alnum(16, 4);
      const pem = `-----BEGIN RSA PRIVATE KEY-----\n${alnum(64)}\n${line16}\n-----END RSA PRIVATE KEY-----`;
      expect(redactSecrets(`x ${line16} y`, [pem]).text).toBe("x [redacted credential] y");
    });

    it("include the lines of an indented key, quoted without the indentation", () => {
      const line = alnum(64, 5);
      const indented = `  -----BEGIN RSA PRIVATE KEY-----\n  ${line}\n  -----END RSA PRIVATE KEY-----`;
      expect(redactSecrets(`const k = "${line}";`, [indented]).text).toBe(
        'const k = "[redacted credential]";',
      );
    });

    it("ignore secrets too short to be told from ordinary text, and short or marker lines", () => {
      const shortSecret = "abc1234";
      const pem = `-----BEGIN RSA PRIVATE KEY-----\n${alnum(15)}\n-----END RSA PRIVATE KEY-----`;
      const text = `${shortSecret} and ${alnum(15)} and -----END RSA PRIVATE KEY----- stay`;
      expect(redactSecrets(text, [shortSecret, "   ", pem])).toEqual({ text, found: [] });
    });
  });

  it("leaves innocent text alone", () => {
    const innocent = [
      "Set GITHUB_TOKEN in the workflow; a token starts with ghp_ and is 40 characters long.",
      "The task-antelope-coordinator-service-name is long but not a key (task-ant-...).",
      "Commit 3ee6c52f0e4b8d1a9c7e6f5d4c3b2a1908f7e6d5, id 123e4567-e89b-12d3-a456-426614174000.",
      "AKIAEXAMPLE is too short; akia1234567890123456 is lower case; desk-" + alnum(40) + ".",
      "hf_hub_download(repo_id) and sk_test_" + alnum(24) + " are fine.",
      "eyJhbGciOi alone is only a header. xoxb- without a body. AIza" + alnum(10) + ".",
      `-----BEGIN PUBLIC KEY-----\n${alnum(64)}\n-----END PUBLIC KEY-----`,
      `-----BEGIN CERTIFICATE-----\n${alnum(64, 1)}\n-----END CERTIFICATE-----`,
      "Unicode stays: naïve café 日本語 👍🏽, and so does `const x = 1;`.",
    ].join("\n");
    expect(redactSecrets(innocent, ["an-unrelated-own-secret"])).toEqual({
      text: innocent,
      found: [],
    });
  });
});
