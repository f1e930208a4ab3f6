/** The relay's quota arbiter. */
export { createArbiter, MalformedUpdateError } from "./createArbiter";
export type { Arbiter, ArbiterPolicy, ArbiterResult, RejectionReason } from "./createArbiter";
export { createReverter } from "./createReverter";
export type { Reverter } from "./createReverter";
