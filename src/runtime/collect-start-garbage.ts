import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export type StartGarbageCollected = {
  /** Bytes of V8 heap in use before and after, and the pause the collection took. */
  usedBefore: number;
  usedAfter: number;
  ms: number;
};

/**
 * One full garbage collection, for a long-running process once its start is over. Loading the
 * modules, migrating and starting the queue leave tens of MiB of garbage and a grown heap; V8's
 * memory reducer gives it back only after a minute or two of idleness, so an idle server just
 * started held 145 MiB on PostgreSQL, 119-121 MiB after this (bench/idle-memory.ts). The pause is
 * tens of milliseconds, before the server has work.
 *
 * `gc` is exposed only for this call, in a context of its own, and hidden again, so no other code
 * (nor a model-written snippet in some later feature) finds a `gc` to call. Never throws: the
 * collection is an optimisation, and a runtime that refuses the flag returns null.
 */
export function collectStartGarbage(): StartGarbageCollected | null {
  const usedBefore = getHeapStatistics().used_heap_size;
  const started = performance.now();
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("typeof gc === 'function' ? gc : undefined") as
      ((options?: { type: "major"; execution: "sync" }) => void) | undefined;
    if (!gc) return null;
    gc({ type: "major", execution: "sync" });
  } catch {
    return null;
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
  return {
    usedBefore,
    usedAfter: getHeapStatistics().used_heap_size,
    ms: performance.now() - started,
  };
}
