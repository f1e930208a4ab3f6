/**
 * quota: what the quota arbiter costs. The same recorded stream of client
 * updates (32 writers, 4 keys each) is applied to a fresh document with
 * `Y.applyUpdate` (arbiter off) and through the engine's arbiter (on), in
 * the bench process, interleaved, repeated; once with ~50-byte values (far
 * under the session KV quota) and once with values sized so live data
 * hovers at the limit and compensations happen. The relay runs exactly this
 * arbiter on every session KV update, so the ratio is its quota overhead.
 */
import { createArbiter, KV_MAP, KV_QUOTA_BYTES } from "@taiku/engine";
import * as Y from "yjs";
import { barOf, fmt, fmtSpread, type BenchContext, type BenchResult, type Benchmark, type Bar } from "../harness/benchResult";
import { spread } from "../harness/stats";

const WRITERS = 32;
const KEYS_PER_WRITER = 4;

interface Scenario {
  readonly name: string;
  /** Value padding length for write number `seq` of `writer`. */
  readonly padding: (writer: number, seq: number) => number;
}

/** A deterministic pseudo-random sequence (so runs are comparable). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Records `count` client updates from independent writer documents, round-robin. */
function recordStream(count: number, scenario: Scenario): Uint8Array[] {
  const docs = Array.from({ length: WRITERS }, (_, index) => {
    const doc = new Y.Doc();
    doc.clientID = index + 1;
    return doc;
  });
  const updates: Uint8Array[] = [];
  for (const doc of docs) doc.on("update", (update: Uint8Array) => updates.push(update));
  for (let seq = 0; updates.length < count; seq++) {
    const writer = seq % WRITERS;
    const doc = docs[writer];
    if (doc === undefined) continue;
    doc.getMap(KV_MAP).set(`w${writer}k${Math.floor(seq / WRITERS) % KEYS_PER_WRITER}`, { t: seq, w: writer, p: "x".repeat(scenario.padding(writer, seq)) });
  }
  for (const doc of docs) doc.destroy();
  return updates;
}

interface Pass {
  readonly cpuMs: number;
  readonly compensations: number;
}

function cpuNowMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function applyPlain(stream: readonly Uint8Array[]): Pass {
  const doc = new Y.Doc();
  const started = cpuNowMs();
  for (const update of stream) Y.applyUpdate(doc, update, "client");
  const cpuMs = cpuNowMs() - started;
  doc.destroy();
  return { cpuMs, compensations: 0 };
}

function applyArbitrated(stream: readonly Uint8Array[]): Pass {
  const doc = new Y.Doc();
  const arbiter = createArbiter(doc);
  let compensations = 0;
  const started = cpuNowMs();
  for (const update of stream) {
    const result = arbiter.apply(update, "client");
    if (!result.accepted) compensations++;
  }
  const cpuMs = cpuNowMs() - started;
  if (arbiter.liveBytes() > KV_QUOTA_BYTES) throw new Error(`arbiter left ${arbiter.liveBytes()} live bytes, over the quota`);
  arbiter.destroy();
  doc.destroy();
  return { cpuMs, compensations };
}

async function run(context: BenchContext): Promise<BenchResult> {
  const count = context.smoke ? 2_000 : 30_000;
  const passes = context.smoke ? 3 : 7;
  const random = seeded(7);
  // 128 keys × ~520 bytes ≈ 66 KB when every value is large: some writes push live data past the quota.
  const nearLimit: Scenario = { name: "near the limit", padding: () => 430 + Math.floor(random() * 120) };
  const scenarios: Scenario[] = [{ name: "~50-byte values", padding: () => 8 }, nearLimit];
  const rows: string[][] = [];
  const headlines: string[] = [];
  const bars: Bar[] = [];
  const data: Record<string, unknown> = {};
  const extraUsPerUpdate: Record<string, number> = {};
  let ok = true;
  for (const scenario of scenarios) {
    context.log(`quota: ${scenario.name}, ${count} updates × ${passes} passes`);
    const stream = recordStream(count, scenario);
    applyPlain(stream);
    applyArbitrated(stream);
    const plain: Pass[] = [];
    const arbitrated: Pass[] = [];
    for (let pass = 0; pass < passes; pass++) {
      plain.push(applyPlain(stream));
      arbitrated.push(applyArbitrated(stream));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const off = spread(plain.map((p) => (p.cpuMs / count) * 1000));
    const on = spread(arbitrated.map((p) => (p.cpuMs / count) * 1000));
    const overheads = spread(arbitrated.map((p, index) => p.cpuMs / (plain[index]?.cpuMs ?? Number.NaN) - 1).map((value) => value * 100));
    const compensations = arbitrated[0]?.compensations ?? 0;
    if (scenario === nearLimit && compensations === 0) {
      ok = false;
    }
    data[scenario.name] = { plain, arbitrated };
    bars.push(barOf(`off: ${scenario.name}`, off), barOf(`on: ${scenario.name}`, on));
    const extraUs = on.median - off.median;
    extraUsPerUpdate[scenario.name] = extraUs;
    rows.push([scenario.name, count.toLocaleString("en-US"), fmtSpread(off, 1), fmtSpread(on, 1), fmtSpread(overheads, 1), fmt(extraUs, 1), String(compensations)]);
    headlines.push(`${scenario.name}: the arbiter adds ${fmt(overheads.median, 1)}% to applying an update (${fmt(extraUs, 1)} µs per update; median of ${passes} interleaved passes; ${compensations} compensations per pass). Compare the µs with the relay's whole CPU per update in kv-contend.`);
  }
  return {
    name: "quota",
    title: "Quota arbiter on vs off",
    what: `A recorded stream of updates from ${WRITERS} writers × ${KEYS_PER_WRITER} keys is applied to a fresh document with plain Y.applyUpdate (off) and through the engine's quota arbiter (on), in-process, alternating, ${passes} passes each. Overhead is the per-pass CPU ratio minus one. The near-limit stream keeps live data at the ${KV_QUOTA_BYTES.toLocaleString("en-US")}-byte quota so compensations are computed.`,
    ok,
    headlines,
    notes: ok ? [] : ["the near-limit stream produced no compensation: the scenario no longer exercises the quota"],
    tables: [{ title: "CPU per 1,000 updates applied", columns: ["stream", "updates", "off ms/1k", "on ms/1k", "overhead %", "extra µs/update", "compensations per pass"], rows }],
    charts: [{ title: "CPU per 1,000 updates, arbiter off vs on (lower is better)", unit: "ms", bars }],
    params: { count, passes, writers: WRITERS, keysPerWriter: KEYS_PER_WRITER, extraUsPerUpdate },
    data,
  };
}

/** The quota benchmark. */
export const quota: Benchmark = { name: "quota", run };
