/** Placeholder until written. */
import type { Benchmark } from "../harness/benchResult";

/** Not written yet. */
export const reconnectStorm: Benchmark = { name: "reconnect-storm", run: () => Promise.reject(new Error("not written yet")) };
