import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PluginId, UserId } from "@taiku/engine";
import { checkFileName, PluginFileStore } from "./pluginFileStore";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "taiku-files-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const user = "u1" as UserId;
const plugin = "notes" as PluginId;

describe("plugin file names", () => {
  it("refuses separators, dot names, NUL, control characters, empty and over-long names", () => {
    for (const name of ["", ".", "..", "a/b", "a\\b", "../x", "a\0b", "a\nb", "x".repeat(201), "é".repeat(101)]) {
      expect(checkFileName(name), JSON.stringify(name)).toBeTypeOf("string");
    }
    for (const name of ["notes.md", ".hidden", "a..b", "ü 🎉 name", "x".repeat(200)]) expect(checkFileName(name), name).toBeUndefined();
  });
});

describe("the plugin file store", () => {
  it("never lets concurrent writes push a plugin past its total", async () => {
    const store = new PluginFileStore(dir, { pluginFileBytes: 100, pluginTotalBytes: 250, pluginFileCount: 100 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.write(user, plugin, `f${i}`, Buffer.alloc(100))));
    expect(results.filter((r) => !("error" in r))).toHaveLength(2);
    const files = await store.list(user, plugin);
    expect(files.reduce((sum, f) => sum + f.size, 0)).toBe(200);
  });

  it("leaves no temporary files behind", async () => {
    const store = new PluginFileStore(dir, { pluginFileBytes: 100, pluginTotalBytes: 1000, pluginFileCount: 100 });
    await store.write(user, plugin, "a", Buffer.from("x"));
    expect(await readdir(path.join(dir, "files", ".tmp"))).toEqual([]);
  });
});
