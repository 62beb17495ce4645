// Types of index.mjs, the Lambda entry point.
export { webhookHandler, workerHandler } from "./lambda-handlers.ts";
