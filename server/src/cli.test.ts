import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as pty from "@lydell/node-pty";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { UserStore } from "./auth/userStore";
import { runCli } from "./cli";
import { openLevel } from "./store";
import { pluginPackage, writePackage } from "./plugins/pluginFixtures";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../bin/taiku.mjs");
let dataDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "taiku-cli-"));
  env = { ...process.env, TAIKU_DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent" };
  vi.stubEnv("TAIKU_DATA_DIR", dataDir);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs a command in this process, capturing what it prints. */
async function taikuInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await runCli(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** Runs `taiku …` to completion. */
function taiku(args: string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, ...extraEnv }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

/** Starts `taiku serve`; resolves with the process and its base URL once it listens. */
function serve(): Promise<{ child: ChildProcess; base: string; exited: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "serve"], { env, stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise<number | null>((done) => child.on("close", (code) => done(code)));
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const match = /serving (http:\/\/[^\s]+)/.exec(out);
      if (match?.[1]) resolve({ child, base: match[1], exited });
    });
    child.on("error", reject);
    void exited.then((code) => reject(new Error(`taiku serve exited early (${code}): ${out}`)));
  });
}

describe("the taiku command", () => {
  it("adds a user with a piped password or --password, and refuses a taken name", async () => {
    const piped = await taiku(["user", "add", "bob"], "piped password\n");
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toMatch(/added user bob/);
    const added = await taikuInProcess(["user", "add", "ada", "--password", "long password"]);
    expect(added.code).toBe(0);
    const taken = await taikuInProcess(["user", "add", "ADA", "--password", "other password"]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/taken/);
  });

  it("adds, lists and removes a local plugin", async () => {
    const folder = await writePackage(path.join(dataDir, "..", `pkg-${path.basename(dataDir)}`), pluginPackage("cli-plugin", "cli-plugin"));
    const added = await taikuInProcess(["plugin", "add", folder]);
    expect(added.code, added.stderr).toBe(0);
    expect((await taikuInProcess(["plugin", "list"])).stdout).toMatch(/cli-plugin\tlocal/);
    const removed = await taikuInProcess(["plugin", "remove", "cli-plugin"]);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await taikuInProcess(["plugin", "list"])).stdout).not.toMatch(/cli-plugin/);
    await rm(folder, { recursive: true, force: true });
  });

  it("reads the password from --password-file or TAIKU_PASSWORD, and warns when it is on the command line", async () => {
    const file = path.join(dataDir, "..", `pw-${path.basename(dataDir)}`);
    await writeFile(file, "file password\nignored second line\n");
    const fromFile = await taikuInProcess(["user", "add", "fay", "--password-file", file]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stderr).toBe("");
    const fromEnv = await taiku(["user", "add", "eve"], "", { TAIKU_PASSWORD: "env password" });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(fromEnv.stdout).not.toMatch(/password:/);
    const onArgv = await taikuInProcess(["user", "add", "arg", "--password", "argv password"]);
    expect(onArgv.code).toBe(0);
    expect(onArgv.stderr).toMatch(/warning: --password is visible/);
    await rm(file, { force: true });
    const db = await openLevel(path.join(dataDir, "db"));
    try {
      const users = new UserStore(db);
      expect(await users.verify("fay", "file password")).toBeDefined();
      expect(await users.verify("eve", "env password")).toBeDefined();
    } finally {
      await db.close();
    }
  });

  it("asks for the password on a terminal without echoing it, even when typed ahead of the second prompt", async () => {
    const terminal = pty.spawn(process.execPath, [BIN, "user", "add", "pat"], { env: env as Record<string, string>, cols: 80, rows: 24 });
    let screen = "";
    const waitFor = (pattern: RegExp): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (pattern.test(screen)) resolve();
          else setTimeout(check, 20);
        };
        check();
      });
    terminal.onData((data) => (screen += data));
    const exited = new Promise<number>((resolve) => terminal.onExit(({ exitCode }) => resolve(exitCode)));
    await waitFor(/password \(empty to generate one\): $/);
    // Both answers at once, as a paste would: the second arrives before its prompt.
    terminal.write("typed secret words\rtyped secret words\r");
    expect(await exited).toBe(0);
    expect(screen).toMatch(/the same password again: [\s\S]*added user pat/);
    expect(screen).not.toContain("typed secret words");
    const db = await openLevel(path.join(dataDir, "db"));
    try {
      expect(await new UserStore(db).verify("pat", "typed secret words")).toBeDefined();
    } finally {
      await db.close();
    }
  });

  it("refuses bad flags and arguments with exit 2, a message naming the problem, and no change", async () => {
    const file = path.join(dataDir, "..", `pw2-${path.basename(dataDir)}`);
    await writeFile(file, "some password\n");
    const cases: Array<[string[], RegExp]> = [
      [["user", "add", "zed", "--bogus"], /Unknown option '--bogus'[\s\S]*usage: taiku user add/],
      [["user", "add", "zed", "--password"], /--password <value>' argument missing/],
      [["user", "add", "zed", "extra", "--password-file", file], /unexpected argument extra/],
      [["user", "add", "zed", "--password", "a long one", "--password-file", file], /not both/],
      [["user", "add", "zed", "--password-file", path.join(dataDir, "no-such-file")], /cannot read --password-file/],
      [["user", "add", "--password-file", file], /a user name is required/],
      [["user", "remove", "zed"], /unknown command: user remove/],
      [["serve", "--port", "80"], /Unknown option '--port'[\s\S]*usage: taiku serve/],
      [["plugin", "add"], /usage: taiku plugin/],
      [["plugin", "list", "extra"], /usage: taiku plugin/],
      [["plugin", "remove", "hello", "--force"], /Unknown option '--force'/],
      [["share", "s1", "--bogus"], /Unknown option '--bogus'[\s\S]*usage: taiku share/],
      [["share", "s1", "--fs=yes"], /'--fs' does not take an argument/],
    ];
    for (const [args, message] of cases) {
      const result = await taikuInProcess(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toMatch(message);
    }
    // None of them registered zed or touched the plugins: zed is free, and the list is the bundled one.
    expect((await taikuInProcess(["user", "add", "zed", "--password-file", file])).code).toBe(0);
    expect((await taikuInProcess(["plugin", "list"])).stdout).not.toMatch(/\tlocal\t/);
    await rm(file, { force: true });
  });

  it("prints its version and each command's usage", async () => {
    const version = await taikuInProcess(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(await readFile(path.join(path.dirname(BIN), "..", "package.json"), "utf8")).version);
    for (const command of ["serve", "user", "plugin", "share"]) {
      const help = await taikuInProcess([command, "--help"]);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toMatch(new RegExp(`usage: taiku ${command}`));
    }
  });

  it("prints usage for unknown commands", async () => {
    const unknown = await taikuInProcess(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/usage/);
  });

  it("serves, and on SIGTERM flushes every write, exits 0, and restarts with the data intact", async () => {
    const first = await serve();
    const login = await fetch(`${first.base}/api/login`, { method: "POST", body: JSON.stringify({ name: "ada", password: "long password" }) });
    const { token } = (await login.json()) as { token: string };
    const created = await fetch(`${first.base}/api/sessions`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ title: "t" }) });
    const { sessionId } = (await created.json()) as { sessionId: string };

    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`${first.base.replace("http", "ws")}/sync`, `sessions/${sessionId}/kv/notes`, doc, {
      params: { token },
      WebSocketPolyfill: WebSocket as never,
      disableBc: true,
    });
    await new Promise<void>((resolve) => provider.once("sync", () => resolve()));
    for (let i = 0; i < 50; i++) doc.getMap("kv").set(`k${i}`, i);
    await new Promise((r) => setTimeout(r, 100));
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    provider.destroy();

    const second = await serve();
    const again = new Y.Doc();
    const reader = new WebsocketProvider(`${second.base.replace("http", "ws")}/sync`, `sessions/${sessionId}/kv/notes`, again, {
      params: { token },
      WebSocketPolyfill: WebSocket as never,
      disableBc: true,
    });
    await new Promise<void>((resolve) => reader.once("sync", () => resolve()));
    expect(again.getMap("kv").size).toBe(50);
    reader.destroy();
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });
});
