/**
 * Starts a real taiku server for tests: a real LevelDB database in a fresh
 * temp folder, port 0 on 127.0.0.1, silent logs, the real relay and event
 * store (exactly what `createTaikuServer` builds). With `{ stubRelay: true }`
 * the relay is the {@link createStubRelay} stand-in instead, for tests that
 * need to see what the relay was handed. Also small helpers to call the API
 * with `fetch`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Level } from "level";
import pino from "pino";
import { createMemoryEventStore, type EventStore, type UserId } from "@taiku/engine";
import { assembleServer, type TaikuServer } from "../assembleServer";
import { createConfig, type TaikuConfigOverrides } from "../config";
import { createTaikuServer } from "../createTaikuServer";
import type { Relay } from "../sync/relayTypes";
import { createStubRelay, type StubRelay } from "./stubRelay";

/** A running test server. */
export interface TestServer {
  readonly server: TaikuServer;
  readonly relay: Relay;
  /** The stub relay, when started with `{ stubRelay: true }`. */
  readonly stub: StubRelay | undefined;
  readonly events: EventStore;
  readonly dataDir: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Calls the API; JSON bodies are serialised unless `raw` is given. */
  call(method: string, route: string, options?: CallOptions): Promise<CallResult>;
  /** Registers and logs in a user. */
  signUp(name: string, password?: string): Promise<{ token: string; userId: UserId }>;
  /** Stops the server and deletes the temp folder. */
  stop(): Promise<void>;
}

/** Options for {@link TestServer.call}. */
export interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly raw?: string | Uint8Array;
  readonly headers?: Record<string, string>;
}

/** What {@link TestServer.call} returns. */
export interface CallResult {
  readonly status: number;
  /** Parsed JSON when the answer was JSON, else `undefined`. */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly bytes: Buffer;
  readonly headers: Headers;
}

/** Options for {@link startTestServer}. */
export interface TestServerOptions {
  /** Use the stub relay and an in-memory event store instead of the real ones. */
  readonly stubRelay?: boolean;
}

/** Starts a server; `overrides` adjust the configuration (limits especially). */
export async function startTestServer(overrides: TaikuConfigOverrides = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "taiku-http-"));
  const config = createConfig({
    host: "127.0.0.1",
    port: 0,
    dataDir,
    logLevel: "silent",
    clientDir: path.join(dataDir, "client", "dist"),
    sdkBundlePath: path.join(dataDir, "sdk", "plugin-sdk.js"),
    ...overrides,
    // Tests sign many users up from one address.
    limits: { authBurst: 1000, ...overrides.limits },
  });
  const logger = pino({ level: "silent" });
  let server: TaikuServer;
  let stub: StubRelay | undefined;
  if (options.stubRelay === true) {
    const db = new Level<string, string>(path.join(dataDir, "stub-db"));
    await db.open();
    stub = createStubRelay();
    server = assembleServer({ config, logger, db, events: createMemoryEventStore(), relay: stub, onClose: () => db.close() });
  } else {
    server = await createTaikuServer({ config, logger });
  }
  const { relay, events } = server.services;
  const { port } = await server.listen();
  const url = `http://127.0.0.1:${port}`;

  const call = async (method: string, route: string, options: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body: string | Uint8Array | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] = "application/json";
    }
    const response = await fetch(url + route, { method, headers, body: body as BodyInit | undefined });
    const bytes = Buffer.from(await response.arrayBuffer());
    const isJson = response.headers.get("content-type")?.includes("json") ?? false;
    return { status: response.status, json: isJson ? JSON.parse(bytes.toString("utf8")) : undefined, bytes, headers: response.headers };
  };

  return {
    server,
    relay,
    stub,
    events,
    dataDir,
    url,
    call,
    async signUp(name, password = "correct horse battery") {
      const created = await call("POST", "/api/users", { body: { name, password } });
      if (created.status !== 201) throw new Error(`sign-up failed: ${created.status} ${created.bytes.toString()}`);
      const login = await call("POST", "/api/login", { body: { name, password } });
      if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.bytes.toString()}`);
      return login.json as { token: string; userId: UserId };
    },
    async stop() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
