import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript build script, without declarations
import { importedPackages, stagePluginSdk } from "../../scripts/pack.mjs";

/** Strings only yjs's own code carries: its double-import guard and two of its classes. */
const YJS_MARKERS = ["Yjs was already imported", "class YText", "class ContentString"];

describe("the published @taiku/plugin-sdk", () => {
  let stage: string;
  let files: Map<string, string>;

  beforeAll(async () => {
    stage = await mkdtemp(path.join(os.tmpdir(), "taiku-sdk-package-"));
    await stagePluginSdk(stage);
    files = new Map();
    for (const name of await readdir(path.join(stage, "dist"), { recursive: true })) {
      if (name.endsWith(".js") || name.endsWith(".d.ts")) files.set(name, await readFile(path.join(stage, "dist", name), "utf8"));
    }
  }, 120_000);
  afterAll(() => rm(stage, { recursive: true, force: true }));

  it("imports yjs as a peer instead of carrying its own copy (two copies break instanceof)", async () => {
    for (const [name, code] of files) {
      for (const marker of YJS_MARKERS) expect(code.includes(marker), `${name} contains yjs's "${marker}"`).toBe(false);
    }
    expect(await importedPackages(path.join(stage, "dist"))).toContain("yjs");
    const manifest = JSON.parse(await readFile(path.join(stage, "package.json"), "utf8"));
    expect(manifest.peerDependencies).toEqual({ yjs: expect.any(String) });
    expect(manifest.dependencies?.yjs).toBeUndefined();
  });

  it("bundles the unpublished engine, and ships declarations for both entry points", async () => {
    expect(await importedPackages(path.join(stage, "dist"))).not.toContain("@taiku/engine");
    for (const code of files.values()) expect(code).not.toMatch(/from ["']@taiku\//);
    const manifest = JSON.parse(await readFile(path.join(stage, "package.json"), "utf8"));
    expect(manifest.private).toBeUndefined();
    for (const entry of [".", "./testing"]) {
      const { types, default: js } = manifest.exports[entry];
      expect(files.has(path.relative("dist", types)), `${entry} types`).toBe(true);
      expect(files.has(path.relative("dist", js)), `${entry} module`).toBe(true);
    }
    expect(files.get("index.d.ts")).toMatch(/declare class TaikuPlugin/);
    expect(files.get("testing/index.d.ts")).toMatch(/MockHost/);
  });
});
