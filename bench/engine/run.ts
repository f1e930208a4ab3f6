/**
 * Runs the engine benchmark alone: `node --import tsx bench/engine/run.ts [--smoke]`.
 * Prints a table and writes `bench/results/engine-alone.json` (`npm run bench -- engine` writes `engine.json`, the report's own).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { engineTable, runEngineBench } from "./engineBench";

const smoke = process.argv.includes("--smoke") || process.env.TAIKU_BENCH_SMOKE === "1";
const rows = runEngineBench({ smoke });
console.log(engineTable(rows));
const dir = new URL("../results/", import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL("engine-alone.json", dir), JSON.stringify({ name: "engine", smoke, node: process.version, rows }, null, 2));
