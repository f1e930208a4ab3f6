/**
 * The heap probe every benchmark system answers: the harness writes `heap`
 * on the process's stdin, and the process runs a full garbage collection
 * (it is started with `--expose-gc`) and prints `BENCH_HEAP <bytes>`, the
 * live heap left. RSS alone counts what V8 has not given back yet.
 */
export function answerHeapProbes() {
  let buffered = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => {
    buffered += chunk;
    for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
      const line = buffered.slice(0, end).trim();
      buffered = buffered.slice(end + 1);
      if (line !== "heap") continue;
      globalThis.gc?.();
      process.stdout.write(`BENCH_HEAP ${process.memoryUsage().heapUsed}\n`);
    }
  });
}
