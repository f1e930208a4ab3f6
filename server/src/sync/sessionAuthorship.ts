/**
 * Who said what in a session document: the parts that carry an author are
 * written by the server, never by a client.
 *
 * - `chat` (Y.Array of {@link ChatEntry}) gets an entry when a member posts
 *   through `POST /api/sessions/:sid/chat`; the entry's `userId` and `name`
 *   are the caller's verified identity. Only the author, or the session
 *   owner, may delete it (`DELETE …/chat/:messageId`); nobody edits it.
 * - `activity` (Y.Array) gets an entry from `POST …/activity`, with the
 *   poster beside the actor the poster names.
 * - `shells` (Y.Map shellId → entry) is written from the host's
 *   `shell:open` / `shell:exit` and its socket closing
 *   (`createSessionEvents.ts`).
 *
 * A client update that touches any of these roots is compensated by the
 * relay's one judge (`createArbiter`, the same protected-root rule that
 * keeps `members` and `plugins` server-only): the update is kept and
 * reverted in the same transaction, every other replica receives both as
 * one frame and never sees the forged entry, and the writer's replica
 * receives the compensation and converges. Checking each client-inserted
 * entry against its sender instead would have needed a second judge that
 * reads entry contents and tells an author's delete from another member's;
 * with the server writing, an entry is true by construction.
 */
import { randomUUID } from "node:crypto";
import type * as Y from "yjs";
import { parseDocName, sessionDocName, type ArbiterPolicy, type DocName, type SessionId, type UserId } from "@taiku/engine";
import type { Relay } from "./relayTypes";

/** Roots of a session document the server writes for its authors (beside `members` and `plugins`). */
export const AUTHORED_ROOTS = ["chat", "activity", "shells"] as const;

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

/** `policy` with the authored roots added to its server-only roots, for a session document; other documents' policies unchanged. */
export function withAuthoredRoots(name: DocName, policy: ArbiterPolicy): ArbiterPolicy {
  if (parseDocName(name)?.kind !== "session") return policy;
  return { ...policy, protectedRoots: [...(policy.protectedRoots ?? []), ...AUTHORED_ROOTS] };
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
