/** Session KV: live size accounting and the quota-checked entry map. */
export { KV_MAP, KV_QUOTA_BYTES, liveBytes, entryBytes } from "./liveSize";
export { LiveSizeTracker } from "./liveSizeTracker";
export { quotaVerdict } from "./quotaVerdict";
export { touchedBy } from "./touched";
export type { Touched } from "./touched";
export { createSessionKv, acquireTracker } from "./sessionKv";
export type { SessionKv, SessionKvOptions, KvChangeEvent, KvKeyChange } from "./sessionKv";
export { utf8Length, jsonStringBodyBytes, jsonBytes, valueJsonBytes, typeJsonBytes } from "./jsonBytes";
