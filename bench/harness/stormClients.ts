/**
 * Child process for reconnect-storm: holds many stock replicas of one
 * document, apart from the probe's process so their CPU does not distort
 * the probe's clock. Protocol over the IPC channel:
 * parent sends `{ type: "connect", target, count, expectKeys }`, child
 * answers `{ type: "ready", ms }` once all are synced; parent sends
 * `{ type: "storm" }`, child drops every replica and opens `count` new ones
 * at once (empty documents, as after a reload) and answers
 * `{ type: "synced", ms, complete }` when all hold `expectKeys` keys (or
 * just report synced when `expectKeys` is 0), or after its time limit.
 * Exits when the parent disconnects.
 */
import type { DocTarget } from "./docTarget";
import { connectReplica, type ReplicaClient } from "./replicaClient";
import { waitFor } from "./stats";

/** Messages the parent sends. */
export type StormCommand =
  | { readonly type: "connect"; readonly target: DocTarget; readonly count: number; readonly expectKeys: number; readonly timeoutMs: number }
  | { readonly type: "storm" };

/** Messages the child sends. */
export type StormReport =
  | { readonly type: "ready"; readonly ms: number; readonly complete: boolean }
  | { readonly type: "synced"; readonly ms: number; readonly complete: boolean };

// Every stock provider registers a process exit handler; hundreds are expected here.
process.setMaxListeners(0);

let replicas: ReplicaClient[] = [];
let settings: Extract<StormCommand, { type: "connect" }> | undefined;

async function connectAll(): Promise<{ ms: number; complete: boolean }> {
  const current = settings;
  if (current === undefined) throw new Error("storm before connect");
  const started = performance.now();
  replicas = Array.from({ length: current.count }, () => connectReplica(current.target));
  const complete = await waitFor(
    () => replicas.every((replica) => replica.provider.synced && replica.kv.size >= current.expectKeys),
    current.timeoutMs,
  );
  return { ms: performance.now() - started, complete };
}

function send(report: StormReport): void {
  process.send?.(report);
}

process.on("message", (command: StormCommand) => {
  if (command.type === "connect") {
    settings = command;
    void connectAll().then((result) => send({ type: "ready", ...result }));
  } else {
    for (const replica of replicas) replica.destroy();
    void connectAll().then((result) => send({ type: "synced", ...result }));
  }
});

process.on("disconnect", () => {
  for (const replica of replicas) replica.destroy();
  process.exit(0);
});
