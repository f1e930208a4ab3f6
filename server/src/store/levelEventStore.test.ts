import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runEventStoreContract } from "@taiku/engine/testing";
import { createLevelEventStore } from "./levelEventStore";
import { openLevel } from "./openLevel";
import type { ServerLevel } from "./openLevel";

runEventStoreContract("LevelDB", async () => {
  const dir = await mkdtemp(join(tmpdir(), "taiku-events-"));
  let db: ServerLevel = await openLevel(dir);
  return {
    store: createLevelEventStore(db.sublevel("events")),
    reopen: async () => {
      await db.close();
      db = await openLevel(dir);
      return createLevelEventStore(db.sublevel("events"));
    },
    teardown: async () => {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
