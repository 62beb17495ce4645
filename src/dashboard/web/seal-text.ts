import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Encrypts `text` with AES-256-GCM under `key` (32 bytes): `v1.<iv>.<tag>.<ciphertext>`, base64url.
 * A fresh random IV each time, so the same token sealed twice reads differently.
 */
export function sealText(key: Buffer, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const encrypted = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), encrypted]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

/**
 * The text `sealText` sealed, or undefined when `sealed` was not made with this key (the secret was
 * rotated) or was altered: GCM's tag fails. Never throws.
 */
export function openSealedText(key: Buffer, sealed: string): string | undefined {
  const [version, iv, tag, encrypted] = sealed.split(".");
  if (version !== "v1" || iv === undefined || tag === undefined || encrypted === undefined) {
    return undefined;
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([
      decipher.update(Buffer.from(encrypted, "base64url")),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    return undefined;
  }
}
