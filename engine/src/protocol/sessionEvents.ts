/**
 * Session event frames: the session's event channel on the sync socket of the
 * session document `sessions/<sid>`, next to the y-websocket messages. Every
 * event is `{ type, data, ts }`; shell output, shell input, file requests,
 * joins and leaves, agent activity and custom plugin events travel this way
 * instead of through the Yjs document.
 *
 * Wire format (lib0 encoding): `varUint(MESSAGE_TAIKU_EVENT)` then
 * `varString(JSON of the event)`, nothing after it. Only sockets that opted
 * in to taiku's extension messages receive them (`syncWire.ts`).
 *
 * Who sends what (the relay enforces the directions; this module only checks
 * shapes and sizes):
 * - a viewer sends `shell:input`, `shell:resize`, `shell:open-request`,
 *   `shell:close-request`, `fs:request` and `plugin:<pluginId>:<name>`;
 * - the host CLI sends `host:hello`, `host:workspace`, `shell:open`, `shell:data`, `shell:exit`
 *   and `fs:response`;
 * - the relay sends `host:welcome`, `host:refused`, `user:join`,
 *   `user:leave`, `agent:activity`, and forwards the rest to whom they
 *   concern. Only a socket admitted with a host token is a host; the relay
 *   answers any other socket's host message with `host:refused`.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { ErrorCode } from "../errors";
import { checkBridgeValue, extraKeys, isPlainObject, type JsonValue } from "./bridgeValue";
import { MESSAGE_TAIKU_EVENT } from "./syncWire";
import { boolean, integer, json, literal, nullable, number, object, optional, string, type Infer, type Schema } from "./paramSchema";
import { workspaceReportSchema } from "./workspace";

export { MESSAGE_TAIKU_EVENT };

/** Largest event frame, in bytes. */
export const MAX_EVENT_FRAME_BYTES = 4 * 1024 * 1024;
/** Largest `shell:data` chunk, in UTF-16 code units (the relay's backlog replay included). */
export const MAX_SHELL_DATA = 1024 * 1024;
/** Largest `shell:input`, in UTF-16 code units. */
export const MAX_SHELL_INPUT = 64 * 1024;
/** Largest file content read or written through `fs:request`, in bytes. */
export const MAX_FS_FILE_BYTES = 1024 * 1024;
/** The read-only `fs:request` operations of the workspace tools and endpoints. */
export const WORKSPACE_OPS = ["tree", "file", "git-status", "git-diff"] as const;
/** A workspace operation. */
export type WorkspaceOp = (typeof WORKSPACE_OPS)[number];
/** Entries one `tree` page holds at most. */
export const MAX_TREE_PAGE = 500;
/** Largest part of a file `file` returns, and of a diff `git-diff` returns, in bytes. */
export const MAX_VIEW_BYTES = 512 * 1024;
/** Largest custom plugin event data, in bytes of JSON. */
export const MAX_PLUGIN_EVENT_BYTES = 64 * 1024;

const shellId = string({ min: 1, max: 128, pattern: /^[A-Za-z0-9_.:-]+$/ });
const label = string({ max: 4096 });
const size = integer({ min: 1, max: 1000 });
const requestId = string({ min: 1, max: 128 });
const fsPath = string({ max: 4096, pattern: /^[^\u0000]*$/ });
const errorCode = literal(...(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]));

