import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";

export type TarEntry =
  | { path: string; content: string | Buffer }
  | { path: string; symlink: string }
  | { path: string; hardlink: string }
  | { path: string; directory: true };

/**
 * A gzipped tar laid out like GitHub's tarball of a repository: a header entry, then every entry
 * under `owner-repo-sha7/`.
 */
export async function makeTarball(top: string, entries: TarEntry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on("data", (chunk) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    archive.on("end", resolve);
    archive.on("error", reject);
  });
  // GitHub's first entry is a pax global header (typeflag g) named pax_global_header; tar-stream
  // cannot write one, so a plain entry of that name sits in its place, outside the top folder.
  archive.entry({ name: "pax_global_header" }, "52 comment=0000\n");
  archive.entry({ name: `${top}/`, type: "directory" });
  for (const entry of entries) {
    const name = `${top}/${entry.path}`;
    if ("content" in entry) archive.entry({ name }, entry.content);
    else if ("symlink" in entry) archive.entry({ name, type: "symlink", linkname: entry.symlink });
    else if ("hardlink" in entry) archive.entry({ name, type: "link", linkname: entry.hardlink });
    else archive.entry({ name: `${name}/`, type: "directory" });
  }
  archive.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}
