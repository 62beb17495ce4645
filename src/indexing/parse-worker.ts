import { parentPort } from "node:worker_threads";
import { parseFileForIndex } from "./parse-file-for-index.ts";

// A parse worker of parse-pool.ts: answers each { id, path, text } with { id, file } or
// { id, error }, in the order the parses finish.

if (!parentPort) throw new Error("parse-worker.ts runs as a worker thread (parse-pool.ts)");
const port = parentPort;
// One parse at a time, so that each file's parseMs is its own.
let queue: Promise<void> = Promise.resolve();
port.on("message", (task: { id: number; path: string; text: string }) => {
  queue = queue.then(async () => {
    try {
      port.postMessage({ id: task.id, file: await parseFileForIndex(task.path, task.text) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({ id: task.id, error: message });
    }
  });
});
