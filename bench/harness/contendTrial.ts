/**
 * One contended-writes trial on a running deployment: N writers and two full
 * replicas (one of them the latency observer) on one session KV document,
 * then measured phases (fixed rate, saturation), then the convergence check.
 * kv-contend runs it for each system and client count; the phase measure is
 * shared with the other benchmarks that drive writes.
 */
import type { Deployment } from "./deployment";
import { checkConvergence, LatencyObserver, WriterPool, type Convergence } from "./kvWorkload";
import { connectPeerReplica, connectPeerWriter } from "./peerClients";
import type { FullReplica } from "./replicaClient";
import { summarizeLatency, waitFor, type LatencySummary } from "./stats";
import type { WriterClient } from "./writerClient";

/** Figures of one measured phase. */
export interface PhaseFigures {
  /** Updates the observer saw during the phase. */
  readonly accepted: number;
  readonly updatesPerSecond: number;
  readonly latencyMs: LatencySummary;
  /** Server CPU per 1,000 accepted updates, ms. */
  readonly cpuMsPer1000: number;
  /** Every write made was seen by the observer before the phase ended. */
  readonly drained: boolean;
}

/** Clients connected for a contended-writes workload. */
export interface ContendClients {
  readonly writers: WriterClient[];
  readonly replicas: FullReplica[];
  readonly observer: LatencyObserver;
  readonly pool: WriterPool;
  close(): void;
}

/** Connects `writerCount` writers and two replicas to session 0's KV, and waits until all are synced. */
export async function connectContendClients(deployment: Deployment, writerCount: number, keysPerWriter: number, timeoutMs = 30_000): Promise<ContendClients> {
  const target = deployment.target(0);
  const replicas = [connectPeerReplica(target), connectPeerReplica(target)];
  const writers = Array.from({ length: writerCount }, () => connectPeerWriter(target));
  const close = (): void => {
    for (const writer of writers) writer.close();
    for (const replica of replicas) replica.destroy();
  };
  const synced = await waitFor(() => writers.every((writer) => writer.synced()) && replicas.every((replica) => replica.synced()), timeoutMs);
  if (!synced) {
    const count = writers.filter((writer) => writer.synced()).length;
    close();
    throw new Error(`clients did not sync within ${timeoutMs} ms (${count}/${writerCount} writers synced)`);
  }
  const observerReplica = replicas[0];
  if (observerReplica === undefined) throw new Error("no observer replica");
  const observer = new LatencyObserver(observerReplica.kv);
  return { writers, replicas, observer, pool: new WriterPool(writers, keysPerWriter), close };
}

/** Runs `offer` and measures accepted updates, latency and server CPU until the observer saw every write. */
export async function measurePhase(deployment: Deployment, clients: ContendClients, offer: () => Promise<void>, drainMs = 15_000): Promise<PhaseFigures> {
  const { observer, pool } = clients;
  observer.latencies = [];
  observer.recording = true;
  const acceptedBefore = observer.accepted();
  const cpuBefore = deployment.system.cpuMs();
  const started = performance.now();
  await offer();
  const drained = await waitFor(() => pool.allSeenBy(observer), drainMs);
  const elapsedMs = performance.now() - started;
  const cpuMs = deployment.system.cpuMs() - cpuBefore;
  observer.recording = false;
  const accepted = observer.accepted() - acceptedBefore;
  return {
    accepted,
    updatesPerSecond: accepted / (elapsedMs / 1000),
    latencyMs: summarizeLatency(observer.latencies),
    cpuMsPer1000: accepted === 0 ? Number.NaN : (cpuMs / accepted) * 1000,
    drained,
  };
}

/** Waits for convergence of the trial's replicas and writers. */
export function convergenceOf(clients: ContendClients, timeoutMs = 15_000): Promise<Convergence> {
  return checkConvergence(clients.replicas, clients.writers, timeoutMs);
}
