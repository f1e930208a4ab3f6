/**
 * The host ↔ plugin bridge messages, as one tagged union on `type`.
 *
 * - `taiku:init` (host → plugin) goes through `window.postMessage` together
 *   with a transferred `MessagePort`; every later message uses that port, so
 *   the port is the plugin's identity.
 * - `taiku:connect` (plugin → host, through `window.parent.postMessage`)
 *   asks for `taiku:init` again, for a plugin whose SDK was loaded after the
 *   host's first init went by (a dynamic import). The host answers it only
 *   from a live plugin frame that has not yet spoken on its port, a few times
 *   at most; it carries no authority of its own.
 * - `taiku:request` (plugin → host) calls a method (see `bridgeMethods.ts`).
 * - `taiku:response` (host → plugin) answers one request by `id`, with either
 *   `result` or `error`, never both.
 * - `taiku:event` (host → plugin) delivers one session event
 *   `{ type, data, ts }`.
 *
 * Build messages with the `create*` helpers and read untrusted ones with
 * `decodeBridgeMessage`; never hand-assemble or trust a raw object.
 */
import type { ErrorCode } from "../errors";
import type { PluginId, SessionId } from "../ids";
import type { BridgeValue, JsonObject } from "./bridgeValue";
import { API_VERSION } from "./apiVersion";

/** The host's colour scheme, so a plugin can match it. */
export type Theme = "dark" | "light";

/** Host → plugin, once per plugin frame, with the plugin's `MessagePort`. */
export interface InitMessage {
  /** Discriminant. */
  readonly type: "taiku:init";
  /** The plugin this frame runs. */
  readonly pluginId: PluginId;
  /** The session the frame belongs to. */
  readonly sessionId: SessionId;
  /** Distinguishes several frames of one plugin (e.g. panels, participants). */
  readonly instanceId: string;
  /** {@link API_VERSION} of the host. */
  readonly apiVersion: number;
  /** The host's current colour scheme. */
  readonly theme: Theme;
}

/** Plugin → host, on the window: "I missed `taiku:init`, send it again". */
export interface ConnectMessage {
  /** Discriminant. */
  readonly type: "taiku:connect";
  /** {@link API_VERSION} of the plugin's SDK. */
  readonly apiVersion: number;
}

/** Plugin → host: call `method` with `params`; answered by a response with the same `id`. */
export interface RequestMessage {
  /** Discriminant. */
  readonly type: "taiku:request";
  /** Correlates the response; unique among the sender's pending requests. */
  readonly id: string;
  /** A bridge method name. */
  readonly method: string;
  /** The method's parameters, always an object. */
  readonly params: { readonly [key: string]: BridgeValue };
}

/** The error half of a response. */
export interface BridgeErrorBody {
  /** Which kind of failure. */
  readonly code: ErrorCode;
  /** A human-readable explanation. */
  readonly message: string;
  /** Machine-readable extras, e.g. `{ used, limit, attempted }` for `quota_exceeded`. */
  readonly details?: JsonObject;
}

/** Host → plugin: a successful answer to the request with this `id`. */
export interface SuccessResponseMessage {
  /** Discriminant. */
  readonly type: "taiku:response";
  /** The `id` of the request this answers. */
  readonly id: string;
  /** The method's result; `null` for methods that return nothing. */
  readonly result: BridgeValue;
}

/** Host → plugin: a failed answer to the request with this `id`. */
export interface ErrorResponseMessage {
  /** Discriminant. */
  readonly type: "taiku:response";
  /** The `id` of the request this answers. */
  readonly id: string;
  /** Why the request failed. */
  readonly error: BridgeErrorBody;
}

/** Host → plugin: the answer to one request. */
export type ResponseMessage = SuccessResponseMessage | ErrorResponseMessage;

/** One session event. Every event in taiku has this shape. */
export interface TaikuEvent {
  /** Event type, e.g. `shell:data`, `chat:message`, `plugin:<pluginId>:<name>`. */
  readonly type: string;
  /** The event's payload. */
  readonly data: BridgeValue;
  /** Milliseconds since the epoch when the event happened. */
  readonly ts: number;
}

/** Host → plugin: one session event. */
export interface EventMessage {
  /** Discriminant. */
  readonly type: "taiku:event";
  /** The event. */
  readonly event: TaikuEvent;
}

/** Every bridge message. */
export type BridgeMessage = InitMessage | ConnectMessage | RequestMessage | ResponseMessage | EventMessage;

/** True for `taiku:init`. */
export function isInitMessage(message: BridgeMessage): message is InitMessage {
  return message.type === "taiku:init";
}

/** True for `taiku:connect`. */
export function isConnectMessage(message: BridgeMessage): message is ConnectMessage {
  return message.type === "taiku:connect";
}

/** True for `taiku:request`. */
export function isRequestMessage(message: BridgeMessage): message is RequestMessage {
  return message.type === "taiku:request";
}

/** True for `taiku:response`. */
export function isResponseMessage(message: BridgeMessage): message is ResponseMessage {
  return message.type === "taiku:response";
}

/** True for a `taiku:response` carrying an error. */
export function isErrorResponse(message: ResponseMessage): message is ErrorResponseMessage {
  return "error" in message;
}

/** True for `taiku:event`. */
export function isEventMessage(message: BridgeMessage): message is EventMessage {
  return message.type === "taiku:event";
}

/** Builds `taiku:init`; `apiVersion` defaults to {@link API_VERSION}. */
export function createInit(fields: {
  pluginId: PluginId;
  sessionId: SessionId;
  instanceId: string;
  theme: Theme;
  apiVersion?: number;
}): InitMessage {
  return {
    type: "taiku:init",
    pluginId: fields.pluginId,
    sessionId: fields.sessionId,
    instanceId: fields.instanceId,
    apiVersion: fields.apiVersion ?? API_VERSION,
    theme: fields.theme,
  };
}

/** Builds `taiku:connect`; `apiVersion` defaults to {@link API_VERSION}. */
export function createConnect(apiVersion: number = API_VERSION): ConnectMessage {
  return { type: "taiku:connect", apiVersion };
}

/** Builds `taiku:request`. */
export function createRequest(
  id: string,
  method: string,
  params: { readonly [key: string]: BridgeValue } = {},
): RequestMessage {
  return { type: "taiku:request", id, method, params };
}

/** Builds a successful `taiku:response`. */
export function createResponse(id: string, result: BridgeValue): SuccessResponseMessage {
  return { type: "taiku:response", id, result };
}

/** Builds a failed `taiku:response`; `details` is omitted when not given. */
export function createErrorResponse(
  id: string,
  code: ErrorCode,
  message: string,
  details?: JsonObject,
): ErrorResponseMessage {
  const error: BridgeErrorBody = details === undefined ? { code, message } : { code, message, details };
  return { type: "taiku:response", id, error };
}

/** Builds `taiku:event`; `ts` defaults to now. */
export function createEvent(type: string, data: BridgeValue, ts: number = Date.now()): EventMessage {
  return { type: "taiku:event", event: { type, data, ts } };
}
