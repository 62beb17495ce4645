import { createHmac } from "node:crypto";
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from "aws-lambda";

/** GitHub's delivery headers, signed with `secret` (or carrying `signature` as given). */
export function githubHeaders(
  body: string,
  options: { secret: string; event?: string; deliveryId?: string; signature?: string },
): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "User-Agent": "GitHub-Hookshot/test",
    "X-GitHub-Event": options.event ?? "pull_request",
    "X-GitHub-Delivery": options.deliveryId ?? "delivery-lambda",
    "X-Hub-Signature-256":
      options.signature ??
      `sha256=${createHmac("sha256", options.secret).update(body).digest("hex")}`,
  };
}

/** An API Gateway REST API (payload format 1.0) event, headers in the sender's case. */
export function restApiEvent(
  body: string,
  headers: Record<string, string>,
  options: { base64?: boolean; method?: string } = {},
): APIGatewayProxyEvent {
  return {
    resource: "/webhooks",
    path: "/webhooks",
    httpMethod: options.method ?? "POST",
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: "123456789012",
      apiId: "abcdef",
      httpMethod: options.method ?? "POST",
      path: "/prod/webhooks",
      protocol: "HTTP/1.1",
      requestId: "req-1",
      requestTimeEpoch: Date.now(),
      resourceId: "res",
      resourcePath: "/webhooks",
      stage: "prod",
      authorizer: undefined,
      identity: { sourceIp: "140.82.112.1", userAgent: "GitHub-Hookshot/test" },
    } as unknown as APIGatewayProxyEvent["requestContext"],
    body: options.base64 ? Buffer.from(body).toString("base64") : body,
    isBase64Encoded: options.base64 ?? false,
  };
}

/** An API Gateway HTTP API / function URL (payload format 2.0) event: header names lower-case. */
export function httpApiEvent(
  body: string,
  headers: Record<string, string>,
  options: { base64?: boolean; method?: string } = {},
): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "POST /webhooks",
    rawPath: "/webhooks",
    rawQueryString: "",
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    requestContext: {
      accountId: "123456789012",
      apiId: "abcdef",
      domainName: "abcdef.execute-api.eu-west-1.amazonaws.com",
      domainPrefix: "abcdef",
      http: {
        method: options.method ?? "POST",
        path: "/webhooks",
        protocol: "HTTP/1.1",
        sourceIp: "140.82.112.1",
        userAgent: "GitHub-Hookshot/test",
      },
      requestId: "req-2",
      routeKey: "POST /webhooks",
      stage: "$default",
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body: options.base64 ? Buffer.from(body).toString("base64") : body,
    isBase64Encoded: options.base64 ?? false,
  };
}

/** A Lambda context whose remaining time counts down from `ms` in real time. */
export function lambdaContext(ms: number): Context {
  const deadline = Date.now() + ms;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: "revue-test",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:revue-test",
    memoryLimitInMB: "512",
    awsRequestId: "aws-req-1",
    logGroupName: "/aws/lambda/revue-test",
    logStreamName: "stream",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
