/** Placeholder until written. */
import type { Benchmark } from "../harness/benchResult";

/** Not written yet. */
export const offlineMerge: Benchmark = { name: "offline-merge", run: () => Promise.reject(new Error("not written yet")) };
