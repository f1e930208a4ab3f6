/**
 * `@taiku/plugin-sdk/testing`: run plugin logic in tests without a session.
 * See docs/plugins/testing.md.
 */
export { MockHost } from "./MockHost";
export type { MockHostOptions, RecordedCall } from "./MockHost";
export { SimulatedParticipant } from "./SimulatedParticipant";
export type { MockData, MockState } from "./mockData";
export type { KvRejection } from "./mockRelay";
