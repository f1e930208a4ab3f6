/**
 * Where a bench client connects: the sync URL, room and query parameters of
 * one session KV document on one system. For taiku this needs a user, a
 * token and real sessions (created over its REST API, so every sync upgrade
 * goes through authentication and the membership check); the baseline and
 * the floor accept any room name. Hocuspocus speaks its own protocol on
 * its root path (the document name travels in every frame), so a target
 * says which protocol its clients must speak. The {@link Access} is kept
 * across a restart on the same data directory.
 */
import { randomBytes } from "node:crypto";
import { extensionParams } from "@taiku/engine";
import type { SystemProcess } from "./systemProcess";

/** The wire protocol a system's clients speak. */
export type SyncProtocol = "y-websocket" | "hocuspocus";

/** What a client needs to reach one document. */
export interface DocTarget {
  readonly protocol: SyncProtocol;
  /** `ws://127.0.0.1:<port>/sync` (y-websocket) or `ws://127.0.0.1:<port>` (hocuspocus). */
  readonly serverUrl: string;
  /** `sessions/<sid>/kv/<pluginId>`. */
  readonly room: string;
  /** Query parameters (`token` for taiku). */
  readonly params: Readonly<Record<string, string>>;
}

/** Credentials and sessions prepared on one system. */
export interface Access {
  readonly token: string | undefined;
  readonly sessionIds: readonly string[];
}

async function postJson(port: number, route: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${port}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${route} answered ${response.status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Creates a user and `sessionCount` sessions on taiku; random session ids elsewhere. */
export async function prepareAccess(system: SystemProcess, sessionCount: number): Promise<Access> {
  if (system.name !== "taiku") {
    return { token: undefined, sessionIds: Array.from({ length: sessionCount }, () => randomBytes(8).toString("hex")) };
  }
  const credentials = { name: "bench", password: "bench-password-0" };
  await postJson(system.port, "/api/users", credentials);
  const login = await postJson(system.port, "/api/login", credentials);
  const token = String(login.token);
  const sessionIds: string[] = [];
  for (let i = 0; i < sessionCount; i++) {
    const created = await postJson(system.port, "/api/sessions", { title: `bench ${i}` }, token);
    const sessionId = String(created.sessionId);
    // The relay opens KV documents only for plugins a session knows: the benchmark's are enabled for the session.
    for (const pluginId of BENCH_PLUGIN_IDS) await enablePlugin(system.port, sessionId, pluginId, token);
    sessionIds.push(sessionId);
  }
  return { token, sessionIds };
}

/** The plugin ids benchmarks open KV documents for: `bench`, and `p0`…`p49` (idle-memory's documents per session). */
export const BENCH_PLUGIN_IDS: readonly string[] = ["bench", ...Array.from({ length: 50 }, (_, i) => `p${i}`)];

async function enablePlugin(port: number, sessionId: string, pluginId: string, token: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/api/sessions/${sessionId}/plugins/${pluginId}`, { method: "PUT", headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`enabling plugin ${pluginId} answered ${response.status}: ${await response.text()}`);
}

/** The target for plugin `pluginId`'s KV document in session number `sessionIndex`. */
export function docTarget(system: SystemProcess, access: Access, sessionIndex: number, pluginId = "bench"): DocTarget {
  const sessionId = access.sessionIds[sessionIndex];
  if (sessionId === undefined) throw new Error(`no session number ${sessionIndex} was prepared`);
  if (system.name === "hocuspocus") return { protocol: "hocuspocus", serverUrl: `ws://127.0.0.1:${system.port}`, room: `sessions/${sessionId}/kv/${pluginId}`, params: {} };
  return {
    protocol: "y-websocket",
    serverUrl: `ws://127.0.0.1:${system.port}/sync`,
    room: `sessions/${sessionId}/kv/${pluginId}`,
    params: access.token === undefined ? {} : { token: access.token, ...extensionParams() },
  };
}
