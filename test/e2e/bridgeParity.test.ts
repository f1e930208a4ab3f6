/**
 * The parity matrix (test/bridge/parityCases.ts): the same raw bridge calls,
 * in the same order, against `MockHost` in Node and against the real host in
 * Chromium (a real server, a real session, the fixture plugins installed as
 * local plugins), must get equal answers: the same error codes and details,
 * the same results once ids and timestamps are normalised. The events each
 * plugin received along the way must be the same too.
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "playwright-core";
import { MockHost } from "@taiku/plugin-sdk/testing";
import { awaitHostLink } from "../../sdk/src/hostLink";
import {
  FILE_LIMITS,
  PARITY_CASES,
  PARITY_LAYOUT,
  PARITY_MANIFESTS,
  PARITY_PLUGINS,
  RAW_CALLER_SOURCE,
  SESSION_TITLE,
  normaliseAnswer,
  uncoveredMethods,
  type CallerName,
  type PlainAnswer,
} from "../bridge/parityCases";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { writeParityPlugins } from "./support/parityPlugins";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

declare global {
  interface Window {
    raw(method: string, params: unknown): Promise<PlainAnswer>;
    rawEvents: string[];
  }
}

/** The raw caller, compiled for Node from the same source the plugin page runs. */
const nodeRaw = new Function(`${RAW_CALLER_SOURCE}; return rawCall;`)() as (port: MessagePort, method: string, params: unknown) => Promise<PlainAnswer>;

/** Runs every case against two MockHosts (one per fixture plugin) and returns the normalised answers and events. */
async function runOnMockHost(): Promise<{ answers: unknown[]; events: Record<CallerName, string[]> }> {
  const ports = {} as Record<CallerName, MessagePort>;
  const events: Record<CallerName, string[]> = { parity: [], "parity-none": [] };
  const hosts: MockHost[] = [];
  for (const id of ["parity", "parity-none"] as const) {
    const host = new MockHost({
      manifest: PARITY_MANIFESTS[id],
      data: {
        session: { title: SESSION_TITLE, plugins: PARITY_PLUGINS },
        layout: PARITY_LAYOUT,
        users: [{ userId: "u-ada", name: "ada", color: "#000" }],
        shells: [],
        shellOutput: {},
        workspace: null,
        fileLimits: FILE_LIMITS,
      },
    });
    hosts.push(host);
    const port = await new Promise<MessagePort>((resolve) => awaitHostLink((link) => resolve(link.port)));
    port.addEventListener("message", (event: MessageEvent) => {
      const data = event.data as { type?: string; event?: { type: string } };
      if (data.type === "taiku:event" && data.event !== undefined) events[id].push(data.event.type);
    });
    port.start();
    ports[id] = port;
  }
  try {
    const answers: unknown[] = [];
    for (const entry of PARITY_CASES) answers.push(normaliseAnswer(await nodeRaw(ports[entry.caller], entry.method, entry.params), entry.method));
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { answers, events };
  } finally {
    for (const host of hosts) host.dispose();
  }
}

describe("one bridge, two hosts: MockHost answers like the real host", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let folders: string[] = [];
  const frames = {} as Record<CallerName, Frame>;

  beforeAll(async () => {
    folders = await writeParityPlugins();
    server = await startE2eServer(folders, {
      pluginFileBytes: FILE_LIMITS.maxFileBytes,
      pluginTotalBytes: FILE_LIMITS.maxTotalBytes,
      pluginFileCount: FILE_LIMITS.maxFiles,
    });
    ada = await launchUser(server.url, "ada");
    await ada.createSession(SESSION_TITLE);
    await ada.enablePlugin("parity");
    await ada.enablePlugin("parity-none");
    frames.parity = await ada.openPanel("parity", "main");
    frames["parity-none"] = await ada.openPanel("parity-none", "main");
  }, 180_000);

  afterAll(async () => {
    await ada?.close();
    await server?.stop();
    for (const folder of folders) await rm(path.dirname(folder), { recursive: true, force: true });
  });

  it("the matrix calls every method of the protocol", () => {
    expect(uncoveredMethods()).toEqual([]);
  });

  it("every call gets the same answer from MockHost and from the real host in Chromium", async () => {
    const mock = await runOnMockHost();
    const real: unknown[] = [];
    for (const entry of PARITY_CASES) {
      const answer = await frames[entry.caller].evaluate(([method, params]) => window.raw(method, params), [entry.method, entry.params] as const);
      real.push(normaliseAnswer(answer, entry.method));
    }
    const named = (answers: unknown[]) => PARITY_CASES.map((entry, i) => ({ case: entry.name, answer: answers[i] }));
    if (process.env.PARITY_DUMP) (await import("node:fs")).writeFileSync(process.env.PARITY_DUMP, JSON.stringify({ mock: named(mock.answers), real: named(real) }, null, 1));
    expect(named(mock.answers)).toEqual(named(real));

    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const id of ["parity", "parity-none"] as const) {
      const received = (await frames[id].evaluate(() => window.rawEvents)).filter((type) => type !== "host:ping");
      expect({ plugin: id, events: [...new Set(mock.events[id])].sort() }).toEqual({ plugin: id, events: [...new Set(received)].sort() });
    }
  }, 120_000);
});
