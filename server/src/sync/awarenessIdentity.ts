/**
 * The relay vouches for who is present: every awareness state a socket
 * sends is checked and rewritten before the relay stores or forwards it.
 *
 * - A state is at most {@link MAX_AWARENESS_STATE_BYTES} (8 KiB) of JSON.
 *   taiku's own state (`{ user: { userId, name, colour }, idle }`) is under
 *   200 bytes; editors that publish a cursor and a selection stay well under
 *   1 KiB. 8 KiB leaves room for plugins' presence while keeping what every
 *   peer receives on each change, and what a joiner receives for every
 *   participant, small: eight states a socket times 8 KiB is 64 KiB at most.
 * - A state is a JSON object (or `null`, which removes it). Its `user`
 *   object's `userId` and `name` are set from the connection's verified
 *   user (and `id`, when the client uses that name), so nobody appears as
 *   someone else, whatever the client put there; other fields are kept.
 * - A socket may not change or remove a state whose client id another
 *   user's socket announced: such entries are passed over (stock clients
 *   echo every state they receive, so they are no offence).
 *
 * A frame breaking the size or shape rule is refused as a whole: the caller
 * closes the socket (a permanent close code, so a stock client does not
 * retry the same state), and nothing of it is applied.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { SyncPeer } from "./relayTypes";

/** Largest awareness state one client may publish, in bytes of its JSON. */
export const MAX_AWARENESS_STATE_BYTES = 8 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `state` with its user fields set to `peer`'s. */
function vouched(state: Record<string, unknown>, peer: SyncPeer): Record<string, unknown> {
  const claimed = isPlainObject(state.user) ? state.user : {};
  const user: Record<string, unknown> = { ...claimed, userId: peer.userId, name: peer.name };
  if ("id" in claimed) user.id = peer.userId;
  return { ...state, user };
}

/**
 * Checks an awareness update from a socket of `peer` and returns it with
 * every state's user fields set to `peer`'s and other users' client ids left
 * out, or `{ error }` naming the first rule it breaks. `heldByOther(clientId)`
 * tells whether another user's socket announced that client id.
 */
export function vouchForAwareness(update: Uint8Array, peer: SyncPeer, heldByOther: (clientId: number) => boolean): { update: Uint8Array } | { error: string } {
  const decoder = decoding.createDecoder(update);
  const kept: { clientId: number; clock: number; json: string }[] = [];
  try {
    const count = decoding.readVarUint(decoder);
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const bytes = decoding.readVarUint8Array(decoder);
      if (bytes.byteLength > MAX_AWARENESS_STATE_BYTES) {
        return { error: `an awareness state of ${bytes.byteLength} bytes is over the limit of ${MAX_AWARENESS_STATE_BYTES}` };
      }
      // Stock clients send back every state they receive (with its clock, so it changes nothing): another
      // user's state is passed over, never taken as this user's word about it.
      if (heldByOther(clientId)) continue;
      const state: unknown = JSON.parse(utf8.decode(bytes));
      if (state !== null && !isPlainObject(state)) return { error: "an awareness state must be a JSON object or null" };
      kept.push({ clientId, clock, json: JSON.stringify(state === null ? null : vouched(state, peer)) });
    }
  } catch (cause) {
    return { error: `malformed awareness update (${String(cause)})` };
  }
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, kept.length);
  for (const { clientId, clock, json } of kept) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, json);
  }
  return { update: encoding.toUint8Array(encoder) };
}
