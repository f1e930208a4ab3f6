/**
 * Test helper run as its own process by `levelEventStore.test.ts`: opens the
 * event store in the LevelDB folder given as the first argument, with a
 * journal that would hold entries back from LevelDB for a minute, runs the
 * scenario named by the second argument, and kills itself with SIGKILL as
 * soon as the last append is confirmed, the way `kill -9` ends a relay.
 */
import { randomEvents } from "@taiku/engine/testing";
import type { DocName } from "@taiku/engine";
import { createLevelEventStore } from "./levelEventStore";
import { openLevel } from "./openLevel";

const [dir, scenario] = process.argv.slice(2);
if (dir === undefined) throw new Error("usage: killAfterAppend <dir> <scenario>");
const A = "sessions/a" as DocName;
const db = await openLevel(dir);
const store = createLevelEventStore(db.sublevel("events"), { flushDelayMs: 60_000 });
switch (scenario) {
  case "append":
    await store.append(A, randomEvents(A, 1, 3));
    await store.append(A, randomEvents(A, 2, 2));
    break;
  case "delete-then-append":
    await store.append(A, randomEvents(A, 3, 4));
    await store.deleteDoc(A);
    await store.append(A, randomEvents(A, 4, 1).map((event) => ({ ...event, ts: 42 })));
    break;
  default:
    throw new Error(`unknown scenario ${String(scenario)}`);
}
process.kill(process.pid, "SIGKILL");