/** Schemas of the data of every built-in event type. */
const DATA_SCHEMAS = {
  /** Viewer → host: keystrokes for a shell. */
  "shell:input": object({ shellId, data: string({ min: 1, max: MAX_SHELL_INPUT }) }),
  /** Viewer → host: the viewer's terminal size. */
  "shell:resize": object({ shellId, cols: size, rows: size }),
  /** Viewer → host: open a new shell. */
  "shell:open-request": object({ cols: optional(size), rows: optional(size) }),
  /** Viewer → host: close a shell. */
  "shell:close-request": object({ shellId }),
  /**
   * Viewer → host: list, read or write a file in the host's working directory; or, for the workspace tools
   * and endpoints, a page of a folder (`tree`, from `offset`), a file for viewing (`file`: capped, binary
   * and truncated files said so), the git status (`git-status`) or one file's diff (`git-diff`, `staged`).
   * With `workspaceId`, the host sharing that workspace answers; without, the session's first `--fs` host.
   */
  "fs:request": object({
    id: requestId,
    op: literal("list", "read", "write", ...WORKSPACE_OPS),
    path: fsPath,
    data: optional(string({ max: MAX_FS_FILE_BYTES })),
    workspaceId: optional(string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ })),
    offset: optional(integer({ min: 0, max: 1_000_000 })),
    staged: optional(boolean()),
  }),
  /** Host → viewer: the answer to one `fs:request` (exactly one of `result` and `error`). */
  "fs:response": object({
    id: requestId,
    result: optional(json()),
    error: optional(object({ code: errorCode, message: string({ max: 4096 }) })),
  }),
  /** Host → relay: this socket is a host CLI; `fs` says whether it answers file requests; `workspace` is the folder it shares. */
  "host:hello": object({ fs: boolean(), host: string({ min: 1, max: 256 }), workspace: optional(workspaceReportSchema) }),
  /** Host → relay: what the host sees of its folder changed (a branch switch, say). */
  "host:workspace": object({ workspace: workspaceReportSchema }),
  /** Relay → host: who the relay knows the host as. */
  "host:welcome": object({ userId: string({ min: 1, max: 64 }), name: string({ max: 256 }) }),
  /** Relay → a socket: a host message it sent was refused (it holds no host token for this session, or the shell is another host's); nothing changed. */
  "host:refused": object({ type: string({ max: 64 }), message: string({ max: 1024 }) }),
  /** Host → viewers: a shell is running. */
  "shell:open": object({ shellId, title: label, cwd: label, host: label, cols: size, rows: size }),
  /** Host → viewers: output of a shell; `backlog` marks the relay's replay of recent output to a joiner. */
  "shell:data": object({ shellId, data: string({ max: MAX_SHELL_DATA }), backlog: optional(boolean()) }),
  /** Host → viewers: a shell ended; `code` is its exit code when known. */
  "shell:exit": object({ shellId, code: nullable(integer({ min: -(2 ** 31), max: 2 ** 32 })) }),
  /** Relay → viewers: someone opened the session document. */
  "user:join": object({ userId: string({ min: 1, max: 64 }), name: string({ max: 256 }) }),
  /** Relay → viewers: someone closed their last socket on the session document. */
  "user:leave": object({ userId: string({ min: 1, max: 64 }), name: string({ max: 256 }) }),
  /** Relay → viewers: an agent did something (also appended to the session document's `activity`). */
  "agent:activity": object({
    id: string({ min: 1, max: 128 }),
    actor: string({ min: 1, max: 256 }),
    kind: string({ min: 1, max: 64 }),
    text: string({ max: 16 * 1024 }),
    ts: number(),
    /** The member who posted it, as the server verified them; `null` for entries recorded before posters were. */
    poster: nullable(object({ userId: string({ min: 1, max: 64 }), name: string({ max: 256 }) })),
  }),
} as const satisfies Record<string, Schema<unknown>>;

/** The data each built-in session event type carries. */
export type SessionEventMap = { -readonly [K in keyof typeof DATA_SCHEMAS]: Infer<(typeof DATA_SCHEMAS)[K]> };

/** A built-in session event type. */
export type SessionEventType = keyof SessionEventMap;

/** A built-in session event. */
export type BuiltinSessionEvent = {
  [K in SessionEventType]: { readonly type: K; readonly data: SessionEventMap[K]; readonly ts: number };
}[SessionEventType];

/** A custom plugin event, `plugin:<pluginId>:<name>`, relayed to the other members as is. */
export interface PluginSessionEvent {
  readonly type: `plugin:${string}:${string}`;
  readonly data: JsonValue;
  readonly ts: number;
}

/** Any session event. */
export type SessionEvent = BuiltinSessionEvent | PluginSessionEvent;

const PLUGIN_EVENT = /^plugin:[a-z][a-z0-9.-]{0,63}:[a-z][a-z0-9._-]{0,63}$/;

/** True when `type` names a built-in session event. */
export function isSessionEventType(type: string): type is SessionEventType {
  return Object.hasOwn(DATA_SCHEMAS, type);
}

