/**
 * What PostgreSQL refuses in text it stores, whatever the source (a model's answer, a patch, a
 * comment): the NUL character in `text` and `jsonb` ("invalid byte sequence for encoding UTF8:
 * 0x00", "unsupported Unicode escape sequence"), and a lone UTF-16 surrogate in `jsonb` (its
 * `\ud800` escape is refused). Revue stores untrusted text, so every value it writes goes through
 * here (storable-text-plugin.ts does it for every query), and a review is never lost to a byte.
 */

/** Stands for a character that could not be stored, as UTF-8 decoders do for bad bytes. */
const REPLACEMENT = "\uFFFD";

/** `text` with NUL and lone surrogates replaced by U+FFFD; the same string when it has none. */
export function toStorableText(text: string): string {
  const withoutNul = text.includes("\u0000") ? text.replaceAll("\u0000", REPLACEMENT) : text;
  return withoutNul.isWellFormed() ? withoutNul : withoutNul.toWellFormed();
}

/**
 * `value` with every string in it (object keys too) made storable, for the values the driver
 * serialises itself (arrays, objects as JSON). Dates, buffers and other instances are kept as they
 * are: they carry no text of ours.
 */
export function toStorableValue(value: unknown): unknown {
  if (typeof value === "string") return toStorableText(value);
  if (Array.isArray(value)) return value.map(toStorableValue);
  if (
    value !== null &&
    typeof value === "object" &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [toStorableText(key), toStorableValue(item)]),
    );
  }
  return value;
}

/**
 * JSON text a `jsonb` column accepts, whatever strings `value` holds. Use it instead of
 * JSON.stringify for jsonb: JSON.stringify writes NUL as the escape `\u0000`, which no later
 * cleaning of the text can tell from a backslash the data really had.
 */
export function toStorableJson(value: unknown): string {
  return JSON.stringify(toStorableValue(value));
}
