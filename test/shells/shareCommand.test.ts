/**
 * The `taiku share` command refuses clearly, instead of retrying forever,
 * when it cannot join: no token, or a user who is not a member.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionId } from "@taiku/engine";
import { startShellsServer, type ShellsServer } from "./shellsFixture";

const TAIKU_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../server/bin/taiku.mjs");

let server: ShellsServer;
let sessionId: SessionId;

function share(args: string[], token?: string): Promise<{ code: number | null; stderr: string }> {
  const env = { ...process.env };
  delete env.TAIKU_TOKEN;
  if (token !== undefined) env.TAIKU_TOKEN = token;
  const child = spawn(process.execPath, [TAIKU_BIN, "share", ...args], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stderr })));
}

beforeAll(async () => {
  server = await startShellsServer();
  const owner = await server.signUp("ada");
  sessionId = await server.createSession(owner.token);
});

afterAll(async () => {
  await server?.stop();
});

describe("taiku share", () => {
  it("without a token it prints its usage and exits 2", async () => {
    const { code, stderr } = await share([sessionId, "--server", server.base]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/a token is required[\s\S]*usage: taiku share/);
  }, 20_000);

  it("for a user who is not a member it says the server refused and exits 1", async () => {
    const stranger = await server.signUp("mallory");
    const { code, stderr } = await share([sessionId, "--server", server.base], stranger.token);
    expect(code).toBe(1);
    expect(stderr).toMatch(/refused: 403/);
  }, 20_000);
});
