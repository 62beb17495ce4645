import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { extract } from "tar-stream";

/** One entry of a repository archive, its top folder (`owner-repo-sha/`) removed. */
export type ArchiveEntry =
  | { kind: "file"; path: string; size: number; read(): Promise<Buffer>; skip(): void }
  | { kind: "symlink" | "directory" | "other"; path: string };

/**
 * Reads a gzipped tar (GitHub's tarball of a repository) as a stream, yielding one entry at a time.
 * A file's bytes are read only when the caller calls `read()`; otherwise they are drained as the
 * iteration moves on, so a huge file is never held in memory. The top folder is stripped; the pax
 * header GitHub puts first is handled by tar-stream. Throws on a corrupt archive.
 */
export async function* readTarball(
  body: ReadableStream<Uint8Array> | NodeJS.ReadableStream | Buffer,
): AsyncGenerator<ArchiveEntry> {
  const source = Buffer.isBuffer(body)
    ? Readable.from([body])
    : body instanceof ReadableStream
      ? Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>)
      : (body as Readable);
  const tar = extract();
  const gunzip = createGunzip();
  source.on("error", (error) => gunzip.destroy(error));
  gunzip.on("error", (error) => tar.destroy(error));
  source.pipe(gunzip).pipe(tar);

  for await (const entry of tar) {
    const header = entry.header;
    const path = stripTopFolder(header.name);
    if (path === "") {
      entry.resume();
      continue;
    }
    if (header.type === "file" || header.type === "contiguous-file") {
      let consumed = false;
      yield {
        kind: "file",
        path,
        size: header.size ?? 0,
        read: async () => {
          consumed = true;
          const parts: Buffer[] = [];
          for await (const part of entry) parts.push(part as Buffer);
          return Buffer.concat(parts);
        },
        skip: () => {
          consumed = true;
          entry.resume();
        },
      };
      if (!consumed) entry.resume();
    } else {
      entry.resume();
      yield {
        kind:
          header.type === "symlink"
            ? "symlink"
            : header.type === "directory"
              ? "directory"
              : "other",
        path,
      };
    }
  }
}

function stripTopFolder(name: string): string {
  const slash = name.indexOf("/");
  return slash < 0 ? "" : name.slice(slash + 1).replace(/\/$/, "");
}
