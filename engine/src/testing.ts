/**
 * `@taiku/engine/testing` — helpers for the tests of code built on the
 * engine. Kept out of the main entry because it imports Vitest.
 */
export type { EventStoreFixture } from "./eventlog/eventStoreContract";
export { runEventStoreContract } from "./eventlog/eventStoreContract";
export { randomUpdates, randomEvents, RANDOM_UPDATE_KEYS } from "./eventlog/randomUpdates";
