/**
 * A lightweight writer for Hocuspocus, the counterpart of
 * {@link connectWriter} in that system's protocol: every frame starts with
 * the document name, the connection opens with an authentication message
 * (an empty token; the bench server accepts any), then sync step 1. It
 * answers the server's step 1 with its own state and sends each local
 * transaction as a sync update, but does not apply what other peers write,
 * so many writers in one process keep the load on the server.
 */
import { KV_MAP } from "@taiku/engine";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import type { DocTarget } from "./docTarget";
import type { WriterClient } from "./writerClient";
import { WebSocketImpl } from "./wsClient";

/** Hocuspocus message types the writer sends or reads (its protocol's numbering). */
const HOCUSPOCUS_SYNC = 0;
const HOCUSPOCUS_AUTH = 2;
const HOCUSPOCUS_SYNC_REPLY = 4;
/** Authentication sub-message: a token follows. */
const AUTH_TOKEN = 0;

const LOCAL = Symbol("local");

/** Opens a Hocuspocus writer for `target` (a target whose protocol is `hocuspocus`). */
export function connectHocuspocusWriter(target: DocTarget): WriterClient {
  const doc = new Y.Doc();
  const kv = doc.getMap<unknown>(KV_MAP);
  const socket = new WebSocketImpl(target.serverUrl);
  socket.binaryType = "arraybuffer";
  let synced = false;
  let framesIn = 0;
  const frame = (type: number, write: (encoder: encoding.Encoder) => void): Uint8Array => {
    const encoder = encoding.createEncoder();
    encoding.writeVarString(encoder, target.room);
    encoding.writeVarUint(encoder, type);
    write(encoder);
    return encoding.toUint8Array(encoder);
  };
  const send = (bytes: Uint8Array): void => {
    if (socket.readyState === socket.OPEN) socket.send(bytes as Uint8Array<ArrayBuffer>);
  };
  doc.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin === LOCAL) send(frame(HOCUSPOCUS_SYNC, (encoder) => syncProtocol.writeUpdate(encoder, update)));
  });
  socket.onopen = () => {
    send(
      frame(HOCUSPOCUS_AUTH, (encoder) => {
        encoding.writeVarUint(encoder, AUTH_TOKEN);
        encoding.writeVarString(encoder, "");
      }),
    );
    send(frame(HOCUSPOCUS_SYNC, (encoder) => syncProtocol.writeSyncStep1(encoder, doc)));
  };
  socket.onmessage = (event: MessageEvent) => {
    framesIn++;
    const decoder = decoding.createDecoder(new Uint8Array(event.data as ArrayBuffer));
    decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    if (type !== HOCUSPOCUS_SYNC && type !== HOCUSPOCUS_SYNC_REPLY) return;
    const step = decoding.readVarUint(decoder);
    if (step === syncProtocol.messageYjsSyncStep1) send(frame(HOCUSPOCUS_SYNC_REPLY, (encoder) => syncProtocol.readSyncStep1(decoder, encoder, doc)));
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
    notices: () => 0,
    set(key, value) {
      doc.transact(() => kv.set(key, value), LOCAL);
    },
    close() {
      socket.close();
      doc.destroy();
    },
  };
}
