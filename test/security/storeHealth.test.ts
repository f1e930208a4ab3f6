/**
 * Health that tells the truth, against the real server process over a real
 * LevelDB on disk: with bytes flipped in a table file of a stopped
 * server's database, the restarted server's start-up integrity check names
 * the file, `/readyz` is 503 naming the store and the file, and `/healthz`,
 * which reads the database, fails too; an undamaged database is ready.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, signUp, startServerProcess, type ServerProcess } from "../support/serverProcess";

const BIN = new URL("../../server/bin/taiku.mjs", import.meta.url).pathname;
const children: ChildProcess[] = [];
const processes: ServerProcess[] = [];
afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) await p.kill9();
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

/** Starts `taiku serve` over `dataDir` and waits until `/readyz` answers at all (a damaged server may fail `/healthz`). */
async function startAnswering(dataDir: string): Promise<{ base: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, "serve"], {
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), TAIKU_DATA_DIR: dataDir, LOG_LEVEL: "error" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`taiku serve exited with ${child.exitCode}: ${stderr}`);
    const answered = await fetch(`${base}/readyz`).then(
      () => true,
      () => false,
    );
    if (answered) return { base };
    if (Date.now() > deadline) throw new Error(`taiku serve did not answer: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Table files of the database, largest first. */
function tableFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, "db");
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".ldb") || name.endsWith(".sst"))
    .sort((a, b) => fs.statSync(path.join(dir, b)).size - fs.statSync(path.join(dir, a)).size);
}

describe("a LevelDB table with flipped bytes", () => {
  it("makes /readyz 503 naming the store and the file, and /healthz fail, where the undamaged database was ready", async () => {
    let server = await startServerProcess();
    processes.push(server);
    const { token } = await signUp(server.base, "owner");
    for (let i = 0; i < 40; i++) {
      const put = await fetch(`${server.base}/api/user-kv/notes/key-${i}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ value: `note ${i} `.repeat(500) }),
      });
      expect(put.status).toBe(200);
    }
    expect(await server.stop()).toBe(0);
    // LevelDB writes what its log holds into a table when it opens the database again.
    server = await startServerProcess({ dataDir: server.dataDir, port: server.port });
    processes.push(server);
    const clean = await fetch(`${server.base}/readyz`);
    expect(clean.status).toBe(200);
    expect(await clean.json()).toEqual({ ready: true });
    expect(await server.stop()).toBe(0);

    const [table] = tableFiles(server.dataDir);
    expect(table).toBeDefined();
    const file = path.join(server.dataDir, "db", table!);
    const bytes = fs.readFileSync(file);
    for (let i = 100; i < 116; i++) bytes[i]! ^= 0xff;
    fs.writeFileSync(file, bytes);

    const damaged = await startAnswering(server.dataDir);
    const ready = await fetch(`${damaged.base}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { ready: boolean; damaged: Array<{ store: string; file?: string; reason: string }> };
    expect(body.ready).toBe(false);
    expect(body.damaged).toContainEqual({ store: "db", file: table, reason: expect.stringContaining("does not match its checksum") });

    const health = await fetch(`${damaged.base}/healthz`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { error: { message: string } }).error.message).toMatch(/the database (cannot be read|is damaged)/);
  });
});
