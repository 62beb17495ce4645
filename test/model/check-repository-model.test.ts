import { describe, expect, it } from "vitest";
import { checkRepositoryModel } from "../../src/model/check-repository-model.ts";
import { parseRepoConfig } from "../../src/repo-config/repo-config.ts";

const allowed = ["claude-sonnet-5-5", "claude-haiku-4-5"];

describe("checkRepositoryModel", () => {
  it("keeps an allowed choice, and no choice, without a problem", () => {
    expect(checkRepositoryModel("claude-haiku-4-5", allowed)).toEqual({
      model: "claude-haiku-4-5",
      problem: null,
    });
    expect(checkRepositoryModel(null, allowed)).toEqual({ model: null, problem: null });
  });

  it("drops a model the operator does not allow, naming the allowed ones and the variable", () => {
    const { model, problem } = checkRepositoryModel("gpt-4o", allowed);
    expect(model).toBeNull();
    expect(problem).toBe(
      'model: "gpt-4o" is not one of the models this Revue allows (claude-sonnet-5-5, claude-haiku-4-5); the default model was used. Ask its operator to add it to REVUE_ALLOWED_MODELS',
    );
  });

  it("reads `model` from .github/revue.yml as a name, never as an endpoint setting", () => {
    expect(parseRepoConfig("model: claude-haiku-4-5\n").config.model).toBe("claude-haiku-4-5");
    expect(parseRepoConfig("").config.model).toBeNull();
    expect(parseRepoConfig("base_url: https://evil.example\n").problems).toEqual([
      "unknown setting base_url (ignored)",
    ]);
  });
});
