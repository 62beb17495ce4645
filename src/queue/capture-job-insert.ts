import type { Db, JobInsert, PgBoss } from "pg-boss";
import type { JobName } from "./jobs.ts";

/** pg-boss's statement for one `insert`, held instead of run, and the way to answer it. */
export type CapturedJobInsert = {
  /** The statement pg-boss built: its one parameter, `$1`, is `payload`. */
  text: string;
  payload: unknown;
  /**
   * Hands pg-boss the rows the statement returned (or the error it failed with) and resolves with
   * what `insert` resolves with then: the ids of the jobs inserted, not absorbed by a queued job's
   * singleton key. Rejects with what `insert` rejects with.
   */
  settle(result: { rows: { id: string }[] } | { error: unknown }): Promise<string[]>;
};

/**
 * Runs pg-boss's `insert` of `jobs` up to its one statement and captures that statement, so the
 * caller can run it inside a larger one (record-and-enqueue-batch.ts runs a batch's deliveries
 * and its jobs as one statement). pg-boss still builds the payload and the SQL and reads the
 * answer; nothing is written until the caller runs the text and settles.
 * Rejects when `insert` fails before it reaches its statement (an unknown queue, say), or when it
 * asks for anything but one statement with one parameter: that would be a pg-boss this code does
 * not know, and the caller should enqueue the ordinary way.
 */
export function captureJobInsert(
  boss: PgBoss,
  name: JobName,
  jobs: JobInsert[],
): Promise<CapturedJobInsert> {
  return new Promise((captured, failed) => {
    let statements = 0;
    const db: Db = {
      executeSql: (text, values) => {
        statements += 1;
        if (statements > 1 || values?.length !== 1) {
          const error = new Error(
            `pg-boss's insert into ${name} ran ${statements} statements with ${values?.length ?? 0} parameters; one statement with one parameter was expected`,
          );
          failed(error);
          return Promise.reject(error);
        }
        return new Promise((answer, fail) =>
          captured({
            text,
            payload: values[0],
            settle: async (result) => {
              if ("rows" in result) answer({ rows: result.rows });
              else fail(result.error);
              return (await inserted) ?? [];
            },
          }),
        );
      },
    };
    const inserted = boss.insert(name, jobs, { db, returnId: true });
    // Once captured, `settle` reports how the insert ended; before, this is how it ended.
    inserted.catch(failed);
  });
}
