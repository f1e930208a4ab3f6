/** The quota judge: incoming updates (`createArbiter`), a host's plugin replica (`createPluginKvHost`), local changes (`guardLocalChanges`). */
export { createArbiter, rejectionOf, MalformedUpdateError } from "./createArbiter";
export type { Arbiter, ArbiterPolicy, ArbiterResult, RejectionReason } from "./createArbiter";
export { createReverter } from "./createReverter";
export type { Reverter, RevertibleChange } from "./createReverter";
export type { KvRejection } from "./kvRejection";
export { createPluginKvHost } from "./createPluginKvHost";
export type { PluginFrame, PluginKvHost, PluginKvHostOptions } from "./createPluginKvHost";
export { guardLocalChanges } from "./guardLocalChanges";
export type { LocalChangeGuard, LocalChangeGuardOptions } from "./guardLocalChanges";
