/**
 * What the shells tests share: a real taiku server (createTaikuServer on
 * 127.0.0.1, a temp data dir, silent logs) that can be restarted on the same
 * port, users, a session and host tokens over the HTTP API, and a raw event viewer: a
 * plain WebSocket on the session document that records every event frame
 * and sends its own.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import {
  MESSAGE_TAIKU_EVENT,
  decodeSessionEvent,
  encodeSessionEvent,
  extensionParams,
  type SessionEvent,
  type SessionId,
} from "@taiku/engine";
import type { Logger } from "pino";
import { createConfig, type TaikuConfig } from "../../server/src/config";
import { createTaikuServer, type TaikuServer } from "../../server/src/createTaikuServer";

/** A server that can be stopped and started again on the same port and data. */
export interface ShellsServer {
  base: string;
  server: TaikuServer;
  /** Stops the server, runs `between` (if given), and starts it again on the same port and data. */
  restart(between?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
  call(method: string, route: string, token?: string, body?: unknown): Promise<{ status: number; json: any }>;
  signUp(name: string): Promise<{ token: string; userId: string }>;
  /** Creates a session owned by the user of `token`. */
  createSession(token: string): Promise<SessionId>;
  /** Creates a host token for `sessionId` as the member of `token` (what "Share a shell" does). */
  hostToken(sessionId: SessionId, token: string, body?: { label?: string; ttlHours?: number }): Promise<string>;
}

/** Starts a server on a free port with a fresh data dir (logging to `logger` when given). */
export async function startShellsServer(logger?: Logger): Promise<ShellsServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "taiku-shells-"));
  let config: TaikuConfig = createConfig({ host: "127.0.0.1", port: 0, dataDir, logLevel: process.env.TAIKU_TEST_LOG ?? "silent", clientDir: path.join(dataDir, "no-client") });
  const fixture: ShellsServer = {
    base: "",
    server: undefined as unknown as TaikuServer,
    async restart(between) {
      await fixture.server.close();
      await between?.();
      // Another test's socket may briefly hold the freed port: retry, then report why.
      for (let attempt = 1; ; attempt++) {
        fixture.server = await createTaikuServer({ config, ...(logger === undefined ? {} : { logger }) });
        try {
          await fixture.server.listen();
          return;
        } catch (cause) {
          await fixture.server.close();
          if (attempt >= 30 || (cause as NodeJS.ErrnoException).code !== "EADDRINUSE") throw cause;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
    async stop() {
      await fixture.server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
    async call(method, route, token, body) {
      const response = await fetch(fixture.base + route, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, json: await response.json() };
    },
    async signUp(name) {
      await fixture.call("POST", "/api/users", undefined, { name, password: "long password" });
      return (await fixture.call("POST", "/api/login", undefined, { name, password: "long password" })).json;
    },
    async createSession(token) {
      const created = await fixture.call("POST", "/api/sessions", token, { title: "shells" });
      if (created.status !== 201) throw new Error(`creating a session failed: ${created.status}`);
      return created.json.sessionId as SessionId;
    },
    async hostToken(sessionId, token, body = {}) {
      const created = await fixture.call("POST", `/api/sessions/${sessionId}/host-tokens`, token, body);
      if (created.status !== 201) throw new Error(`creating a host token failed: ${created.status} ${JSON.stringify(created.json)}`);
      return created.json.token as string;
    },
  };
  fixture.server = await createTaikuServer({ config, ...(logger === undefined ? {} : { logger }) });
  const { port } = await fixture.server.listen();
  config = { ...config, port };
  fixture.base = `http://127.0.0.1:${port}`;
  return fixture;
}

/** A raw socket on the session document that records events. */
export interface EventViewer {
  readonly ws: WebSocket;
  readonly events: SessionEvent[];
  /** Resolves with the close code when the relay closes the socket. */
  readonly closed: Promise<number>;
  /** Resolves once the socket is open. */
  readonly opened: Promise<void>;
  send(event: SessionEvent): void;
  /** All `shell:data` text received for a shell. */
  output(shellId: string): string;
  /** Waits for an event matching `match`. */
  waitFor<T extends SessionEvent>(match: (event: SessionEvent) => event is T, ms?: number): Promise<T>;
  waitFor(match: (event: SessionEvent) => boolean, ms?: number): Promise<SessionEvent>;
  close(): void;
}

/** Opens a raw event viewer on `sessions/<sid>`. */
export function openViewer(base: string, sessionId: SessionId, token: string): EventViewer {
  const ws = new WebSocket(`${base.replace("http", "ws")}/sync/sessions/${sessionId}?token=${encodeURIComponent(token)}&${new URLSearchParams(extensionParams())}`);
  const events: SessionEvent[] = [];
  const waiters = new Set<() => void>();
  ws.binaryType = "nodebuffer";
  ws.on("message", (data: Buffer) => {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (bytes[0] !== MESSAGE_TAIKU_EVENT) return;
    const decoded = decodeSessionEvent(bytes);
    if (decoded.error !== undefined) throw new Error(`the relay sent a malformed event: ${decoded.error}`);
    events.push(decoded.event);
    for (const waiter of [...waiters]) waiter();
  });
  const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const viewer: EventViewer = {
    ws,
    events,
    closed,
    opened,
    send(event) {
      ws.send(encodeSessionEvent(event));
    },
    output(shellId) {
      return events.flatMap((event) => (event.type === "shell:data" && event.data.shellId === shellId ? [event.data.data] : [])).join("");
    },
    waitFor(match: (event: SessionEvent) => boolean, ms = 8000): Promise<SessionEvent> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${ms} ms; got ${events.map((event) => event.type).join(", ")}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    close() {
      ws.close();
    },
  };
  return viewer;
}

/** Waits until `check()` holds (polling), or fails after `ms`. */
export async function until(check: () => boolean, ms = 8000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
