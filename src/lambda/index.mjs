// The AWS Lambda entry point (template.yaml: `src/lambda/index.webhookHandler` and
// `src/lambda/index.workerHandler`). The Lambda runtime looks for .mjs/.js files; Node 24 loads the
// TypeScript behind it by stripping types, as `npm start` does.
export { webhookHandler, workerHandler } from "./lambda-handlers.ts";
