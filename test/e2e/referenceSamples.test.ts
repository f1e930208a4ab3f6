/**
 * The taiku plugin reference works as written: each of its code samples
 * (test/reference/referenceSamples.ts, typechecked by tsc against the public
 * SDK types) runs against `MockHost` in Node and against the real host in
 * Chromium, and produces the outputs the reference shows: shells with
 * numeric ids, `listUserData()` as key → value, `listPluginFiles()` as
 * `[{ name, size }]`, `getStorageUsage()` as `{ totalBytes, fileCount, files }`
 * (plus the server's `limits`), `getSettings()` with the manifest's defaults,
 * and `setSetting` of an undeclared key kept. Files move up to the server's
 * limits: a 3 MB binary round-trips byte-exact (its buffer transferred, not
 * copied), and a write past the per-file limit is `quota_exceeded` naming it,
 * with nothing written. Both hosts must produce the same.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "playwright-core";
import type { SessionId } from "@taiku/engine";
import { TaikuPlugin } from "@taiku/plugin-sdk";
import { MockHost } from "@taiku/plugin-sdk/testing";
import { createShareHost, type ShareHost } from "../../server/src/share/createShareHost";
import { FILE_LIMITS, PARITY_MANIFESTS, SESSION_TITLE } from "../bridge/parityCases";
import { mockHostSample } from "../reference/mockHostSample";
import * as reference from "../reference/runReferenceSamples";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { writeParityPlugins } from "./support/parityPlugins";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

declare global {
  interface Window {
    taiku: TaikuPlugin;
    reference(): Promise<typeof reference>;
    shellEvents?: { seen: number[] };
  }
}

type Outputs = Awaited<ReturnType<typeof reference.runReferenceSamples>>;

const CONFIG_JSON = JSON.stringify({ version: 2, rules: [{ pattern: "error", color: "red" }] });

/** The outputs the reference shows, for a session whose one shell is numbered 1. */
function expectReferenceOutputs(outputs: Outputs): void {
  expect(outputs.client.title).toBe(SESSION_TITLE);
  expect(outputs.client.shells).toEqual([expect.objectContaining({ id: 1, status: "running" })]);
  expect(outputs.sessionKv).toEqual({
    status: { state: "running", startedAt: expect.any(Number), startedBy: "user-42" },
    allData: { build_status: { state: "running", startedAt: expect.any(Number), startedBy: "user-42" } },
    otherData: null,
    afterDelete: null,
    startedAtIsNumber: true,
  });
  expect(outputs.userKv).toEqual({
    layout: "vertical-split",
    allUserData: { preferred_layout: "vertical-split", favorite_shells: [1, 3, 7] },
    afterDelete: { preferred_layout: "vertical-split" },
  });
  expect(outputs.files.files).toEqual([
    { name: "config.json", size: CONFIG_JSON.length },
    { name: "notification.wav", size: 44_100 },
  ]);
  expect(outputs.files.config).toEqual({ version: 2, rules: [{ pattern: "error", color: "red" }] });
  expect(outputs.files.usage).toEqual({
    totalBytes: CONFIG_JSON.length,
    fileCount: 1,
    files: [{ name: "config.json", size: CONFIG_JSON.length }],
    limits: FILE_LIMITS,
  });
  expect(outputs.bridgeFirst).toEqual({ session: { view: "logs", shellId: 3 }, user: { view: "logs", shellId: 3 } });
  expect(outputs.rendered.errors).toEqual(["Could not read shell output. The shell may have closed."]);
  expect(outputs.rendered.outputs).toHaveLength(1);
  expect(outputs.rendered.polled.map(([id]) => id)).toEqual([1]);
}

/** The parts of two runs that must be equal across hosts (shell output and timestamps differ naturally). */
function comparable(outputs: Outputs) {
  const { setting: _setting, ...rest } = outputs;
  return { ...rest, client: { title: outputs.client.title, shells: outputs.client.shells.map((shell) => shell.id) }, rendered: { errors: outputs.rendered.errors }, sessionKv: { ...outputs.sessionKv, status: null, allData: Object.keys(outputs.sessionKv.allData) } };
}

