/**
 * What the authorship tests share: a real taiku server (the shells
 * fixture's), a session owned by alice that bob and carol joined, and stock
 * y-websocket clients on its session document that record every chat text
 * and shell title they ever held, so a test can say a forged entry never
 * reached them.
 */
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { sessionDocName, type SessionId } from "@taiku/engine";
import { until, type ShellsServer } from "../shells/shellsFixture";

/** A signed-in user. */
export interface Member {
  readonly token: string;
  readonly userId: string;
}

/** A stock y-websocket client on a session document. */
export interface StockClient {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  /** Every JSON string of every `chat` and `shells` entry this replica ever held. */
  readonly seen: Set<string>;
  /** Close codes the relay closed this client's sockets with. */
  readonly closes: number[];
  destroy(): void;
}

/** Creates a session owned by `owner` that each of `others` joined. */
export async function sharedSession(server: ShellsServer, owner: Member, others: readonly Member[]): Promise<SessionId> {
  const sessionId = await server.createSession(owner.token);
  for (const member of others) {
    const { code } = (await server.call("POST", `/api/sessions/${sessionId}/invites`, owner.token)).json as { code: string };
    const joined = await server.call("POST", `/api/sessions/${sessionId}/join`, member.token, { code });
    if (joined.status !== 200) throw new Error(`joining failed: ${joined.status}`);
  }
  return sessionId;
}

/** Connects a stock `WebsocketProvider` (no taiku extensions) to `sessions/<sid>` as the user of `token`, and waits until it synced. */
export async function stockClient(server: ShellsServer, sessionId: SessionId, token: string): Promise<StockClient> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${server.base.replace(/^http/, "ws")}/sync`, sessionDocName(sessionId), doc, {
    WebSocketPolyfill: WebSocket as never,
    params: { token },
    disableBc: true,
  });
  const seen = new Set<string>();
  const closes: number[] = [];
  const record = (): void => {
    for (const entry of doc.getArray("chat").toArray()) seen.add(JSON.stringify(entry));
    for (const entry of doc.getMap("shells").values()) seen.add(JSON.stringify(entry));
  };
  doc.on("update", record);
  provider.on("connection-close", (event) => {
    if (event !== null) closes.push(event.code);
  });
  await until(() => provider.synced, 8000, "stock client synced");
  return {
    doc,
    provider,
    seen,
    closes,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** The texts of a replica's chat, in order. */
export function chatTexts(doc: Y.Doc): string[] {
  return doc.getArray("chat").toArray().map((entry) => (entry as { text?: string }).text ?? "?");
}

/** What the relay holds for the session document's `chat`, `shells` and `activity`. */
export function relayView(server: ShellsServer, sessionId: SessionId): Promise<{ chat: unknown[]; shells: Record<string, unknown>; activity: unknown[] }> {
  return server.server.services.relay.read(sessionDocName(sessionId), (doc) => ({
    chat: doc.getArray("chat").toJSON(),
    shells: doc.getMap("shells").toJSON(),
    activity: doc.getArray("activity").toJSON(),
  }));
}

/** Waits until every replica's `root` equals the relay's. */
export async function converged(server: ShellsServer, sessionId: SessionId, replicas: readonly StockClient[], root: "chat" | "shells" | "activity"): Promise<void> {
  let relay = "";
  await until(() => {
    void relayView(server, sessionId).then((view) => (relay = JSON.stringify(view[root])));
    return relay !== "" && replicas.every((replica) => JSON.stringify(replica.doc.get(root, root === "shells" ? Y.Map : Y.Array).toJSON()) === relay);
  }, 8000, `every replica's ${root} equal to the relay's`);
}
