/**
 * Test helper run as its own process by `snapshotCrash.test.ts`: the taiku
 * server wired as `taiku serve` wires it (same data directory layout, same
 * event store, relay and HTTP side), with a short snapshot cadence, that
 * kills itself with SIGKILL at one chosen step of one snapshot write of a
 * session KV document — the way `kill -9` would land there.
 *
 * Environment, besides what `taiku serve` reads:
 * - `TAIKU_KILL_STEP`: one of `KILL_STEPS` below;
 * - `TAIKU_KILL_SNAPSHOT`: which snapshot write of a KV document to kill
 *   in (1 for the first; default 2, so that an earlier snapshot exists).
 *
 * The steps are the LevelDB calls the store makes for a snapshot: one
 * batch putting the state and its state vector, then clears of the older
 * snapshots, their vectors and the snapshots of earlier versions. The
 * process writes `killed at <step>` to stderr (synchronous on a pipe) just
 * before it dies.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "../../server/src/config";
import { assembleServer } from "../../server/src/assembleServer";
import { createLogger } from "../../server/src/logger";
import { withSessionEvents } from "../../server/src/shells/withSessionEvents";
import { createLevelEventStore, openLevel, type ServerLevel } from "../../server/src/store/index";
import { createRelay } from "../../server/src/sync/createRelay";

/** Where in a snapshot write the process dies. */
const KILL_STEPS = [
  "before-batch",
  "during-batch",
  "after-batch",
  "during-clear-snapshots",
  "after-clear-snapshots",
  "after-clear-vectors",
  "after-clear-former",
] as const;

type KillStep = (typeof KILL_STEPS)[number];

/** Events between the snapshots of this relay. */
const SNAPSHOT_EVERY = 40;

function die(step: KillStep): never {
  process.stderr.write(`killed at ${step}\n`);
  process.kill(process.pid, "SIGKILL");
  return process.exit(1);
}

/** The snapshot sublevel's key prefix a range or put names, if any (`u`, `v` or `s`). */
function snapshotSublevelOf(text: unknown): string | null {
  if (typeof text !== "string") return null;
  return /^!events!!([uvs])!sessions\/[^!]*\/kv\//.exec(text)?.[1] ?? null;
}

/** Makes `db` die at `step` of the `nth` snapshot write of a KV document. */
function killAt(db: ServerLevel, step: KillStep, nth: number): void {
  let snapshots = 0;
  let inKilled = false;
  const batch = db.batch.bind(db) as () => ReturnType<ServerLevel["batch"]>;
  (db as { batch: unknown }).batch = (...args: unknown[]) => {
    if (args.length > 0) return (batch as (...rest: unknown[]) => unknown)(...args);
    const chained = batch();
    let isSnapshot = false;
    const put = chained.put.bind(chained);
    chained.put = ((key: string, value: Uint8Array, options?: { sublevel?: { prefix?: string } }) => {
      if (snapshotSublevelOf(`${options?.sublevel?.prefix ?? ""}${key}`) === "u") isSnapshot = true;
      return put(key, value, options as never);
    }) as typeof chained.put;
    const write = chained.write.bind(chained);
    chained.write = (async (options?: unknown) => {
      if (!isSnapshot) return write(options as never);
      snapshots++;
      inKilled = snapshots === nth;
      if (inKilled && step === "before-batch") die(step);
      const written = write(options as never);
      if (inKilled && step === "during-batch") die(step);
      await written;
      if (inKilled && step === "after-batch") die(step);
    }) as typeof chained.write;
    return chained;
  };
  const clear = db.clear.bind(db);
  db.clear = (async (options?: { gt?: string; gte?: string }) => {
    const sublevel = snapshotSublevelOf(options?.gt ?? options?.gte);
    const cleared = clear(options as never);
    if (!inKilled || sublevel === null) return cleared;
    if (sublevel === "u" && step === "during-clear-snapshots") die(step);
    await cleared;
    if (sublevel === "u" && step === "after-clear-snapshots") die(step);
    if (sublevel === "v" && step === "after-clear-vectors") die(step);
    if (sublevel === "s" && step === "after-clear-former") die(step);
  }) as typeof db.clear;
}

const step = process.env.TAIKU_KILL_STEP as KillStep | undefined;
if (step === undefined || !KILL_STEPS.includes(step)) throw new Error(`TAIKU_KILL_STEP must be one of ${KILL_STEPS.join(", ")}`);
const config = loadConfig(process.env);
const logger = createLogger(config.logLevel);
await mkdir(path.join(config.dataDir, "plugins"), { recursive: true });
const db = await openLevel(path.join(config.dataDir, "db"));
killAt(db, step, Number(process.env.TAIKU_KILL_SNAPSHOT ?? 2));
const events = createLevelEventStore(db.sublevel("events"));
const relay = withSessionEvents(logger, (extensions) =>
  createRelay({ store: events, logger, maxKvDocsPerSession: config.limits.maxKvDocsPerSession, extensions, snapshotEvery: SNAPSHOT_EVERY }),
);
const server = assembleServer({
  config,
  logger,
  db,
  events,
  relay,
  onClose: async () => {
    await events.close();
    await db.close();
  },
});
await server.listen();
