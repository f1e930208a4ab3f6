/**
 * A lightweight writer: a raw y-websocket client that owns a `Y.Doc`, sends
 * sync step 1 on connect, answers the server's step 1 with its own state,
 * and sends each local transaction as a sync update, but does not apply what
 * other peers write (it only counts it). With many writers in one process,
 * full replicas would spend the harness's CPU applying every peer's update
 * to every copy; writers keep the load on the server. Writers only touch
 * their own keys, so their updates never depend on anyone else's.
 * Convergence is checked on full replicas ({@link connectReplica}) plus each
 * writer's own last values.
 */
import { KV_MAP, MESSAGE_SYNC, MESSAGE_TAIKU_NOTICE } from "@taiku/engine";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import type { DocTarget } from "./docTarget";
import { WebSocketImpl } from "./wsClient";

const LOCAL = Symbol("local");

/** A raw writer connection. */
export interface WriterClient {
  readonly doc: Y.Doc;
  readonly kv: Y.Map<unknown>;
  /** True once the server's sync step 2 arrived. */
  synced(): boolean;
  /** True while the socket is open. */
  open(): boolean;
  /** Frames received from the server so far. */
  framesIn(): number;
  /** taiku notices (message type 100) received so far. */
  notices(): number;
  /** Writes `value` under `key` in one transaction (sent at once when connected). */
  set(key: string, value: unknown): void;
  close(): void;
}

/** A sync message: the message type, then what `write` puts after it. */
function syncFrame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** Opens a writer for `target`. */
export function connectWriter(target: DocTarget): WriterClient {
  const doc = new Y.Doc();
  const kv = doc.getMap<unknown>(KV_MAP);
  const query = new URLSearchParams(target.params).toString();
  const socket = new WebSocketImpl(`${target.serverUrl}/${target.room}${query === "" ? "" : `?${query}`}`);
  socket.binaryType = "arraybuffer";
  let synced = false;
  let framesIn = 0;
  let notices = 0;
  const send = (frame: Uint8Array): void => {
    if (socket.readyState === socket.OPEN) socket.send(frame as Uint8Array<ArrayBuffer>);
  };
  doc.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin === LOCAL) send(syncFrame((encoder) => syncProtocol.writeUpdate(encoder, update)));
  });
  socket.onopen = () => send(syncFrame((encoder) => syncProtocol.writeSyncStep1(encoder, doc)));
  socket.onmessage = (event: MessageEvent) => {
    framesIn++;
    const decoder = decoding.createDecoder(new Uint8Array(event.data as ArrayBuffer));
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_TAIKU_NOTICE) notices++;
    if (type !== MESSAGE_SYNC) return;
    const step = decoding.readVarUint(decoder);
    if (step === syncProtocol.messageYjsSyncStep1) send(syncFrame((encoder) => syncProtocol.readSyncStep1(decoder, encoder, doc)));
    else if (step === syncProtocol.messageYjsSyncStep2) synced = true;
  };
  socket.onerror = () => {
    synced = false;
  };
  return {
    doc,
    kv,
    synced: () => synced,
    open: () => socket.readyState === socket.OPEN,
    framesIn: () => framesIn,
    notices: () => notices,
    set(key, value) {
      doc.transact(() => kv.set(key, value), LOCAL);
    },
    close() {
      socket.close();
      doc.destroy();
    },
  };
}
