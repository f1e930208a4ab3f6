/**
 * The quota judge in real browsers against the real server: two people have
 * the same plugin (the `ledger` fixture, which writes through `sharedDoc()`)
 * open, and a write past the quota is judged by the host, which never drops
 * it: it applies the write with its compensation, hands the compensation
 * back to the plugin's frame, and every replica — both users' hosts, both
 * frames, the relay — ends equal and within the quota.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame, Page } from "playwright-core";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

const LEDGER = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "ledger");
const QUOTA = 65_536;

declare global {
  interface Window {
    ledger: {
      plugin: {
        setPluginData(key: string, value: unknown): Promise<void>;
        transact(change: (doc: unknown) => void): Promise<void>;
        getPluginDataUsage(): Promise<{ used: number; limit: number }>;
      };
      doc: { getMap(name: string): { set(key: string, value: unknown): void } };
      events: { type: string; data: unknown }[];
      entries(): Record<string, number>;
    };
  }
}

/** Polls `read` until `done` holds for its value (or the timeout passes); returns the last value. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/** What the plugin manager shows a user of the ledger's session KV on their client: live bytes and keys. */
async function hostReplica(page: Page): Promise<{ used: number; limit: number; keys: string[] }> {
  await page.click(".session-header >> text=Plugins");
  const card = page.locator('.plugin-card[data-plugin="ledger"] .shared-data');
  const summary = (await card.locator("summary").textContent()) ?? "";
  const keys = await card.locator("dt").allTextContents();
  await page.click(".plugin-manager >> text=Close");
  const figures = /(\d+) of (\d+) bytes/.exec(summary);
  if (figures === null) throw new Error(`no figures in ${JSON.stringify(summary)}`);
  return { used: Number(figures[1]), limit: Number(figures[2]), keys: keys.sort() };
}

const frameReplica = (frame: Frame) => frame.evaluate(() => window.ledger.entries());

describe("the quota judge with two users", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let bo: BrowserUser;
  let adaLedger: Frame;
  let boLedger: Frame;

  beforeAll(async () => {
    server = await startE2eServer([LEDGER]);
    [ada, bo] = await Promise.all([launchUser(server.url, "ada"), launchUser(server.url, "bo")]);
    await ada.createSession("Quota day");
    await ada.enableForSession("ledger");
    await bo.join(await ada.invite());
    [adaLedger, boLedger] = await Promise.all([ada.openPanel("ledger", "ledger"), bo.openPanel("ledger", "ledger")]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([ada?.close(), bo?.close()]);
    await server?.stop();
  });

  it("a sharedDoc write past the quota is undone by the host, not dropped: the writer catches the error and hears kv:rejected, and both users' replicas and frames end equal and within the quota", async () => {
    await boLedger.evaluate(() => window.ledger.plugin.transact((doc) => (doc as Window["ledger"]["doc"]).getMap("kv").set("greeting", "hello from bo")));
    await eventually(() => frameReplica(adaLedger), (entries) => entries.greeting === 13);

    // The host's replica is ahead of the frame's: a write it made for the plugin has not reached the frame yet
    // (as another participant's write can be), so the frame's sharedDoc write fits on the frame and not on the host.
    const outcome = await adaLedger.evaluate(async () => {
      void window.ledger.plugin.setPluginData("log", "l".repeat(40_000));
      try {
        await window.ledger.plugin.transact((doc) => (doc as Window["ledger"]["doc"]).getMap("kv").set("draft", "d".repeat(40_000)));
        return { caught: null };
      } catch (error) {
        const { name, code, used, limit, attempted } = error as { name: string; code: string; used: number; limit: number; attempted: number };
        return { caught: { name, code, used, limit, attempted } };
      }
    });
    expect(outcome.caught).toMatchObject({ name: "QuotaExceededError", code: "quota_exceeded", limit: QUOTA });
    expect(outcome.caught?.attempted).toBeGreaterThan(80_000);
    const rejected = await adaLedger.evaluate(() => window.ledger.events.filter((event) => event.type === "kv:rejected").map((event) => event.data));
    expect(rejected).toEqual([expect.objectContaining({ revertedKeys: ["draft"], limit: QUOTA })]);
    await ada.page.waitForSelector(".toast:has-text('Ledger'):has-text('Not saved')");

    const expected = { greeting: 13, log: 40_000 };
    const [adaFrame, boFrame] = await eventually(
      () => Promise.all([frameReplica(adaLedger), frameReplica(boLedger)]),
      ([a, b]) => JSON.stringify(a) === JSON.stringify(expected) && JSON.stringify(b) === JSON.stringify(expected),
    );
    expect(adaFrame).toEqual(expected);
    expect(boFrame).toEqual(expected);
    const [adaHost, boHost] = await eventually(
      () => Promise.all([hostReplica(ada.page), hostReplica(bo.page)]),
      ([a, b]) => a.keys.length === 2 && b.keys.length === 2 && a.used === b.used,
    );
    expect(adaHost.keys).toEqual(["greeting", "log"]);
    expect(boHost).toEqual(adaHost);
    expect(adaHost.used).toBeLessThanOrEqual(QUOTA);
    expect(await adaLedger.evaluate(() => window.ledger.plugin.getPluginDataUsage())).toEqual({ used: adaHost.used, limit: QUOTA });
    expect(await bo.page.locator(".toast").count()).toBe(0);
    await ada.screenshot("host-compensation");

    // The writer keeps writing, and what it writes next reaches everyone.
    await adaLedger.evaluate(() => window.ledger.plugin.transact((doc) => (doc as Window["ledger"]["doc"]).getMap("kv").set("after", "ok")));
    await eventually(() => frameReplica(boLedger), (entries) => entries.after === 2);
    expect(await frameReplica(boLedger)).toEqual({ ...expected, after: 2 });
  }, 60_000);
});
