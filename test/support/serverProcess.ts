/**
 * Test support: the real `taiku serve` as a child process on 127.0.0.1 with
 * a temp data directory, so a test can kill it with SIGKILL and start it
 * again over the same LevelDB. Plus the REST calls a test needs to get a
 * signed-in user and a session.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = new URL("../../server/bin/taiku.mjs", import.meta.url).pathname;

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** A running server process. */
export interface ServerProcess {
  readonly port: number;
  readonly dataDir: string;
  readonly base: string;
  readonly child: ChildProcess;
  /** Sends SIGKILL and waits for the process to be gone. */
  kill9(): Promise<void>;
  /** Sends SIGTERM and waits for a clean exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `taiku serve` and waits until `/healthz` answers. `args` replaces
 * the Node arguments that run it (a test's own server entry, run with the
 * same environment).
 */
export async function startServerProcess(
  options: { dataDir?: string; port?: number; env?: Record<string, string>; args?: readonly string[] } = {},
): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "taiku-proc-"));
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, options.args ?? [BIN, "serve"], {
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), TAIKU_DATA_DIR: dataDir, LOG_LEVEL: "error", ...options.env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`taiku serve exited with ${child.exitCode}: ${stderr}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`taiku serve did not become healthy: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    dataDir,
    base,
    child,
    async kill9() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

/** POSTs JSON and returns the parsed answer; throws with the body on an error status. */
export async function postJson<T>(url: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Registers and signs in a user; returns its token and id. */
export async function signUp(base: string, name: string): Promise<{ token: string; userId: string }> {
  await postJson(`${base}/api/users`, { name, password: "correct horse battery" });
  return postJson(`${base}/api/login`, { name, password: "correct horse battery" });
}

/**
 * Creates a session owned by the token's user, with `plugins` enabled for it
 * (session-managed): the relay opens KV documents only for plugins a session
 * knows, and test plugin ids are not installed.
 */
export async function createSession(base: string, token: string, title = "test", plugins: readonly string[] = []): Promise<string> {
  const { sessionId } = await postJson<{ sessionId: string }>(`${base}/api/sessions`, { title }, token);
  for (const plugin of plugins) {
    const response = await fetch(`${base}/api/sessions/${sessionId}/plugins/${plugin}`, { method: "PUT", headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`enabling ${plugin} answered ${response.status}: ${await response.text()}`);
  }
  return sessionId;
}
