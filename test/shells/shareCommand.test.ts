/**
 * The `taiku share` command with a host token: it says where a token comes
 * from when it has none, refuses a login token, says plainly when its
 * token has expired or was revoked (before it starts, and when revoked
 * while it runs), and shares a shell with a valid one.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionId, UserId } from "@taiku/engine";
import { openViewer, startShellsServer, until, type ShellsServer } from "./shellsFixture";

const TAIKU_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../server/bin/taiku.mjs");

let server: ShellsServer;
let owner: { token: string; userId: string };
let sessionId: SessionId;

/** Runs `taiku share`; `onStderr` sees its error output as it comes. */
function share(args: string[], hostToken?: string, onStderr?: (text: string) => void) {
  const env: NodeJS.ProcessEnv = { ...process.env, SHELL: "/bin/sh" };
  delete env.TAIKU_HOST_TOKEN;
  delete env.TAIKU_TOKEN;
  if (hostToken !== undefined) env.TAIKU_HOST_TOKEN = hostToken;
  const child = spawn(process.execPath, [TAIKU_BIN, "share", ...args], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr?.(stderr);
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once("exit", (code) => resolve({ code, stderr })));
  return { child, exited };
}

beforeAll(async () => {
  server = await startShellsServer();
  owner = await server.signUp("ada");
  sessionId = await server.createSession(owner.token);
});

afterAll(async () => {
  await server?.stop();
});

describe("taiku share", () => {
  it("without a host token it says where to get one and exits 2", async () => {
    const { code, stderr } = await share([sessionId, "--server", server.base]).exited;
    expect(code).toBe(2);
    expect(stderr).toMatch(/host token is required: create one with "Share a shell" in the session's Shells pane, then set TAIKU_HOST_TOKEN[\s\S]*usage: taiku share/);
  }, 20_000);

  it("with a login token instead of a host token it says so and exits 2", async () => {
    const { code, stderr } = await share([sessionId, "--server", server.base], owner.token).exited;
    expect(code).toBe(2);
    expect(stderr).toMatch(/not a host token/);
  }, 20_000);

  it("with an expired host token it says when it expired and exits 1", async () => {
    const issued = await server.server.services.hostTokens.issue(sessionId, owner.userId as UserId, "old", 0);
    const { code, stderr } = await share([sessionId, "--server", server.base], issued.token).exited;
    expect(code).toBe(1);
    expect(stderr).toMatch(/refused: 401 this host token expired at \d{4}-\d\d-\d\dT[\d:.]+Z; create a new one/);
  }, 20_000);

  it("with a revoked host token, or one for another session, it says so and exits 1", async () => {
    const token = await server.hostToken(sessionId, owner.token);
    const tokenId = token.split(".")[1];
    expect((await server.call("DELETE", `/api/sessions/${sessionId}/host-tokens/${tokenId}`, owner.token)).status).toBe(200);
    const revoked = await share([sessionId, "--server", server.base], token).exited;
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toMatch(/refused: 401 this host token is not valid for this session: it was revoked/);

    const other = await server.createSession(owner.token);
    const foreign = await share([other, "--server", server.base], await server.hostToken(sessionId, owner.token)).exited;
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/not valid for this session/);
  }, 20_000);

  it("shares a shell with a valid host token; revoked while running, it says why and exits 1", async () => {
    const token = await server.hostToken(sessionId, owner.token);
    const viewer = openViewer(server.base, sessionId, owner.token);
    await viewer.opened;
    let sharing = false;
    const run = share([sessionId, "--server", server.base], token, (text) => (sharing = /sharing .* into session/.test(text)));
    const opened = await viewer.waitFor((event) => event.type === "shell:open", 20_000);
    const shellId = opened.type === "shell:open" ? opened.data.shellId : "";
    viewer.send({ type: "shell:input", data: { shellId, data: "echo shared-$((6*7))\r" }, ts: Date.now() });
    await until(() => viewer.output(shellId).includes("shared-42"), 8000, "output of the shared shell");
    await until(() => sharing, 5000, "the command saying it is sharing");

    const tokenId = token.split(".")[1];
    expect((await server.call("DELETE", `/api/sessions/${sessionId}/host-tokens/${tokenId}`, owner.token)).json).toEqual({ revoked: true, disconnected: 1 });
    const { code, stderr } = await run.exited;
    expect(code).toBe(1);
    expect(stderr).toMatch(/the relay disconnected this host: this host token was revoked/);
    await viewer.waitFor((event) => event.type === "shell:exit" && event.data.shellId === shellId);
    viewer.close();
  }, 40_000);
});
