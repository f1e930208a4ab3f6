/** Placeholder until written. */
import type { Benchmark } from "../harness/benchResult";

/** Not written yet. */
export const durability: Benchmark = { name: "durability", run: () => Promise.reject(new Error("not written yet")) };
