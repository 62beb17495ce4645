import { abortedError } from "./model-errors.ts";
import { raceAbort } from "./race-abort.ts";

/**
 * Waits `ms` with `sleep`; throws the `task`'s ModelRetryableError as soon as `signal` aborts
 * (at once if it already has), without waiting for `sleep` to end.
 */
export async function waitUnlessAborted(
  sleep: (ms: number) => Promise<void>,
  ms: number,
  signal: AbortSignal | undefined,
  task: string,
): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) throw abortedError(task, signal.reason);
  try {
    await raceAbort(sleep(ms), signal);
  } catch (error) {
    throw signal.aborted ? abortedError(task, signal.reason) : error;
  }
}