function mockHost(secret?: string): MockHost {
  return new MockHost({
    manifest: PARITY_MANIFESTS.parity,
    data: {
      session: { title: SESSION_TITLE },
      shells: [{ id: 1, title: "sh", cwd: "/w", host: "ada@test", status: "running" }],
      shellOutput: { 1: "$ echo ready\nready\n" },
      fileLimits: FILE_LIMITS,
      ...(secret === undefined ? {} : { secrets: { api_key: secret } }),
    },
  });
}

describe("the reference's samples against MockHost", () => {
  it("the MockHost sample makes a host that answers with default data", async () => {
    const mock = mockHostSample();
    const taiku = await new TaikuPlugin().ready();
    try {
      expect(taiku.pluginId).toBe("my-org.my-plugin");
      expect((await taiku.getSession()).sessionId).toBe("test-session-abc");
      expect(await taiku.getShells()).toEqual([expect.objectContaining({ id: 1 })]);
    } finally {
      taiku.close();
      mock.dispose();
    }
  });

  it("secrets and settings: without a key the sample asks for one; with one it reads the manifest defaults and keeps last_used_shell", async () => {
    for (const secret of [undefined, "k-123"]) {
      const host = mockHost(secret);
      const taiku = await new TaikuPlugin().ready();
      try {
        const seen = await reference.secretsAndSettingsSample(taiku);
        if (secret === undefined) {
          expect(seen).toEqual({ apiKey: null });
          expect(host.state.toasts).toEqual([{ message: "Please configure your API key in plugin settings", kind: "error" }]);
        } else {
          expect(seen).toEqual({ apiKey: "k-123", refreshInterval: 5000, settings: { refresh_interval: 5000, theme: "dark", show_timestamps: true } });
          expect(await taiku.getSetting("last_used_shell")).toBe(3);
          expect(host.state.settings.get("last_used_shell")).toBe(3);
        }
      } finally {
        taiku.close();
        host.dispose();
      }
    }
  });

  it("every other sample produces the outputs the reference shows", async () => {
    const host = mockHost();
    const taiku = await new TaikuPlugin().ready();
    try {
      const watch = reference.watchShellEvents(taiku);
      const outputs = await reference.runReferenceSamples(taiku, 1);
      expectReferenceOutputs(outputs);
      expect(host.emit("shell:data", { shellId: 1, data: "new output" })).toBe(true);
      await host.settle();
      expect(watch.seen).toEqual([1]);
      watch.stop();
    } finally {
      taiku.close();
      host.dispose();
    }
  });

  it("a 3 MB binary round-trips byte-exact and is transferred; a write past the per-file limit is quota_exceeded naming it, and writes nothing", async () => {
    const host = mockHost();
    const taiku = await new TaikuPlugin({ timeout: 15_000 }).ready();
    try {
      expect(await reference.roundTripBinary(taiku, 3_000_000)).toEqual({ size: 3_000_000, same: true, transferred: true });
      const past = await reference.writePastFileLimit(taiku);
      expect(past.error).toEqual({ code: "quota_exceeded", message: expect.stringMatching(/per-file limit \(maxFileBytes\) of 4194304 bytes; nothing was written/) });
      expect(past.files).toEqual(["big.bin"]);
    } finally {
      taiku.close();
      host.dispose();
    }
  });
});

