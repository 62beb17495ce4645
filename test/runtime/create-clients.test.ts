import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/config/read-config.ts";
import type { Embedder } from "../../src/embeddings/embedder.ts";
import { createClients, type Clients } from "../../src/runtime/create-clients.ts";
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
});
