/**
 * bridge: `getPluginData` round-trips through the real plugin bridge in
 * Chromium. Starts the real server with the `probe` test plugin, signs a
 * user in, opens a session with the probe's panel, and from inside the
 * sandboxed plugin frame times N sequential calls (latency: p50, p99, max)
 * and then N calls kept 32 in flight (throughput: requests/s). The bridge's
 * per-plugin rate limit is raised for the run so it measures the bridge, not
 * the limiter; the default limit is printed with the results.
 *
 * Run: `node --import tsx bench/bridge/run.ts` (`TAIKU_BENCH_SMOKE=1` for a
 * tiny run). Prints a table, then the figures as one JSON line.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_RATE_LIMIT } from "../../client/src/bridge/rateLimiter";
import { launchUser } from "../../test/e2e/support/browserUser";
import { startE2eServer } from "../../test/e2e/support/startE2eServer";
import { summarizeLatency } from "../harness/stats";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROBE = path.join(HERE, "..", "..", "test", "e2e", "fixtures", "probe");
const SMOKE = process.env.TAIKU_BENCH_SMOKE === "1";
const CALLS = SMOKE ? 200 : 5000;
const WARMUP = SMOKE ? 50 : 500;
const IN_FLIGHT = 32;

interface FrameFigures {
  readonly latenciesMs: number[];
  readonly pipelinedMs: number;
  readonly errors: number;
}

const server = await startE2eServer([PROBE]);
const user = await launchUser(server.url, "bench");
try {
  await user.page.evaluate(() => localStorage.setItem("taiku:bridge-rate-limit", JSON.stringify({ perSecond: 1e9, burst: 1e9, floodAfter: 1e9 })));
  await user.createSession("bridge bench");
  await user.enablePlugin("probe");
  const frame = await user.openPanel("probe", "probe");
  const figures = await frame.evaluate(
    async ({ calls, warmup, inFlight }): Promise<FrameFigures> => {
      const probe = (window as unknown as { probe: { setPluginData(k: string, v: unknown): Promise<void>; getPluginData(k: string): Promise<unknown> } }).probe;
      await probe.setPluginData("bench", { hello: "world", n: 42 });
      let errors = 0;
      for (let i = 0; i < warmup; i++) await probe.getPluginData("bench");
      const latenciesMs: number[] = [];
      for (let i = 0; i < calls; i++) {
        const started = performance.now();
        const value = await probe.getPluginData("bench");
        latenciesMs.push(performance.now() - started);
        if ((value as { n?: number } | null)?.n !== 42) errors++;
      }
      let next = 0;
      const pipelineStart = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < calls) {
            next++;
            const value = await probe.getPluginData("bench");
            if ((value as { n?: number } | null)?.n !== 42) errors++;
          }
        }),
      );
      return { latenciesMs, pipelinedMs: performance.now() - pipelineStart, errors };
    },
    { calls: CALLS, warmup: WARMUP, inFlight: IN_FLIGHT },
  );
  const latency = summarizeLatency(figures.latenciesMs);
  const sequentialMs = figures.latenciesMs.reduce((sum, ms) => sum + ms, 0);
  const result = {
    calls: CALLS,
    p50_ms: latency.p50,
    p99_ms: latency.p99,
    max_ms: latency.max,
    sequential_rps: CALLS / (sequentialMs / 1000),
    pipelined_rps: CALLS / (figures.pipelinedMs / 1000),
    in_flight: IN_FLIGHT,
    wrong_answers: figures.errors,
    default_limit_rps: DEFAULT_RATE_LIMIT.perSecond,
  };
  console.log("bridge round-trips (getPluginData, Chromium, sandboxed plugin frame → host → frame)");
  console.log(`  calls            ${CALLS}${SMOKE ? " (smoke)" : ""}`);
  console.log(`  p50              ${result.p50_ms.toFixed(3)} ms`);
  console.log(`  p99              ${result.p99_ms.toFixed(3)} ms`);
  console.log(`  max              ${result.max_ms.toFixed(3)} ms`);
  console.log(`  sequential       ${Math.round(result.sequential_rps)} requests/s`);
  console.log(`  ${IN_FLIGHT} in flight      ${Math.round(result.pipelined_rps)} requests/s`);
  console.log(`  wrong answers    ${result.wrong_answers}`);
  console.log(`  (default per-plugin limit: ${DEFAULT_RATE_LIMIT.perSecond} requests/s, raised for this run)`);
  console.log(JSON.stringify(result));
  if (figures.errors > 0) process.exitCode = 1;
} finally {
  await user.close();
  await server.stop();
}
