import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "./config";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("the server's JavaScript build (what npm start and the benchmarks run)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "taiku-build-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs without a TypeScript loader and finds the client, the SDK bundle and the bundled plugins where the sources do", () => {
    // Inside the server folder, as server/dist is, so npm packages resolve from server/ as they do for the sources.
    const outFile = path.join(root, "server", "dist", `test-${process.pid}.mjs`);
    try {
      execFileSync(process.execPath, [path.join(root, "scripts", "build-server.mjs"), outFile], { cwd: root, encoding: "utf8" });
      const probe = `const m = await import(${JSON.stringify(pathToFileURL(outFile).href)});
const c = m.loadConfig({ TAIKU_DATA_DIR: ${JSON.stringify(dir)} });
console.log(JSON.stringify({ runCli: typeof m.runCli, createTaikuServer: typeof m.createTaikuServer, clientDir: c.clientDir, sdkBundlePath: c.sdkBundlePath, bundledPluginsDir: c.bundledPluginsDir }));`;
      const output = execFileSync(process.execPath, ["--input-type=module", "-e", probe], { cwd: dir, encoding: "utf8" });
      const fromSources = loadConfig({ TAIKU_DATA_DIR: dir });
      expect(JSON.parse(output)).toEqual({
        runCli: "function",
        createTaikuServer: "function",
        clientDir: fromSources.clientDir,
        sdkBundlePath: fromSources.sdkBundlePath,
        bundledPluginsDir: fromSources.bundledPluginsDir,
      });
      // Every path derived from a module's own location (here: config, plugin folders) names its source file.
      expect(readFileSync(outFile, "utf8")).not.toContain("import.meta.url");
    } finally {
      rmSync(outFile, { force: true });
      rmSync(`${outFile}.map`, { force: true });
    }
  });
});
