/**
 * Relay notices: messages the relay sends on a sync socket next to the
 * standard y-websocket messages (see `syncWire.ts`). A notice uses its own
 * message type, `MESSAGE_TAIKU_NOTICE`, and reaches only sockets that opted
 * in to taiku's extension messages.
 *
 * Wire format (lib0 encoding): `varUint(MESSAGE_TAIKU_NOTICE)` then
 * `varString(JSON of the notice)`, nothing after it.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { isErrorCode, type ErrorCode } from "../errors";
import { parseDocName, type DocName } from "../ids";
import { checkBridgeValue, extraKeys, isPlainObject } from "./bridgeValue";
import { MESSAGE_TAIKU_NOTICE } from "./syncWire";


/** The relay reverted an update that took the document over its quota. */
export interface QuotaRejectedNotice {
  /** Discriminant. */
  readonly type: "quota_rejected";
  /** The document the update was for. */
  readonly doc: DocName;
  /** Keys of the `kv` map whose change was reverted. */
  readonly revertedKeys: readonly string[];
  /** Other top-level shared types whose change was reverted. */
  readonly revertedTypes: readonly string[];
  /** Live bytes before the update. */
  readonly used: number;
  /** The quota in bytes. */
  readonly limit: number;
  /** Live bytes the update would have produced. */
  readonly attempted: number;
}

/** The relay reports a problem with this socket or document. */
export interface ErrorNotice {
  /** Discriminant. */
  readonly type: "error";
  /** Which kind of failure. */
  readonly code: ErrorCode;
  /** A human-readable explanation. */
  readonly message: string;
}

/** Every relay notice. */
export type RelayNotice = QuotaRejectedNotice | ErrorNotice;

const MAX_NOTICE_BYTES = 1024 * 1024;
const NOTICE_LIMITS = { maxBytes: MAX_NOTICE_BYTES, maxDepth: 4 };

/** Encodes a notice as one sync-socket message. */
export function encodeRelayNotice(notice: RelayNotice): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_TAIKU_NOTICE);
  encoding.writeVarString(encoder, JSON.stringify(notice));
  return encoding.toUint8Array(encoder);
}

/** Decodes one sync-socket message as a notice; never throws. */
export function decodeRelayNotice(bytes: Uint8Array): { readonly notice: RelayNotice; readonly error?: undefined } | { readonly error: string } {
  if (!(bytes instanceof Uint8Array)) return { error: "a notice must be bytes" };
  if (bytes.byteLength > MAX_NOTICE_BYTES) return { error: `notice larger than ${MAX_NOTICE_BYTES} bytes` };
  let raw: unknown;
  try {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    if (type !== MESSAGE_TAIKU_NOTICE) return { error: `message type ${type} is not a notice` };
    const text = decoding.readVarString(decoder);
    if (decoding.hasContent(decoder)) return { error: "trailing bytes after the notice" };
    raw = JSON.parse(text);
  } catch (cause) {
    return { error: `malformed notice: ${cause instanceof Error ? cause.message : String(cause)}` };
  }
  const problem = checkBridgeValue(raw, NOTICE_LIMITS);
  if (problem !== undefined) return { error: problem };
  if (!isPlainObject(raw)) return { error: "a notice must be an object" };
  if (raw.type === "quota_rejected") return decodeQuotaRejected(raw);
  if (raw.type === "error") return decodeErrorNotice(raw);
  return { error: "unknown notice type" };
}

function decodeQuotaRejected(raw: Record<string, unknown>): { notice: RelayNotice } | { error: string } {
  const extra = extraKeys(raw, ["type", "doc", "revertedKeys", "revertedTypes", "used", "limit", "attempted"]);
  if (extra) return { error: `quota_rejected: ${extra}` };
  const { doc, revertedKeys, revertedTypes, used, limit, attempted } = raw;
  if (typeof doc !== "string" || parseDocName(doc) === undefined) return { error: "quota_rejected: doc is not a document name" };
  if (!isStringArray(revertedKeys)) return { error: "quota_rejected: revertedKeys must be strings" };
  if (!isStringArray(revertedTypes)) return { error: "quota_rejected: revertedTypes must be strings" };
  for (const [name, value] of [["used", used], ["limit", limit], ["attempted", attempted]] as const) {
    if (!Number.isSafeInteger(value) || (value as number) < 0) {
      return { error: `quota_rejected: ${name} must be a non-negative integer` };
    }
  }
  return {
    notice: {
      type: "quota_rejected",
      doc: doc as DocName,
      revertedKeys,
      revertedTypes,
      used: used as number,
      limit: limit as number,
      attempted: attempted as number,
    },
  };
}

function decodeErrorNotice(raw: Record<string, unknown>): { notice: RelayNotice } | { error: string } {
  const extra = extraKeys(raw, ["type", "code", "message"]);
  if (extra) return { error: `error notice: ${extra}` };
  if (!isErrorCode(raw.code)) return { error: "error notice: code is not an error code" };
  if (typeof raw.message !== "string") return { error: "error notice: message must be a string" };
  return { notice: { type: "error", code: raw.code, message: raw.message } };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}
