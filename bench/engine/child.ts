/**
 * One process of the engine benchmark: runs every case and prints the rows
 * as JSON on stdout (`runEngineBenchProcesses` starts it; `--smoke` for tiny sizes).
 */
import { runEngineBench } from "./engineBench";

process.stdout.write(JSON.stringify(runEngineBench({ smoke: process.argv.includes("--smoke") })));
