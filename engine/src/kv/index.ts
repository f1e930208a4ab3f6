/** Session KV: live size accounting and the quota-checked entry map. */
export { KV_MAP, KV_QUOTA_BYTES, LiveSizeTracker, liveBytes, touchedBy, entryBytes } from "./liveSize";
export type { Touched, WeightHint } from "./liveSize";
export { createSessionKv, acquireTracker } from "./sessionKv";
export type { SessionKv, SessionKvOptions, KvChangeEvent, KvKeyChange } from "./sessionKv";
export { utf8Length, jsonStringBodyBytes, jsonBytes, valueJsonBytes, typeJsonBytes } from "./jsonBytes";
