/**
 * Writes the complete plugin of docs/plugins/building.md — its `package.json`,
 * `index.html` and `checklist.js` samples, unchanged — into a folder, so a
 * test can install a plugin built from that page alone (for example under
 * `$TAIKU_DATA_DIR/plugins/checklist`).
 *
 *   node sdk/scripts/plugin-from-docs.mjs <dir>
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const building = resolve(dirname(fileURLToPath(import.meta.url)), "../../docs/plugins/building.md");

/** The file each fenced sample language becomes; the first sample of each language is used. */
const FILES = { json: "package.json", html: "index.html", js: "checklist.js" };

/** Writes the plugin into `dir`; resolves with the paths written. */
export async function writeDocsPlugin(dir) {
  const text = await readFile(building, "utf8");
  const written = [];
  await mkdir(dir, { recursive: true });
  for (const [lang, name] of Object.entries(FILES)) {
    const match = new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```$", "m").exec(text);
    if (match === null) throw new Error(`docs/plugins/building.md has no \`${lang}\` sample for ${name}`);
    const file = join(dir, name);
    await writeFile(file, match[1]);
    written.push(file);
  }
  return written;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (dir === undefined) {
    console.error("usage: node sdk/scripts/plugin-from-docs.mjs <dir>");
    process.exitCode = 2;
  } else {
    console.log((await writeDocsPlugin(resolve(dir))).join("\n"));
  }
}
