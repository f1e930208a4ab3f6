/**
 * idle-memory: 1,000 session KV documents loaded at once, each holding 10
 * keys, with the sockets of 4 idle clients spread across them (250 each;
 * raw writer connections, one per document). Memory per document is the
 * server's RSS growth from just after start-up to after the documents were
 * loaded and left idle, divided by the number of documents; heap per
 * document likewise, from each system's heap probe (the live heap after a
 * full collection). The documents idle longer than taiku's default unbuild
 * time (`TAIKU_IDLE_UNBUILD_SECONDS`, 10 s), as users' idle documents do.
 * The floor keeps no documents; its figure is the cost of the sockets alone,
 * and a system's heap per document over the floor's is what the document
 * itself costs.
 */
import { barOf, fmt, fmtSpread, ratio, type BenchContext, type BenchResult, type Benchmark, type Bar } from "../harness/benchResult";
import { withDeployment } from "../harness/deployment";
import { failures, interleave, successes } from "../harness/interleave";
import { sleep, spread, waitFor } from "../harness/stats";
import { ALL_SYSTEMS } from "../harness/systemProcess";
import { connectWriter, type WriterClient } from "../harness/writerClient";

const CLIENTS = 4;
const KEYS_PER_DOC = 10;
const DOCS_PER_SESSION = 50;
const BATCH = 100;
const MIB = 1024 * 1024;
/** Idle time before measuring in a full run: past taiku's default unbuild time (10 s). */
const IDLE_MS = 12_000;

interface Trial {
  readonly rssBeforeMiB: number;
  readonly rssAfterMiB: number;
  readonly kibPerDoc: number;
  readonly heapBeforeMiB: number;
  readonly heapAfterMiB: number;
  readonly heapKibPerDoc: number;
}

async function runTrial(system: (typeof ALL_SYSTEMS)[number], documents: number, settleMs: number): Promise<Trial> {
  const sessions = Math.ceil(documents / DOCS_PER_SESSION);
  return withDeployment(system, sessions, async (deployment) => {
    await sleep(settleMs);
    const before = deployment.system.memoryKb().rss;
    const heapBefore = await deployment.system.heapBytes();
    const sockets: WriterClient[] = [];
    try {
      for (let start = 0; start < documents; start += BATCH) {
        const batch: WriterClient[] = [];
        for (let index = start; index < Math.min(documents, start + BATCH); index++) {
          const target = deployment.target(Math.floor(index / DOCS_PER_SESSION), `p${index % DOCS_PER_SESSION}`);
          batch.push(connectWriter(target));
        }
        if (!(await waitFor(() => batch.every((socket) => socket.synced()), 60_000))) throw new Error("documents did not load in time");
        batch.forEach((socket, offset) => {
          for (let key = 0; key < KEYS_PER_DOC; key++) socket.set(`k${key}`, { client: (start + offset) % CLIENTS, p: "x".repeat(30) });
        });
        sockets.push(...batch);
      }
      await sleep(settleMs);
      if (!sockets.every((socket) => socket.open())) throw new Error("a socket closed while idle");
      const after = deployment.system.memoryKb().rss;
      const heapAfter = await deployment.system.heapBytes();
      return {
        rssBeforeMiB: before / 1024,
        rssAfterMiB: after / 1024,
        kibPerDoc: (after - before) / documents,
        heapBeforeMiB: heapBefore / MIB,
        heapAfterMiB: heapAfter / MIB,
        heapKibPerDoc: (heapAfter - heapBefore) / 1024 / documents,
      };
    } finally {
      for (const socket of sockets) socket.close();
    }
  });
}

async function run(context: BenchContext): Promise<BenchResult> {
  const documents = context.smoke ? 40 : 1_000;
  const settleMs = context.smoke ? 500 : IDLE_MS;
  context.log(`idle-memory: ${documents} documents, ${context.repetitions} repetition(s)`);
  const outcomes = await interleave(ALL_SYSTEMS, context.repetitions, (system) => runTrial(system, documents, settleMs), context.log);
  const rows: string[][] = [];
  const notes: string[] = [];
  const bars: Bar[] = [];
  const perDoc = new Map<string, number>();
  const heapPerDoc = new Map<string, number>();
  let ok = true;
  for (const system of ALL_SYSTEMS) {
    const trials = successes(outcomes.get(system));
    const failed = failures(outcomes.get(system));
    if (failed.length > 0) {
      if (system === "taiku") ok = false;
      notes.push(`${system}: ${failed.length} run(s) failed: ${failed[0]}`);
    }
    const kib = spread(trials.map((t) => t.kibPerDoc));
    const heapKib = spread(trials.map((t) => t.heapKibPerDoc));
    perDoc.set(system, kib.median);
    heapPerDoc.set(system, heapKib.median);
    bars.push(barOf(system, kib));
    rows.push([
      system,
      fmtSpread(spread(trials.map((t) => t.rssBeforeMiB))),
      fmtSpread(spread(trials.map((t) => t.rssAfterMiB))),
      fmtSpread(kib),
      fmtSpread(spread(trials.map((t) => t.heapAfterMiB))),
      fmtSpread(heapKib),
    ]);
  }
  const taiku = perDoc.get("taiku") ?? Number.NaN;
  const baseline = perDoc.get("baseline") ?? Number.NaN;
  const floor = perDoc.get("floor") ?? Number.NaN;
  const heapOverFloor = (system: string): number => (heapPerDoc.get(system) ?? Number.NaN) - (heapPerDoc.get("floor") ?? Number.NaN);
  return {
    name: "idle-memory",
    title: "Memory per loaded idle document",
    what: `${documents} session KV documents with ${KEYS_PER_DOC} keys each, loaded by ${documents} sockets of ${CLIENTS} idle clients; server RSS and live heap (after a full collection) growth over start-up, divided by the number of documents, after ${settleMs / 1000} s idle.`,
    ok,
    headlines: [
      `Memory per idle document: taiku ${fmt(taiku)} KiB, baseline ${fmt(baseline)} KiB (taiku/baseline ${ratio(taiku, baseline)}), floor (sockets only) ${fmt(floor)} KiB.`,
      `Heap per idle document: taiku ${fmt(heapPerDoc.get("taiku") ?? Number.NaN)} KiB, baseline ${fmt(heapPerDoc.get("baseline") ?? Number.NaN)} KiB, floor (sockets only) ${fmt(heapPerDoc.get("floor") ?? Number.NaN)} KiB; the document itself (over the floor): taiku ${fmt(heapOverFloor("taiku"))} KiB, baseline ${fmt(heapOverFloor("baseline"))} KiB.`,
    ],
    notes: [...notes, "RSS includes what the garbage collector has not yet returned; compare systems, not absolute KiB."],
    tables: [{ title: `Idle memory (${documents} documents)`, columns: ["system", "RSS at start MiB", "RSS loaded MiB", "RSS KiB per document", "heap loaded MiB", "heap KiB per document"], rows }],
    charts: [{ title: "Server memory per loaded idle document (lower is better)", unit: "KiB", bars }],
    params: { documents, clients: CLIENTS, keysPerDoc: KEYS_PER_DOC, settleMs, repetitions: context.repetitions },
    data: Object.fromEntries(outcomes),
  };
}

/** The idle-memory benchmark. */
export const idleMemory: Benchmark = { name: "idle-memory", run };
