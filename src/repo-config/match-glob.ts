/**
 * Whether `path` matches the gitignore-style `pattern`: `*` within a segment, `**` across
 * segments, `?` one character; a pattern without `/` matches the file name at any depth; a
 * pattern ending in `/` matches everything under that folder.
 */
export function matchGlob(pattern: string, path: string): boolean {
  let source = pattern.trim().replace(/^\.\//, "");
  if (source.endsWith("/")) source += "**";
  const anchored = source.includes("/") && !source.startsWith("**/");
  const body = globToRegex(source.replace(/^\//, ""));
  const regex = new RegExp(anchored ? `^${body}$` : `(^|/)${body}$`);
  return regex.test(path);
}

function globToRegex(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i]!;
    if (char === "*") {
      if (glob[i + 1] === "*") {
        const slash = glob[i + 2] === "/";
        out += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else {
        out += "[^/]*";
      }
    } else if (char === "?") {
      out += "[^/]";
    } else {
      out += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return out;
}
