import type pg from "pg";
import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import type { Database } from "../db/open-database.ts";
import { createEnqueueFunctions } from "../queue/create-enqueue-functions.ts";
import type { EnqueueOutcome, IntakeEntry } from "./intake-entry.ts";
import { recordAndEnqueueAlone } from "./record-and-enqueue-alone.ts";
import { recordAndEnqueueBatch } from "./record-and-enqueue-batch.ts";

/** At most this many deliveries in one transaction. */
export const MAX_BATCH = 64;

export type GroupCommitOptions = {
  /**
   * How long the first delivery of a batch waits for others (REVUE_INTAKE_BATCH_MS). 0 writes at
   * once what has arrived, which still groups the deliveries that came while a batch committed.
   */
  batchMs: number;
  maxBatch?: number;
  /**
   * Batches being written at once. Deliveries that arrive while this many commit wait for the next
   * batch: the busier the database, the larger the batches. PGlite has one connection: 1.
   */
  maxInFlight?: number;
};

export type GroupCommitIntake = {
  /**
   * Records the delivery and enqueues its jobs; resolves with its outcome only after the commit
   * that stored them (so an HTTP 2xx sent then is durable). Rejects, for this delivery alone,
   * with what the database threw when it could not be stored.
   */
  write(entry: IntakeEntry): Promise<EnqueueOutcome>;
  /** Writes what is pending at once and resolves when every batch has committed or failed. */
  close(): Promise<void>;
};

type Pending = {
  entry: IntakeEntry;
  resolve(outcome: EnqueueOutcome): void;
  reject(error: unknown): void;
};

/**
 * Group commit for webhook intake: deliveries arriving together are written in one transaction
 * (recordAndEnqueueBatch: one statement, through the enqueue functions made here), one commit
 * and worker wake-up per batch instead of per delivery. A batch goes when it is full, when its
 * first delivery has waited `batchMs`, or, while `maxInFlight` batches are committing, as soon as
 * one of them ends.
 * When a batch fails, each of its deliveries is written alone, so one bad delivery fails only its
 * own request and the others are answered as if there had been no batch.
 */
export function createGroupCommitIntake(
  deps: { db: Database; boss: PgBoss; log: Logger; pool?: pg.Pool | undefined },
  options: GroupCommitOptions,
): GroupCommitIntake {
  const maxBatch = options.maxBatch ?? MAX_BATCH;
  const batchDeps = {
    ...deps,
    enqueueFunctions: createEnqueueFunctions(deps.db),
  };
  const maxInFlight = options.maxInFlight ?? 2;
  let pending: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closing = false;
  const inFlight = new Set<Promise<void>>();

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    while (pending.length > 0 && inFlight.size < maxInFlight) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(batch.length);
      const written: Promise<void> = writeBatch(batch).finally(() => {
        inFlight.delete(written);
        // What arrived meanwhile has waited already: it goes now.
        if (pending.length > 0) flush();
      });
      inFlight.add(written);
    }
  };

  const writeBatch = async (batch: Pending[]) => {
    try {
      const outcomes = await recordAndEnqueueBatch(
        batchDeps,
        batch.map((p) => p.entry),
      );
      batch.forEach((p, index) => p.resolve(outcomes[index]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      deps.log.warn(
        { err: error, deliveries: batch.length },
        "a batch of deliveries failed: writing each alone",
      );
      await Promise.all(
        batch.map((p) =>
          recordAndEnqueueAlone(deps, p.entry.delivery, p.entry.jobs).then(p.resolve, p.reject),
        ),
      );
    }
  };

  return {
    write: (entry) =>
      new Promise<EnqueueOutcome>((resolve, reject) => {
        pending.push({ entry, resolve, reject });
        if (closing || options.batchMs === 0 || pending.length >= maxBatch) flush();
        else timer ??= setTimeout(flush, options.batchMs);
      }),
    close: async () => {
      closing = true;
      flush();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
