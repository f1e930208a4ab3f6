/** Placeholder until written. */
import type { Benchmark } from "../harness/benchResult";

/** Not written yet. */
export const idleMemory: Benchmark = { name: "idle-memory", run: () => Promise.reject(new Error("not written yet")) };
