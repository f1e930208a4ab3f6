import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/** Modules that exist only to test other code may import the test runner. */
const TEST_SUPPORT = /(\.test\.ts|Contract\.ts|^testing\.ts|testNetwork\.ts)$/;
const ALLOWED = /^(yjs|lib0(\/.*)?|\.{1,2}\/.*)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("the engine is isomorphic", () => {
  it("imports yjs and lib0 and nothing else (no Node built-ins, no DOM libraries)", () => {
    const root = new URL(".", import.meta.url).pathname;
    const offenders: string[] = [];
    for (const file of sourceFiles(root)) {
      const name = relative(root, file);
      if (TEST_SUPPORT.test(name.split("/").pop() ?? name)) continue;
      const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
      for (const match of text.matchAll(/(?:import|export)[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
        const specifier = match[1] ?? match[2] ?? "";
        if (!ALLOWED.test(specifier)) offenders.push(`${name} imports ${specifier}`);
      }
      for (const global of [/\bprocess\.(env|argv|exit|cwd)/, /\brequire\(/, /\bwindow\./, /\bdocument\.(createElement|querySelector|getElementById|body)/, /\bBuffer\./]) {
        if (global.test(text)) offenders.push(`${name} uses ${global.source}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
