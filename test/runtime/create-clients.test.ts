import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/config/read-config.ts";
import type { Embedder } from "../../src/embeddings/embedder.ts";
import { createClients, type Clients } from "../../src/runtime/create-clients.ts";
import { modulesLoaded } from "../helpers/modules-loaded.ts";
import { silentLogger } from "../helpers/silent-logger.ts";

const log = silentLogger();
const withKey = readConfig({
  ANTHROPIC_API_KEY: "sk-ant-test-0123456789abcdefghijklmnop",
  REVUE_MODEL: "claude-test-model",
});

describe("createClients", () => {
  it("builds no model without ANTHROPIC_API_KEY, and the local embedder by default", () => {
    const clients = createClients(readConfig({}), log);
    expect(clients.model).toBeNull();
    expect(clients.conversationModel).toBeNull();
    expect(clients.embedder.model).toMatch(/^local-/);
  });

  it("builds both models from configuration when the key is set", () => {
    const clients = createClients(withKey, log);
    expect(clients.model?.id).toBe("claude-test-model");
    expect(clients.conversationModel?.id).toBe("claude-test-model");
  });

  it("uses the clients it is given instead, and a null model given stays null", () => {
    const model: NonNullable<Clients["model"]> = {
      id: "fake",
      review: async () => Promise.reject(new Error("unused")),
    };
    const embedder: Embedder = { model: "fake-embedder", dimensions: 3, embed: async () => [] };
    const clients = createClients(withKey, log, { model, embedder, conversationModel: null });
    expect(clients.model).toBe(model);
    expect(clients.embedder).toBe(embedder);
    expect(clients.conversationModel).toBeNull();
  });

  // An idle server never calls a model: each provider's SDK (with its AWS or Google dependencies,
  // 13-17 MiB of an idle server's memory together) is imported at the first request, and only the error
  // classes are loaded before.
  it("builds every provider's models without loading its SDK", () => {
    const priced = { REVUE_MODEL: "m", REVUE_MODEL_PRICES: '{"m":{"input":0,"output":0}}' };
    const envs = [
      {
        ANTHROPIC_API_KEY: "sk-ant-test-0123456789abcdefghijklmnop",
        REVUE_FALLBACK_MODEL: "claude-haiku-4-5",
      },
      { REVUE_PROVIDER: "bedrock", AWS_REGION: "eu-west-1", ...priced },
      {
        REVUE_PROVIDER: "vertex",
        ANTHROPIC_VERTEX_PROJECT_ID: "acme-ml",
        CLOUD_ML_REGION: "global",
        ...priced,
      },
      { REVUE_PROVIDER: "openai", OPENAI_API_KEY: "sk-test", ...priced },
    ];
    // The server's whole module graph, then every client for each provider.
    const loaded = modulesLoaded(`
      await import("./src/runtime/start-revue.ts");
      const { readConfig } = await import("./src/config/read-config.ts");
      const { createClients } = await import("./src/runtime/create-clients.ts");
      const { pino } = await import("pino");
      for (const env of ${JSON.stringify(envs)}) {
        const clients = createClients(readConfig(env), pino({ level: "silent" }));
        if (!clients.model || !clients.conversationModel) throw new Error("no model built");
      }
    `);
    const sdks = loaded
      .map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url))
      .filter((match) => match !== null)
      .filter(([, name]) =>
        ["@anthropic-ai/", "openai", "@aws-sdk/", "@smithy/", "google-auth-library"].some(
          (prefix) => name!.startsWith(prefix),
        ),
      )
      .map(([, name, file]) => `${name}/${file}`);
    expect(sdks.sort()).toEqual([
      "@anthropic-ai/sdk/core/error.mjs",
      "@anthropic-ai/sdk/internal/errors.mjs",
      "openai/core/error.mjs",
      "openai/internal/errors.mjs",
    ]);
  });
});
