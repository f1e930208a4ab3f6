/**
 * Shell output throughput through the relay: `head -c <N>M /dev/zero | base64`
 * in a shell shared by the host CLI (a child process running `taiku share`),
 * relayed by a taiku server (a child process running `taiku serve`) to the
 * viewer sockets of this process.
 * Reports MB/s of shell output received by the viewer, the relay's CPU time
 * (from /proc, before and after), and how long a small custom event between
 * two other members takes to cross the relay during the flood (whether the
 * session stays responsive).
 *
 * Run: `node --import tsx bench/shell-throughput.ts [--mb 50]`.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as pty from "@lydell/node-pty";
import WebSocket from "ws";
import { MESSAGE_TAIKU_EVENT, decodeSessionEvent, encodeSessionEvent, extensionParams, type SessionId } from "@taiku/engine";
import { readCpuMs } from "./harness/processStats";
import { percentile } from "./harness/stats";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const mbArg = process.argv.indexOf("--mb");
const MEGABYTES = mbArg > 0 ? Number(process.argv[mbArg + 1]) : 50;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

/** User plus system CPU seconds of a process, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  return readCpuMs(pid) / 1000;
}

async function call(base: string, method: string, route: string, token?: string, body?: unknown): Promise<any> {
  const response = await fetch(base + route, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

function viewer(base: string, sessionId: SessionId, token: string): Promise<WebSocket> {
  const ws = new WebSocket(`${base.replace("http", "ws")}/sync/sessions/${sessionId}?token=${token}&${new URLSearchParams(extensionParams())}`);
  ws.binaryType = "nodebuffer";
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

/** The same command in a bare pseudo-terminal, no relay: what the machine's pty delivers. */
function ptyBaseline(megabytes: number): Promise<{ mb: number; seconds: number }> {
  return new Promise((resolve) => {
    const term = pty.spawn("bash", ["--norc", "--noprofile", "-c", `head -c ${megabytes}M /dev/zero | base64`], { cols: 80, rows: 24, cwd: os.tmpdir(), env: process.env as Record<string, string> });
    let received = 0;
    const started = performance.now();
    term.onData((data) => (received += data.length));
    term.onExit(() => resolve({ mb: received / 1e6, seconds: (performance.now() - started) / 1000 }));
  });
}

