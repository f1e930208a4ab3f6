/** Placeholder until written. */
import type { Benchmark } from "../harness/benchResult";

/** Not written yet. */
export const bridge: Benchmark = { name: "bridge", run: () => Promise.reject(new Error("not written yet")) };
