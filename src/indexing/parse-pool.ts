import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ParsedFile } from "./parse-file-for-index.ts";

/** Parses files for the index off the caller's thread (parse-file-for-index.ts). */
export type ParsePool = {
  /** Rejects with ParseWorkerError when a worker stops, or with the error the parse threw. */
  parse(path: string, text: string): Promise<ParsedFile>;
  /** Stops the workers; parses still waiting reject. Safe to call twice. */
  close(): Promise<void>;
};

/**
 * A parse worker stopped (it crashed, ran out of memory or was terminated) while files were
 * waiting for it. The index run fails with it, so the job is retried, rather than waiting for an
 * answer that cannot come.
 */
export class ParseWorkerError extends Error {
  override name = "ParseWorkerError";
}

/** One worker fewer than the machine has cores (at least one): the caller's thread has work too. */
export function defaultParseWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

type Task = { resolve(file: ParsedFile): void; reject(error: Error): void; path: string };

/**
 * Starts `size` worker threads running `workerUrl` (parse-worker.ts; tests give a stand-in). Each
 * parse goes to the worker with the fewest waiting. When any worker stops before `close`, every
 * waiting and later parse rejects with ParseWorkerError naming a file it was parsing: the pool
 * never hangs. The caller must `close` it: running workers keep the process alive.
 */
export function createParsePool(
  size: number = defaultParseWorkers(),
  workerUrl: URL = new URL("./parse-worker.ts", import.meta.url),
): ParsePool {
  let nextId = 0;
  let failure: ParseWorkerError | null = null;
  let closing = false;
  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(workerUrl);
    const tasks = new Map<number, Task>();
    const stop = (why: string, cause?: unknown) => {
      if (closing) return;
      const waiting = [...tasks.values()];
      failure ??= new ParseWorkerError(
        `A parse worker stopped (${why})${waiting.length > 0 ? ` while parsing ${waiting[0]!.path}` : ""}; the index run fails and the job will retry`,
        { cause },
      );
      tasks.clear();
      for (const task of waiting) task.reject(failure);
    };
    worker.on("message", (answer: { id: number; file?: ParsedFile; error?: string }) => {
      const task = tasks.get(answer.id);
      if (!task) return;
      tasks.delete(answer.id);
      if (answer.file) task.resolve(answer.file);
      else task.reject(new Error(answer.error ?? "parse failed"));
    });
    worker.on("error", (error) => stop(`error: ${error.message}`, error));
    worker.on("messageerror", (error) => stop(`unreadable message: ${error.message}`, error));
    worker.on("exit", (code) => stop(`exit code ${code}`));
    return { worker, tasks };
  });

  return {
    parse(path, text) {
      if (failure) return Promise.reject(failure);
      if (closing) return Promise.reject(new Error("the parse pool is closed"));
      const target = workers.reduce((a, b) => (b.tasks.size < a.tasks.size ? b : a));
      const id = nextId++;
      return new Promise<ParsedFile>((resolve, reject) => {
        target.tasks.set(id, { resolve, reject, path });
        target.worker.postMessage({ id, path, text });
      });
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const { tasks } of workers) {
        for (const task of tasks.values()) task.reject(new Error("the parse pool was closed"));
        tasks.clear();
      }
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}
