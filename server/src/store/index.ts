/**
 * Server persistence: the LevelDB database and the event store on it.
 */
export type { ServerLevel } from "./openLevel";
export { openLevel } from "./openLevel";
export type { LevelDatabase, LevelEventStoreOptions } from "./levelEventStore";
export { createLevelEventStore } from "./levelEventStore";
export type { WriteQueue, WriteQueueOptions } from "./writeQueue";
export { createWriteQueue } from "./writeQueue";
