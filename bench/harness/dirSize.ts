/** Bytes on disk under a directory (sum of regular file sizes, recursively). */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

/** Total size in bytes of the regular files under `dir`. */
export function dirSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += dirSize(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}
