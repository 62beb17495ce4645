import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_MODEL, readConfig } from "../../src/config/read-config.ts";

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
      readConfig({ NODE_ENV: "production", APP_ID: "12", PRIVATE_KEY: "k", WEBHOOK_SECRET: "s" }),
    ).not.toThrow();
  });

  it("rejects huggingface embeddings without a token or endpoint", () => {
    expect(() => readConfig({ REVUE_EMBEDDINGS: "huggingface" })).toThrow(/HF_TOKEN/);
  });

  it("treats an empty variable as unset", () => {
    expect(readConfig({ DATABASE_URL: "", PORT: "" }).database.kind).toBe("pglite");
  });
});

describe("log format", () => {
  it("is readable at a terminal outside production, JSON otherwise, unless set", () => {
    expect(readConfig({}, "/srv", true).logFormat).toBe("pretty");
    expect(readConfig({}, "/srv", false).logFormat).toBe("json");
    expect(
      readConfig(
        { NODE_ENV: "production", APP_ID: "1", PRIVATE_KEY: "k", WEBHOOK_SECRET: "s" },
        "/srv",
        true,
      ).logFormat,
    ).toBe("json");
    expect(readConfig({ LOG_FORMAT: "json" }, "/srv", true).logFormat).toBe("json");
  });
});
