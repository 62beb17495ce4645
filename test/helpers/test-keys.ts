import { generateKeyPairSync } from "node:crypto";

let cached: string | undefined;

/** An RSA private key (PEM) for the fake GitHub App, made once per test process. */
export function testPrivateKey(): string {
  cached ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
    type: "pkcs1",
    format: "pem",
  }) as string;
  return cached;
}
