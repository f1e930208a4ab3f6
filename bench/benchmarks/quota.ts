/** Placeholder until written. */
import type { Benchmark } from "../harness/benchResult";

/** Not written yet. */
export const quota: Benchmark = { name: "quota", run: () => Promise.reject(new Error("not written yet")) };
