import type { Selectable } from "kysely";
import type { Database } from "../db/open-database.ts";
import type { EvalCaseResultTable, EvalRunTable } from "../db/schema.ts";
import type { Scores } from "./score-eval-case.ts";

export type CaseResult = Scores & {
  key: string;
  title: string;
  reviewTokens: number;
  judgeTokens: number;
  costUsd: number;
  details: unknown;
  /** Why the case could not be scored; such a case is left out of the run's scores. */
  error: string | null;
};

export type RunRecord = Scores & {
  name: string | null;
  casesSource: string;
  reviewModel: string;
  judgeModel: string;
  reviewTokens: number;
  judgeTokens: number;
  costUsd: number;
  startedAt: Date;
};

export type StoredRun = Selectable<EvalRunTable> & { cases: Selectable<EvalCaseResultTable>[] };

/** Stores a finished run and its cases in one transaction; resolves with the run's id. */
export async function insertEvalRun(
  db: Database,
  run: RunRecord,
  cases: CaseResult[],
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto("eval_runs")
      .values({
        name: run.name,
        cases_source: run.casesSource,
        review_model: run.reviewModel,
        judge_model: run.judgeModel,
        true_positives: run.truePositives,
        candidates: run.candidates,
        golden: run.golden,
        precision: run.precision,
        recall: run.recall,
        f1: run.f1,
        review_tokens: run.reviewTokens,
        judge_tokens: run.judgeTokens,
        cost_usd: run.costUsd,
        started_at: run.startedAt,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (cases.length > 0) {
      await trx
        .insertInto("eval_case_results")
        .values(
          cases.map((c) => ({
            run_id: id,
            case_key: c.key,
            title: c.title,
            true_positives: c.truePositives,
            candidates: c.candidates,
            golden: c.golden,
            precision: c.precision,
            recall: c.recall,
            f1: c.f1,
            review_tokens: c.reviewTokens,
            judge_tokens: c.judgeTokens,
            cost_usd: c.costUsd,
            details: JSON.stringify(c.details),
            error: c.error,
          })),
        )
        .execute();
    }
    return id;
  });
}

/**
 * The run with id `ref` (digits), else the newest run named `ref`, with its cases in the order they
 * were stored; undefined when there is none.
 */
export async function findEvalRun(db: Database, ref: string): Promise<StoredRun | undefined> {
  let query = db.selectFrom("eval_runs").selectAll();
  query = /^\d+$/.test(ref) ? query.where("id", "=", Number(ref)) : query.where("name", "=", ref);
  const run = await query.orderBy("id", "desc").limit(1).executeTakeFirst();
  if (!run) return undefined;
  const cases = await db
    .selectFrom("eval_case_results")
    .selectAll()
    .where("run_id", "=", run.id)
    .orderBy("case_key")
    .execute();
  return { ...run, cases };
}