describe("the reference's samples against the real host in Chromium", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let frame: Frame;
  let host: ShareHost | undefined;
  let folders: string[] = [];
  let cwd: string;

  beforeAll(async () => {
    folders = await writeParityPlugins();
    server = await startE2eServer(folders, {
      pluginFileBytes: FILE_LIMITS.maxFileBytes,
      pluginTotalBytes: FILE_LIMITS.maxTotalBytes,
      pluginFileCount: FILE_LIMITS.maxFiles,
    });
    ada = await launchUser(server.url, "ada");
    await ada.createSession(SESSION_TITLE);
    const auth = JSON.parse((await ada.page.evaluate(() => localStorage.getItem("taiku:auth"))) ?? "{}") as { token: string };
    const created = await fetch(`${server.url}/api/sessions/${ada.sessionId}/host-tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${auth.token}`, "content-type": "application/json" },
      body: "{}",
    });
    const { token } = (await created.json()) as { token: string };
    cwd = await mkdtemp(path.join(os.tmpdir(), "taiku-reference-"));
    host = createShareHost({ server: server.url, token, sessionId: ada.sessionId as SessionId, cwd, shell: "/bin/sh", shellArgs: [], log: () => undefined });
    await host.ready;
    await ada.page.locator(".shell-pane[data-status=running]").waitFor();
    await ada.enablePlugin("parity");
    frame = await ada.openPanel("parity", "main");
  }, 180_000);

  afterAll(async () => {
    await host?.close();
    await ada?.close();
    await server?.stop();
    for (const folder of folders) await rm(path.dirname(folder), { recursive: true, force: true });
    if (cwd !== undefined) await rm(cwd, { recursive: true, force: true });
  });

  it("secrets and settings: without a key the sample asks for one; with one it reads the manifest defaults and keeps last_used_shell", async () => {
    const without = await frame.evaluate(async () => (await window.reference()).secretsAndSettingsSample(window.taiku));
    expect(without).toEqual({ apiKey: null });
    await ada.page.locator(".toast", { hasText: "Please configure your API key in plugin settings" }).waitFor();
    await ada.page.evaluate(() => localStorage.setItem("taiku:plugin-secrets", JSON.stringify({ parity: { api_key: "k-123" } })));
    const withKey = await frame.evaluate(async () => (await window.reference()).secretsAndSettingsSample(window.taiku));
    expect(withKey).toEqual({ apiKey: "k-123", refreshInterval: 5000, settings: { refresh_interval: 5000, theme: "dark", show_timestamps: true } });
    expect(await frame.evaluate(() => window.taiku.getSetting("last_used_shell"))).toBe(3);

    await ada.page.click(".session-header >> text=Plugins");
    const card = ada.page.locator('.plugin-card[data-plugin="parity"]');
    await card.locator(".plugin-settings").waitFor();
    const shown = await card.locator(".plugin-settings").textContent();
    expect(shown).toContain("Refresh interval (ms)");
    expect(shown).not.toContain("last_used_shell");
    await ada.page.click(".plugin-manager >> text=Close");
  });

  it("every other sample produces the outputs the reference shows, as against MockHost", async () => {
    await frame.evaluate(async () => {
      window.shellEvents = (await window.reference()).watchShellEvents(window.taiku);
    });
    const outputs = await frame.evaluate(async () => (await window.reference()).runReferenceSamples(window.taiku, 1));
    expectReferenceOutputs(outputs);

    const mock = mockHost();
    const taiku = await new TaikuPlugin().ready();
    try {
      expect(comparable(await reference.runReferenceSamples(taiku, 1))).toEqual(comparable(outputs));
    } finally {
      taiku.close();
      mock.dispose();
    }

    await frame.evaluate(() => window.taiku.writeToShell(1, "echo numbered-$((20+1))\n"));
    await frame.waitForFunction(() => (window.shellEvents?.seen.length ?? 0) > 0, undefined, { timeout: 10_000 });
    const seen = await frame.evaluate(() => window.shellEvents?.seen ?? []);
    expect(new Set(seen)).toEqual(new Set([1]));
    await frame.waitForFunction(async () => (await window.taiku.getShellOutput(1, 10)).includes("numbered-21"), undefined, { timeout: 10_000 });
  });

  it("a 3 MB binary round-trips byte-exact and is transferred; a write past the per-file limit is quota_exceeded naming it, and writes nothing", async () => {
    const roundTrip = await frame.evaluate(async () => (await window.reference()).roundTripBinary(window.taiku, 3_000_000));
    expect(roundTrip).toEqual({ size: 3_000_000, same: true, transferred: true });
    const past = await frame.evaluate(async () => (await window.reference()).writePastFileLimit(window.taiku));
    expect(past.error).toEqual({ code: "quota_exceeded", message: expect.stringMatching(/per-file limit \(maxFileBytes\) of 4194304 bytes; nothing was written/) });
    expect(past.files).toEqual(["big.bin", "config.json"]);
  });
});
