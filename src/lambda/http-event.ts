import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from "aws-lambda";

/** An API Gateway REST (payload v1) or HTTP API / Function URL (payload v2) event. */
export type HttpEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

/** What both shapes answer with. */
export type HttpResult = {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};

/** An HTTP request read from either event shape: method, path, lower-case headers, decoded body. */
export type HttpRequest = {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The body as GitHub sent it, base64 decoded when API Gateway encoded it. */
  body: Buffer;
};

/**
 * Reads an API Gateway event of either payload version. Header names are lower-cased (API Gateway
 * v1 keeps the sender's case); a base64 body (`isBase64Encoded`) is decoded, so the bytes are the
 * ones GitHub signed.
 */
export function readHttpEvent(event: HttpEvent): HttpRequest {
  const v2 = "requestContext" in event && event.requestContext && "http" in event.requestContext;
  const method = v2
    ? (event as APIGatewayProxyEventV2).requestContext.http.method
    : (event as APIGatewayProxyEvent).httpMethod;
  const path = v2
    ? (event as APIGatewayProxyEventV2).rawPath
    : (event as APIGatewayProxyEvent).path;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (typeof value === "string") headers[name.toLowerCase()] = value;
  }
  const raw = event.body ?? "";
  const body = event.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8");
  return { method: (method ?? "GET").toUpperCase(), path: path ?? "/", headers, body };
}

/** A JSON answer in the shape both payload versions accept. */
export function jsonResult(statusCode: number, body: unknown): HttpResult {
  return {
    statusCode,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}
