/**
 * Runs the engine benchmark alone: `node --import tsx bench/engine/run.ts [--smoke] [--processes N]`.
 * Prints a table and writes `bench/results/engine-alone.json` (`npm run bench -- engine` writes `engine.json`, the report's own).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { ENGINE_PROCESSES, engineTable, runEngineBenchProcesses } from "./engineBench";

const smoke = process.argv.includes("--smoke") || process.env.TAIKU_BENCH_SMOKE === "1";
const at = process.argv.indexOf("--processes");
const processes = at >= 0 ? Number(process.argv[at + 1]) : smoke ? 1 : ENGINE_PROCESSES;
if (!Number.isInteger(processes) || processes < 1) throw new Error("--processes takes a whole number of at least 1");
const result = await runEngineBenchProcesses({ smoke, processes });
console.log(engineTable(result.summary));
const dir = new URL("../results/", import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL("engine-alone.json", dir), JSON.stringify({ name: "engine", smoke, node: process.version, processes, ...result }, null, 2));
