import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_MODEL, readConfig } from "../../src/config/read-config.ts";
import { testPrivateKey } from "../helpers/test-keys.ts";

describe("readConfig", () => {
  it("defaults to the embedded database, workers in process, and the current Sonnet", () => {
    const config = readConfig({}, "/srv/revue");
    expect(config.database).toEqual({ kind: "pglite", dataDir: "/srv/revue/.revue-data" });
    expect(config.workers.inProcess).toBe(true);
    expect(config.model.id).toBe(DEFAULT_MODEL);
    expect(DEFAULT_MODEL).not.toMatch(/sonnet-4-5/);
    expect(config.github.apiBaseUrl).toBe("https://api.github.com");
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("reads a server, a data dir and GitHub Enterprise", () => {
    const config = readConfig({
      DATABASE_URL: "postgres://u:p@db:5432/revue",
      DATABASE_POOL_MAX: "3",
      GHE_HOST: "ghe.example.com",
      GHE_PROTOCOL: "http",
      REVUE_WORKERS: "false",
    });
    expect(config.database).toMatchObject({ kind: "postgres", poolMax: 3 });
    expect(config.github.apiBaseUrl).toBe("http://ghe.example.com/api/v3");
    expect(config.workers.inProcess).toBe(false);
  });

  it("names each malformed variable and what was given", () => {
    expect(() =>
      readConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", REVUE_WORKERS: "maybe" }),
    ).toThrow(ConfigError);
    try {
      readConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", REVUE_WORKERS: "maybe" });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain("PORT");
      expect(message).toContain('"eighty"');
      expect(message).toContain("DATABASE_URL: must be a postgres:// connection string");
      expect(message).toContain("REVUE_WORKERS: must be true or false");
    }
  });

  it("requires the App credentials in production, naming each one", () => {
    expect(() => readConfig({ NODE_ENV: "production" })).toThrow(
      /APP_ID[\s\S]*PRIVATE_KEY or PRIVATE_KEY_PATH[\s\S]*WEBHOOK_SECRET/,
    );
    expect(() =>
      readConfig({
        NODE_ENV: "production",
        APP_ID: "12",
        PRIVATE_KEY: testPrivateKey(),
        WEBHOOK_SECRET: "s",
      }),
    ).not.toThrow();
  });

  it("refuses App credentials without WEBHOOK_SECRET outside production too, saying what to set", () => {
    for (const NODE_ENV of ["development", "test"]) {
      expect(() => readConfig({ NODE_ENV, APP_ID: "12", PRIVATE_KEY: testPrivateKey() })).toThrow(
        /WEBHOOK_SECRET is missing[\s\S]*Webhook secret/,
      );
    }
    // The setup page (no App yet) still starts without one.
    expect(readConfig({ NODE_ENV: "development" }).github.webhookSecret).toBeUndefined();
  });

  it("rejects huggingface embeddings without a token or endpoint", () => {
    expect(() => readConfig({ REVUE_EMBEDDINGS: "huggingface" })).toThrow(/HF_TOKEN/);
  });

  it("gives running jobs 20 s at shutdown unless REVUE_SHUTDOWN_GRACE_SECONDS says otherwise", () => {
    expect(readConfig({}).workers.shutdownGraceSeconds).toBe(20);
    expect(readConfig({ REVUE_SHUTDOWN_GRACE_SECONDS: "0" }).workers.shutdownGraceSeconds).toBe(0);
    expect(readConfig({ REVUE_SHUTDOWN_GRACE_SECONDS: "7.5" }).workers.shutdownGraceSeconds).toBe(
      7.5,
    );
    expect(() => readConfig({ REVUE_SHUTDOWN_GRACE_SECONDS: "soon" })).toThrow(
      /REVUE_SHUTDOWN_GRACE_SECONDS: must be a number of seconds, such as 20 \(got "soon"\)/,
    );
    expect(() => readConfig({ REVUE_SHUTDOWN_GRACE_SECONDS: "-1" })).toThrow(
      /REVUE_SHUTDOWN_GRACE_SECONDS: must be between 0 and 3600 seconds/,
    );
  });

  it("waits 2 ms for a batch of deliveries unless REVUE_INTAKE_BATCH_MS says otherwise", () => {
    expect(readConfig({}).intake.batchMs).toBe(2);
    expect(readConfig({ REVUE_INTAKE_BATCH_MS: "0" }).intake.batchMs).toBe(0);
    expect(() => readConfig({ REVUE_INTAKE_BATCH_MS: "soon" })).toThrow(
      /REVUE_INTAKE_BATCH_MS: must be a number of milliseconds, such as 2 \(got "soon"\)/,
    );
    expect(() => readConfig({ REVUE_INTAKE_BATCH_MS: "5000" })).toThrow(
      /REVUE_INTAKE_BATCH_MS: must be between 0 and 1000 ms/,
    );
  });

  it("treats an empty variable as unset", () => {
    expect(readConfig({ DATABASE_URL: "", PORT: "" }).database.kind).toBe("pglite");
  });
});

describe("the App's private key", () => {
  const pem = testPrivateKey();

  it("reads PRIVATE_KEY as given, or with the newlines escaped as a .env line has them", () => {
    expect(readConfig({ PRIVATE_KEY: pem }).github.privateKey).toBe(pem);
    expect(readConfig({ PRIVATE_KEY: pem.replace(/\n/g, "\\n") }).github.privateKey).toBe(pem);
  });

  it("reads the file PRIVATE_KEY_PATH names, relative to the working directory", () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "revue-config-"));
    writeFileSync(path.join(cwd, "app.private-key.pem"), pem);
    expect(readConfig({ PRIVATE_KEY_PATH: "app.private-key.pem" }, cwd).github.privateKey).toBe(
      pem,
    );
    // Without either variable, the one .pem file in the directory (Probot's rule).
    expect(readConfig({}, cwd).github.privateKey).toBe(pem);
  });

  it("fails at start, naming the variable, when the key cannot be read", () => {
    expect(() => readConfig({ PRIVATE_KEY: "not a key" })).toThrow(ConfigError);
    expect(() => readConfig({ PRIVATE_KEY: "not a key" })).toThrow(/^PRIVATE_KEY/);
    expect(() => readConfig({ PRIVATE_KEY_PATH: "missing.pem" }, tmpdir())).toThrow(
      /PRIVATE_KEY_PATH[\s\S]*missing\.pem/,
    );
  });

  it("is undefined when there is none (development then starts the setup page)", () => {
    expect(readConfig({}, "/srv/revue").github.privateKey).toBeUndefined();
  });
});

