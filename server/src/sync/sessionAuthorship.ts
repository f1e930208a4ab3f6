/**
 * Who said what in a session document: every entry that carries an author
 * was written by that author, or by the server for them.
 *
 * - `chat` (Y.Array of {@link ChatEntry}) is written by members' clients,
 *   so a message sent offline is kept and synced on reconnect like any
 *   other change; the relay checks each update that touches it against the
 *   connection's verified user ({@link chatAuthorship}): an entry it inserts
 *   must name that user (`userId`, and `name` as the server-written
 *   `members` map has it), and an entry it deletes must be that user's,
 *   unless the user owns the session (the owner moderates, as in most chat
 *   rooms). Nobody edits an entry: an edit is a delete and an insert, and
 *   deleting another member's entry is refused. Scripts post through
 *   `POST /api/sessions/:sid/chat`, and an author or the owner may delete
 *   through `DELETE …/chat/:messageId` (both written by the server).
 * - `activity` (Y.Array), `shells` (Y.Map shellId → entry) and `workspaces`
 *   (Y.Map workspaceId → entry) are written by the server only: `activity`
 *   from `POST …/activity`, with the poster beside the actor the poster
 *   names; `shells` from the host's `shell:open` / `shell:exit` and its
 *   socket closing, `workspaces` from the folder a host reports
 *   (`createSessionEvents.ts`). They are protected roots, like `members`
 *   and `plugins`.
 *
 * Either way a refused update goes through the relay's one judge
 * (`createArbiter`): it is kept and reverted in the same transaction, every
 * other replica receives both as one frame and never sees the forged entry,
 * and the writer's replica receives the compensation and converges.
 */
import { randomUUID } from "node:crypto";
import * as Y from "yjs";
import { parseDocName, sessionDocName, type ArbiterPolicy, type DocName, type EventOrigin, type SessionId, type UserId } from "@taiku/engine";
import type { Relay } from "./relayTypes";

/** Roots of a session document only the server writes, besides `members` and `plugins`. */
export const SERVER_WRITTEN_ROOTS = ["activity", "shells", "workspaces"] as const;

/** Chat entries the session document keeps (the oldest go first). */
export const MAX_CHAT_ENTRIES = 1000;

/** Longest chat message, in UTF-16 code units (the bridge's `sendChat` limit). */
export const MAX_CHAT_TEXT = 8000;

/** One chat message as the session document's `chat` array holds it. */
export interface ChatEntry {
  readonly id: string;
  /** The author: the verified user who posted it. */
  readonly userId: UserId;
  /** The author's display name when they posted it. */
  readonly name: string;
  readonly text: string;
  /** When the relay recorded it (ms since the Unix epoch). */
  readonly ts: number;
}

/**
 * `policy` for a session document with authorship added: the server-written
 * roots join its protected roots, and chat is judged by
 * {@link chatAuthorship}. Other documents' policies are returned unchanged.
 */
export function withAuthorship(name: DocName, policy: ArbiterPolicy): ArbiterPolicy {
  if (parseDocName(name)?.kind !== "session") return policy;
  return { ...policy, protectedRoots: [...(policy.protectedRoots ?? []), ...SERVER_WRITTEN_ROOTS], allows: chatAuthorship };
}

/** A root type as a document shares it. */
type RootType = Y.Doc["share"] extends Map<string, infer T> ? T : never;

/** The value under `key` of a root map, read from its items. */
function mapValue(type: RootType | undefined, key: string): unknown {
  const item = type?._map.get(key);
  return item === undefined || item.deleted ? undefined : item.content.getContent()[item.length - 1];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when `value` is a chat entry written by `userId` under `name`. */
function isEntryBy(value: unknown, userId: string, name: string): boolean {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    typeof value.text === "string" &&
    typeof value.ts === "number" &&
    value.userId === userId &&
    value.name === name
  );
}

/**
 * The chat rule, run inside an incoming update's transaction on the relay
 * (the transaction's origin is the sender's `EventOrigin`): every `chat`
 * entry the update inserted is a plain JSON entry by the sender under the
 * name the `members` map gives them, and every entry it deleted is the
 * sender's, unless the sender owns the session. An update that does not
 * touch `chat` is not looked at. Costs one walk of the chat array per
 * update that touches it.
 */
export function chatAuthorship(transaction: Y.Transaction, roots: ReadonlySet<string>): boolean {
  if (!roots.has("chat")) return true;
  const origin = transaction.origin as Partial<EventOrigin> | null;
  if (typeof origin?.userId !== "string") return false;
  const userId = origin.userId;
  // The roots are read as the relay holds them (maybe not yet typed): typing one inside the judged transaction
  // would replace the type the transaction recorded as changed.
  const doc = transaction.doc;
  const member = mapValue(doc.share.get("members"), userId);
  if (!isRecord(member) || typeof member.name !== "string") return false;
  const name = member.name;
  const owner = member.role === "owner";
  const chat = doc.share.get("chat");
  if (chat === undefined) return true;
  const insertedNow = (item: Y.Item): boolean => item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);
  // Entries live in the array's item list; a keyed item under `chat` is no entry at all.
  for (const item of chat._map.values()) if (insertedNow(item)) return false;
  for (let item = chat._start; item !== null; item = item.right) {
    if (insertedNow(item)) {
      if (item.deleted) continue;
      if (!(item.content instanceof Y.ContentAny)) return false;
      if (!item.content.getContent().every((entry) => isEntryBy(entry, userId, name))) return false;
    } else if (!owner && item.deleted && Y.isDeleted(transaction.deleteSet, item.id)) {
      if (!item.content.getContent().every((entry) => isRecord(entry) && entry.userId === userId)) return false;
    }
  }
  return true;
}

/** Appends a chat message by `author` to the session's `chat` (persisted, then broadcast) and returns it. */
export async function appendChat(relay: Relay, sessionId: SessionId, author: { userId: UserId; name: string }, text: string): Promise<ChatEntry> {
  const entry: ChatEntry = { id: randomUUID(), userId: author.userId, name: author.name, text, ts: Date.now() };
  await relay.transact(sessionDocName(sessionId), (doc) => {
    const chat = doc.getArray<unknown>("chat");
    chat.push([{ ...entry }]);
    if (chat.length > MAX_CHAT_ENTRIES) chat.delete(0, chat.length - MAX_CHAT_ENTRIES);
  });
  return entry;
}

/** Why a chat message could not be deleted. */
export type ChatDeleteRefusal = "not_found" | "not_author";

/**
 * Deletes chat message `messageId` when `by` wrote it or `owner` is true;
 * returns why not otherwise (and changes nothing).
 */
export async function deleteChat(relay: Relay, sessionId: SessionId, messageId: string, by: UserId, owner: boolean): Promise<ChatDeleteRefusal | null> {
  let refusal: ChatDeleteRefusal | null = "not_found";
  await relay.transact(sessionDocName(sessionId), (doc) => {
    const chat = doc.getArray<unknown>("chat");
    const at = indexOf(chat, messageId);
    if (at === -1) return;
    const author = (chat.get(at) as { userId?: unknown }).userId;
    if (author !== by && !owner) {
      refusal = "not_author";
      return;
    }
    chat.delete(at, 1);
    refusal = null;
  });
  return refusal;
}

function indexOf(chat: Y.Array<unknown>, messageId: string): number {
  let at = 0;
  for (const entry of chat) {
    if (typeof entry === "object" && entry !== null && (entry as { id?: unknown }).id === messageId) return at;
    at++;
  }
  return -1;
}
