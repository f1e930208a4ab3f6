/**
 * Shell numbers: the server numbers each shell in the session document's
 * `shells` map when it first writes the shell's entry (1, 2, … in order),
 * keeps the number while the shell's host leaves and returns and across a
 * relay restart (it lives in the document), and relays `shell:open` only
 * once the numbered entry is written, so every client can name the shell.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionEvent, SessionId } from "@taiku/engine";
import { createShareHost, type ShareHost } from "../../server/src/share/createShareHost";
import { openViewer, startShellsServer, until, type ShellsServer } from "./shellsFixture";

process.env.LOG_LEVEL = "silent";

let server: ShellsServer;
let owner: { token: string; userId: string };
let sessionId: SessionId;
let host: ShareHost;

const numbers = () =>
  server.server.services.relay.read(`sessions/${sessionId}` as never, (doc) =>
    Object.fromEntries([...doc.getMap("shells").entries()].map(([id, entry]) => [id, (entry as { number?: unknown }).number])),
  );

async function waitForNumbers(count: number): Promise<Record<string, unknown>> {
  let seen: Record<string, unknown> = {};
  await until(() => {
    void numbers().then((value) => (seen = value));
    return Object.keys(seen).length === count && Object.values(seen).every((number) => typeof number === "number");
  }, 8000, `${count} numbered shells`);
  return seen;
}

beforeAll(async () => {
  server = await startShellsServer();
  owner = await server.signUp("ada");
  sessionId = await server.createSession(owner.token);
  host = createShareHost({ server: server.base, token: await server.hostToken(sessionId, owner.token), sessionId, shell: "bash", shellArgs: ["--norc", "--noprofile"], hostName: "ada@test" });
  await host.ready;
});

afterAll(async () => {
  await host?.close();
  await server?.stop();
});

describe("shell numbers", () => {
  it("shells are numbered in the order they are shared, and shell:open arrives after the numbered entry is written", async () => {
    const first = Object.values(await waitForNumbers(1));
    expect(first).toEqual([1]);
    const viewer = openViewer(server.base, sessionId, owner.token);
    await viewer.opened;
    viewer.send({ type: "shell:open-request", data: {}, ts: Date.now() });
    const opened = await viewer.waitFor((event: SessionEvent) => event.type === "shell:open");
    const openedId = opened.type === "shell:open" ? opened.data.shellId : "";
    const atOpen = await numbers();
    expect(atOpen[openedId]).toBe(2);
    viewer.close();
  });

  it("a shell keeps its number when its host leaves and returns, and across a relay restart; a new shell gets the next one", async () => {
    const before = await waitForNumbers(2);
    host.provider.disconnect();
    host.provider.connect();
    await server.restart();
    let after: Record<string, unknown> = {};
    await until(() => {
      void server.server.services.relay
        .read(`sessions/${sessionId}` as never, (doc) =>
          Object.fromEntries([...doc.getMap("shells").entries()].map(([id, entry]) => [id, entry as { number?: unknown; status?: unknown }])),
        )
        .then((value) => (after = value));
      return Object.values(after).length === 2 && Object.values(after).every((entry) => (entry as { status?: unknown }).status === "running");
    }, 30_000, "shells running again after the restart");
    expect(Object.fromEntries(Object.entries(after).map(([id, entry]) => [id, (entry as { number?: unknown }).number]))).toEqual(before);

    const viewer = openViewer(server.base, sessionId, owner.token);
    await viewer.opened;
    const reannounced = new Set<string>();
    await viewer.waitFor((event: SessionEvent) => {
      if (event.type === "shell:open") reannounced.add(event.data.shellId);
      return reannounced.size === 2;
    }, 30_000);
    viewer.send({ type: "shell:open-request", data: {}, ts: Date.now() });
    const opened = await viewer.waitFor((event: SessionEvent) => event.type === "shell:open" && !Object.hasOwn(before, event.data.shellId), 30_000);
    const openedId = opened.type === "shell:open" ? opened.data.shellId : "";
    expect((await numbers())[openedId]).toBe(3);
    viewer.close();
  }, 120_000);
});
