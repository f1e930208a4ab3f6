/**
 * Starts and stops the systems under test as child processes on 127.0.0.1
 * with a free port and their own data directory, and reads their CPU time
 * and memory from `/proc`. taiku runs its JavaScript build, made from the
 * current sources before its first start in each run. A process that does not report ready in time is
 * killed and reported as an error; every process started here is stopped by
 * the caller (`stop()` or `kill9()`), and {@link stopAllSystems} ends any
 * left over when the runner exits.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readCpuMs, readMemoryKb, type MemoryKb } from "./processStats";

/** The systems the relay benchmarks compare. */
export type SystemName = "taiku" | "baseline" | "hocuspocus" | "floor";

/** The three systems every relay benchmark compares, in the order they are interleaved. */
export const ALL_SYSTEMS: readonly SystemName[] = ["taiku", "baseline", "floor"];

/** Systems that keep documents on disk (the floor keeps nothing). */
export const PERSISTENT_SYSTEMS: readonly SystemName[] = ["taiku", "baseline"];

/** The systems of kv-contend: every relay, the second peer (Hocuspocus, with its own protocol) included. */
export const CONTEND_SYSTEMS: readonly SystemName[] = ["taiku", "baseline", "hocuspocus", "floor"];

/** The persistent systems of cold-open: taiku and both peers. */
export const COLD_OPEN_SYSTEMS: readonly SystemName[] = ["taiku", "baseline", "hocuspocus"];

const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REPO_ROOT = path.resolve(BENCH_DIR, "..");
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

const running = new Set<ChildProcess>();

/** A running system process. */
export interface SystemProcess {
  readonly name: SystemName;
  readonly pid: number;
  readonly port: number;
  readonly dataDir: string;
  /** Milliseconds from spawn until the process reported it was listening. */
  readonly startMs: number;
  /** CPU time used so far, ms. */
  cpuMs(): number;
  /** Current and peak resident memory, KiB. */
  memoryKb(): MemoryKb;
  /** The live heap after a full garbage collection, bytes (the system's own probe: `systems/heapProbe.mjs`). */
  heapBytes(): Promise<number>;
  /**
   * SIGTERM (the system flushes what it can), then waits for the exit; after
   * `graceMs` (default 15 s) it is killed.
   */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill9(): Promise<void>;
}

function commandFor(name: SystemName): readonly string[] {
  switch (name) {
    case "taiku":
      return [path.join(BENCH_DIR, "systems", "taiku.mjs")];
    case "baseline":
      return [path.join(BENCH_DIR, "systems", "baseline.mjs")];
    case "hocuspocus":
      return [path.join(BENCH_DIR, "systems", "hocuspocus.mjs")];
    case "floor":
      return [path.join(BENCH_DIR, "systems", "floor.mjs")];
  }
}

let serverBuild: Promise<void> | null = null;

/** Builds the server's JavaScript (`scripts/build-server.mjs`) once per run, before taiku first starts. */
function buildServerOnce(): Promise<void> {
  serverBuild ??= new Promise<void>((resolve, reject) => {
    execFile(process.execPath, [path.join(REPO_ROOT, "scripts", "build-server.mjs")], { cwd: REPO_ROOT }, (error, _stdout, stderr) => {
      if (error === null) resolve();
      else reject(new Error(`building the server failed: ${stderr || error.message}`));
    });
  });
  return serverBuild;
}

/** Spawns `name` with its data in `dataDir` (and `extraEnv` in its environment) and resolves once it listens. */
export async function startSystem(name: SystemName, dataDir: string, extraEnv: Readonly<Record<string, string>> = {}): Promise<SystemProcess> {
  if (name === "taiku") await buildServerOnce();
  const started = performance.now();
  const child = spawn(process.execPath, ["--expose-gc", ...commandFor(name)], {
    cwd: REPO_ROOT,
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "error",
      TAIKU_DATA_DIR: dataDir,
      BENCH_DATA_DIR: dataDir,
      // The benchmark's own REST calls (sign-up, sessions) must not hit the per-token rate limit.
      TAIKU_RATE_BURST: "100000",
      TAIKU_RATE_PER_SECOND: "100000",
      // Every benchmark client connects from 127.0.0.1: the per-address cap on connections is for one abusive address.
      TAIKU_MAX_CONNECTIONS_PER_ADDRESS: "100000",
      ...extraEnv,
    },
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => running.delete(child));
  let stderrTail = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} did not start within ${READY_TIMEOUT_MS} ms: ${stderrTail}`));
    }, READY_TIMEOUT_MS);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready: ${stderrTail}`));
    });
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      buffered += chunk;
      const match = /BENCH_READY (\d+)/.exec(buffered);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(Number(match[1]));
        buffered = "";
      } else if (buffered.length > 10_000) {
        buffered = buffered.slice(-100);
      }
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} has no pid`);
  const heapWaiters: Array<(bytes: number) => void> = [];
  let probeOutput = "";
  child.stdout?.on("data", (chunk: string) => {
    probeOutput = (probeOutput + chunk).slice(-1000);
    for (let match = /BENCH_HEAP (\d+)\n/.exec(probeOutput); match !== null; match = /BENCH_HEAP (\d+)\n/.exec(probeOutput)) {
      probeOutput = probeOutput.slice(match.index + match[0].length);
      heapWaiters.shift()?.(Number(match[1]));
    }
  });
  const heapBytes = (): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not answer the heap probe`)), 30_000);
      heapWaiters.push((bytes) => {
        clearTimeout(timer);
        resolve(bytes);
      });
      child.stdin?.write("heap\n");
    });
  const waitExit = async (signal: NodeJS.Signals, graceMs = STOP_TIMEOUT_MS): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    name,
    pid,
    port,
    dataDir,
    startMs: performance.now() - started,
    cpuMs: () => readCpuMs(pid),
    memoryKb: () => readMemoryKb(pid),
    heapBytes,
    stop: (graceMs) => waitExit("SIGTERM", graceMs),
    kill9: () => waitExit("SIGKILL"),
  };
}

/** Kills every system process still running (used when the runner exits). */
export function stopAllSystems(): void {
  for (const child of running) child.kill("SIGKILL");
}
