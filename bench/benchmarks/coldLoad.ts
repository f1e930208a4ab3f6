/** Placeholder until written. */
import type { Benchmark } from "../harness/benchResult";

/** Not written yet. */
export const coldLoad: Benchmark = { name: "cold-load", run: () => Promise.reject(new Error("not written yet")) };