/** True when `type` is a custom plugin event type. */
export function isPluginEventType(type: string): type is PluginSessionEvent["type"] {
  return PLUGIN_EVENT.test(type);
}

/** Builds a built-in event stamped now (or at `ts`). */
export function sessionEvent<K extends SessionEventType>(type: K, data: SessionEventMap[K], ts = Date.now()): BuiltinSessionEvent {
  return { type, data, ts } as BuiltinSessionEvent;
}

/** Encodes one event as a sync-socket frame. */
export function encodeSessionEvent(event: SessionEvent): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_TAIKU_EVENT);
  encoding.writeVarString(encoder, JSON.stringify({ type: event.type, data: event.data, ts: event.ts }));
  return encoding.toUint8Array(encoder);
}

/** Result of decoding an event frame. */
export type SessionEventDecodeResult = { readonly event: SessionEvent; readonly error?: undefined } | { readonly error: string };

/** Decodes one whole sync-socket frame as an event; never throws. */
export function decodeSessionEvent(bytes: Uint8Array): SessionEventDecodeResult {
  if (!(bytes instanceof Uint8Array)) return { error: "an event frame must be bytes" };
  let payload: Uint8Array;
  try {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    if (type !== MESSAGE_TAIKU_EVENT) return { error: `message type ${type} is not a session event` };
    payload = bytes.subarray(decoder.pos);
  } catch (cause) {
    return { error: `malformed event frame: ${cause instanceof Error ? cause.message : String(cause)}` };
  }
  return decodeSessionEventPayload(payload);
}

/** Decodes the part of an event frame after its message type (what a relay extension receives); never throws. */
export function decodeSessionEventPayload(payload: Uint8Array): SessionEventDecodeResult {
  if (!(payload instanceof Uint8Array)) return { error: "an event payload must be bytes" };
  if (payload.byteLength > MAX_EVENT_FRAME_BYTES) return { error: `event larger than ${MAX_EVENT_FRAME_BYTES} bytes` };
  let raw: unknown;
  try {
    const decoder = decoding.createDecoder(payload);
    const text = decoding.readVarString(decoder);
    if (decoding.hasContent(decoder)) return { error: "trailing bytes after the event" };
    raw = JSON.parse(text);
  } catch (cause) {
    return { error: `malformed event: ${cause instanceof Error ? cause.message : String(cause)}` };
  }
  const problem = checkBridgeValue(raw, { maxBytes: MAX_EVENT_FRAME_BYTES, maxDepth: 16 });
  if (problem !== undefined) return { error: problem };
  return checkSessionEvent(raw);
}

/** Checks an already parsed value as an event: its type, its data's shape and size, and its timestamp. */
export function checkSessionEvent(raw: unknown): SessionEventDecodeResult {
  if (!isPlainObject(raw)) return { error: "an event must be an object" };
  const extra = extraKeys(raw, ["type", "data", "ts"]);
  if (extra) return { error: `event: ${extra}` };
  const { type, data, ts } = raw;
  if (typeof type !== "string") return { error: "event.type must be a string" };
  if (typeof ts !== "number" || !Number.isFinite(ts)) return { error: "event.ts must be a finite number" };
  if (isSessionEventType(type)) {
    const dataProblem = (DATA_SCHEMAS[type] as Schema<unknown>).check(data, type);
    if (dataProblem !== undefined) return { error: dataProblem };
    if (type === "fs:response" && isPlainObject(data) && Object.hasOwn(data, "result") === Object.hasOwn(data, "error")) {
      return { error: "fs:response must carry exactly one of result and error" };
    }
    return { event: { type, data, ts } as BuiltinSessionEvent };
  }
  if (isPluginEventType(type)) {
    const dataProblem = checkBridgeValue(data, { maxBytes: MAX_PLUGIN_EVENT_BYTES, maxDepth: 16 });
    if (dataProblem !== undefined || data === undefined) return { error: `${type}: ${dataProblem ?? "data is required"}` };
    return { event: { type, data: data as JsonValue, ts } };
  }
  return { error: `unknown event type ${JSON.stringify(type.slice(0, 80))}` };
}