describe("webhook proxy", () => {
  it("reads WEBHOOK_PROXY_URL, and rejects what is not a URL", () => {
    expect(readConfig({ WEBHOOK_PROXY_URL: "https://smee.io/abc" }).github.webhookProxyUrl).toBe(
      "https://smee.io/abc",
    );
    expect(readConfig({}).github.webhookProxyUrl).toBeUndefined();
    expect(() => readConfig({ WEBHOOK_PROXY_URL: "smee channel" })).toThrow(
      /WEBHOOK_PROXY_URL: must be a URL/,
    );
  });
});

describe("log format", () => {
  it("is readable at a terminal outside production, JSON otherwise, unless set", () => {
    expect(readConfig({}, "/srv", true).logFormat).toBe("pretty");
    expect(readConfig({}, "/srv", false).logFormat).toBe("json");
    expect(
      readConfig(
        {
          NODE_ENV: "production",
          APP_ID: "1",
          PRIVATE_KEY: testPrivateKey(),
          WEBHOOK_SECRET: "s",
        },
        "/srv",
        true,
      ).logFormat,
    ).toBe("json");
    expect(readConfig({ LOG_FORMAT: "json" }, "/srv", true).logFormat).toBe("json");
  });
});

describe("dashboard sign-in", () => {
  it("reads the App's OAuth client, the dashboard secret and where people sign in", () => {
    const config = readConfig({
      GITHUB_CLIENT_ID: "Iv1.abc",
      GITHUB_CLIENT_SECRET: "shh",
      REVUE_DASHBOARD_SECRET: "x".repeat(32),
      REVUE_TRUST_PROXY: "true",
    });
    expect(config.dashboard).toEqual({
      oauth: { clientId: "Iv1.abc", clientSecret: "shh" },
      secret: "x".repeat(32),
      webBaseUrl: "https://github.com",
    });
    expect(config.http.trustProxy).toBe(true);
    const enterprise = readConfig({ GHE_HOST: "ghe.example.com" });
    expect(enterprise.dashboard).toEqual({
      oauth: undefined,
      secret: undefined,
      webBaseUrl: "https://ghe.example.com",
    });
    expect(enterprise.http.trustProxy).toBe(false);
  });

  it("refuses a client id without its secret (and the reverse), naming the missing one", () => {
    expect(() => readConfig({ GITHUB_CLIENT_ID: "Iv1.abc" })).toThrow(
      /GITHUB_CLIENT_SECRET is missing/,
    );
    expect(() => readConfig({ GITHUB_CLIENT_SECRET: "shh" })).toThrow(
      /GITHUB_CLIENT_ID is missing/,
    );
  });

  it("refuses a short REVUE_DASHBOARD_SECRET", () => {
    expect(() => readConfig({ REVUE_DASHBOARD_SECRET: "short" })).toThrow(
      /REVUE_DASHBOARD_SECRET: must be at least 32 characters/,
    );
  });
});
