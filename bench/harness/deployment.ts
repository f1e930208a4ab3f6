/**
 * A system under test with its data directory and prepared access: start it
 * in a fresh temp dir, restart it on the same dir (after `stop()` or
 * `kill9()`), and always clean up — process stopped, directory removed —
 * however the workload ends.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { docTarget, prepareAccess, type Access, type DocTarget } from "./docTarget";
import { startSystem, type SystemName, type SystemProcess } from "./systemProcess";

/** A running system plus what clients need to reach it. */
export interface Deployment {
  readonly name: SystemName;
  readonly dataDir: string;
  readonly access: Access;
  /** The current process (replaced by {@link Deployment.restart}). */
  system: SystemProcess;
  /** Target of plugin `pluginId`'s KV document in session `sessionIndex`. */
  target(sessionIndex: number, pluginId?: string): DocTarget;
  /** Starts a new process on the same data dir (the old one must have exited). */
  restart(): Promise<SystemProcess>;
}

/** Starts `name` in a fresh temp dir with `sessions` sessions, runs `work`, then stops it and removes the dir. */
export async function withDeployment<T>(name: SystemName, sessions: number, work: (deployment: Deployment) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `taiku-bench-${name}-`));
  let system: SystemProcess | undefined;
  try {
    system = await startSystem(name, dataDir);
    const access = await prepareAccess(system, sessions);
    const deployment: Deployment = {
      name,
      dataDir,
      access,
      system,
      target(sessionIndex, pluginId) {
        return docTarget(this.system, access, sessionIndex, pluginId);
      },
      async restart() {
        system = await startSystem(name, dataDir);
        this.system = system;
        return system;
      },
    };
    return await work(deployment);
  } finally {
    await system?.kill9();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Starts every system in `names` (each as {@link withDeployment} does), runs
 * `work` with all of them up at once — so a benchmark can interleave its
 * measurements across systems — then stops them all.
 */
export async function withDeployments<T>(
  names: readonly SystemName[],
  sessions: number,
  work: (deployments: ReadonlyMap<SystemName, Deployment>) => Promise<T>,
  started: ReadonlyMap<SystemName, Deployment> = new Map(),
): Promise<T> {
  const [first, ...rest] = names;
  if (first === undefined) return work(started);
  return withDeployment(first, sessions, (deployment) => withDeployments(rest, sessions, work, new Map([...started, [first, deployment]])));
}
