/**
 * A repository's choice of model (`model:` in `.github/revue.yml`) against the models the operator
 * allows: the model when allowed, else null (the configured model is used) and the problem to show
 * on the check run. A name only selects among the operator's models on the operator's endpoint,
 * so a repository can never send its code anywhere new. Pure.
 */
export function checkRepositoryModel(
  requested: string | null,
  allowed: readonly string[],
): { model: string | null; problem: string | null } {
  if (requested === null || allowed.includes(requested)) return { model: requested, problem: null };
  return {
    model: null,
    problem: `model: "${requested}" is not one of the models this Revue allows (${allowed.join(", ")}); the default model was used. Ask its operator to add it to REVUE_ALLOWED_MODELS`,
  };
}