async function main(): Promise<void> {
  const baseline = await ptyBaseline(MEGABYTES);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "taiku-shell-bench-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const relay = spawn(process.execPath, [path.join(ROOT, "server/bin/taiku.mjs"), "serve"], {
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), TAIKU_DATA_DIR: dataDir, LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const children = [relay];
  try {
    for (let i = 0; ; i++) {
      const up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
      if (up) break;
      if (i > 200) throw new Error("the relay did not start");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await call(base, "POST", "/api/users", undefined, { name: "bench", password: "bench password" });
    const { token } = await call(base, "POST", "/api/login", undefined, { name: "bench", password: "bench password" });
    const { sessionId } = await call(base, "POST", "/api/sessions", token, { title: "shell throughput" });
    const reader = await viewer(base, sessionId, token);
    const pinger = await viewer(base, sessionId, token);
    const ponger = await viewer(base, sessionId, token);
    const announced = new Promise<string>((resolve) => {
      reader.on("message", (data: Buffer) => {
        if (data[0] !== MESSAGE_TAIKU_EVENT) return;
        const decoded = decodeSessionEvent(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        if (decoded.error === undefined && decoded.event.type === "shell:open") resolve(decoded.event.data.shellId);
      });
    });
    const cli = spawn(process.execPath, [path.join(ROOT, "server/bin/taiku.mjs"), "share", sessionId, "--server", base], {
      env: { ...process.env, TAIKU_HOST_TOKEN: (await call(base, "POST", `/api/sessions/${sessionId}/host-tokens`, token, {})).token, SHELL: "/bin/sh" },
      stdio: ["ignore", "ignore", "ignore"],
    });
    children.push(cli);
    const shellId = await announced;
    await new Promise((resolve) => setTimeout(resolve, 300));

    let received = 0;
    let tail = "";
    const marker = "__DONE__42";
    const done = new Promise<void>((resolve) => {
      reader.on("message", (data: Buffer) => {
        if (data[0] !== MESSAGE_TAIKU_EVENT) return;
        const decoded = decodeSessionEvent(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        if (decoded.error !== undefined || decoded.event.type !== "shell:data" || decoded.event.data.shellId !== shellId) return;
        received += decoded.event.data.data.length;
        tail = (tail + decoded.event.data.data).slice(-64);
        if (tail.includes(marker)) resolve();
      });
    });
    const latencies: number[] = [];
    ponger.on("message", (data: Buffer) => {
      if (data[0] !== MESSAGE_TAIKU_EVENT || data.byteLength > 512) return;
      const decoded = decodeSessionEvent(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (decoded.error === undefined && decoded.event.type === "plugin:bench:ping") latencies.push(Date.now() - (decoded.event.data as { sent: number }).sent);
    });
    const pings = setInterval(() => pinger.send(encodeSessionEvent({ type: "plugin:bench:ping", data: { sent: Date.now() }, ts: Date.now() })), 50);

    const cpuBefore = cpuSeconds(relay.pid as number);
    const cliBefore = cpuSeconds(children[1]?.pid as number);
    const selfBefore = process.cpuUsage();
    const started = performance.now();
    const command = `head -c ${MEGABYTES}M /dev/zero | base64; echo __DONE__$((6*7))\r`;
    reader.send(encodeSessionEvent({ type: "shell:input", data: { shellId, data: command }, ts: Date.now() }));
    await done;
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = cpuSeconds(relay.pid as number);
    const cliAfter = cpuSeconds(children[1]?.pid as number);
    const self = process.cpuUsage(selfBefore);
    clearInterval(pings);

    const outputMB = received / 1e6;
    const result = {
      benchmark: "shell-throughput",
      inputMB: MEGABYTES * 1.048576,
      outputMB: Number(outputMB.toFixed(1)),
      seconds: Number(seconds.toFixed(2)),
      mbPerSecond: Number((outputMB / seconds).toFixed(1)),
      relayCpuSeconds: Number((cpuAfter - cpuBefore).toFixed(2)),
      relayCpuPercent: Number(((100 * (cpuAfter - cpuBefore)) / seconds).toFixed(0)),
      eventLatencyMs: { samples: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) },
      barePtyMbPerSecond: Number((baseline.mb / baseline.seconds).toFixed(1)),
      hostCliCpuSeconds: Number((cliAfter - cliBefore).toFixed(2)),
      viewersCpuSeconds: Number(((self.user + self.system) / 1e6).toFixed(2)),
      cores: os.cpus().length,
    };
    console.log("| shell output through the relay | value |");
    console.log("|---|---|");
    console.log(`| output received | ${result.outputMB} MB in ${result.seconds} s |`);
    console.log(`| throughput | ${result.mbPerSecond} MB/s |`);
    console.log(`| same command in a bare pty (no relay) | ${result.barePtyMbPerSecond} MB/s |`);
    console.log(`| host CLI CPU | ${result.hostCliCpuSeconds} s |`);
    console.log(`| relay CPU | ${result.relayCpuSeconds} s (${result.relayCpuPercent}% of one core) |`);
    console.log(`| custom event latency during the flood | p50 ${result.eventLatencyMs.p50} ms, p99 ${result.eventLatencyMs.p99} ms, max ${result.eventLatencyMs.max} ms (${result.eventLatencyMs.samples} samples) |`);
    console.log(JSON.stringify(result));
    for (const ws of [reader, pinger, ponger]) ws.close();
  } finally {
    for (const child of children.reverse()) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
