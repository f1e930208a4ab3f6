/**
 * The one decoder for bridge messages. Both ends run every inbound message
 * through it: the host for `taiku:request`, the SDK for `taiku:init`,
 * `taiku:response` and `taiku:event`; the host's window listener for
 * `taiku:connect`. Anything it does not recognise exactly
 * is an error with a reason; it never throws and never returns a message
 * that shares structure with a prototype.
 */
import { isErrorCode } from "../errors";
import { isPluginId, isSessionId } from "../ids";
import type { BridgeMessage, BridgeErrorBody, TaikuEvent } from "./bridgeMessage";
import {
  checkBridgeValue,
  DEFAULT_BRIDGE_LIMITS,
  extraKeys,
  isPlainObject,
  type BridgeLimits,
  type BridgeValue,
  type JsonObject,
} from "./bridgeValue";

/** The outcome of decoding: a message, or why the input is not one. */
export type DecodeResult<T> = { readonly message: T; readonly error?: undefined } | { readonly error: string };

const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const INSTANCE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const METHOD_NAME = /^[A-Za-z][A-Za-z0-9.]{0,63}$/;
/** Event types: `word(:word)*`, e.g. `shell:data`, `plugin:my.plugin:build-done`. */
const EVENT_TYPE = /^[a-z][A-Za-z0-9._-]*(:[A-Za-z0-9._-]+){0,3}$/;
const MAX_EVENT_TYPE = 160;
/** Longest `error.message` of a `taiku:response` (not the `reportError` limit, `MAX_ERROR_MESSAGE`). */
const MAX_RESPONSE_ERROR_MESSAGE = 4096;

/**
 * Decodes an untrusted value (e.g. `MessageEvent.data`) into a
 * {@link BridgeMessage}. Rejects wrong types, missing or extra keys, prototype
 * keys anywhere, nesting deeper than `limits.maxDepth`, payloads larger than
 * `limits.maxBytes`, and anything that is not plain data.
 */
export function decodeBridgeMessage(
  raw: unknown,
  limits: BridgeLimits = DEFAULT_BRIDGE_LIMITS,
): DecodeResult<BridgeMessage> {
  const problem = checkBridgeValue(raw, limits);
  if (problem !== undefined) return { error: problem };
  if (!isPlainObject(raw)) return { error: "a bridge message must be an object" };
  switch (raw.type) {
    case "taiku:init":
      return decodeInit(raw);
    case "taiku:connect":
      return decodeConnect(raw);
    case "taiku:request":
      return decodeRequest(raw);
    case "taiku:response":
      return decodeResponse(raw);
    case "taiku:event":
      return decodeEvent(raw);
    default:
      return { error: `unknown message type ${describe(raw.type)}` };
  }
}

function decodeInit(raw: Record<string, unknown>): DecodeResult<BridgeMessage> {
  const extra = extraKeys(raw, ["type", "pluginId", "sessionId", "instanceId", "apiVersion", "theme"]);
  if (extra) return { error: `taiku:init: ${extra}` };
  const { pluginId, sessionId, instanceId, apiVersion, theme } = raw;
  if (!isPluginId(pluginId)) return { error: "taiku:init: pluginId is not a plugin id" };
  if (!isSessionId(sessionId)) return { error: "taiku:init: sessionId is not a session id" };
  if (typeof instanceId !== "string" || !INSTANCE_ID.test(instanceId)) {
    return { error: "taiku:init: instanceId must be 1–64 of [A-Za-z0-9_-]" };
  }
  if (!Number.isSafeInteger(apiVersion) || (apiVersion as number) < 0) {
    return { error: "taiku:init: apiVersion must be a non-negative integer" };
  }
  if (theme !== "dark" && theme !== "light") return { error: 'taiku:init: theme must be "dark" or "light"' };
  return {
    message: { type: "taiku:init", pluginId, sessionId, instanceId, apiVersion: apiVersion as number, theme },
  };
}

function decodeConnect(raw: Record<string, unknown>): DecodeResult<BridgeMessage> {
  const extra = extraKeys(raw, ["type", "apiVersion"]);
  if (extra) return { error: `taiku:connect: ${extra}` };
  const { apiVersion } = raw;
  if (!Number.isSafeInteger(apiVersion) || (apiVersion as number) < 0) {
    return { error: "taiku:connect: apiVersion must be a non-negative integer" };
  }
  return { message: { type: "taiku:connect", apiVersion: apiVersion as number } };
}

function decodeRequest(raw: Record<string, unknown>): DecodeResult<BridgeMessage> {
  const extra = extraKeys(raw, ["type", "id", "method", "params"]);
  if (extra) return { error: `taiku:request: ${extra}` };
  const { id, method, params } = raw;
  if (!isRequestId(id)) return { error: "taiku:request: id must be 1–64 of [A-Za-z0-9_.:-]" };
  if (typeof method !== "string" || !METHOD_NAME.test(method)) {
    return { error: "taiku:request: method must be a method name" };
  }
  if (!isPlainObject(params)) return { error: "taiku:request: params must be an object" };
  return {
    message: { type: "taiku:request", id, method, params: params as { [key: string]: BridgeValue } },
  };
}

function decodeResponse(raw: Record<string, unknown>): DecodeResult<BridgeMessage> {
  const { id } = raw;
  if (!isRequestId(id)) return { error: "taiku:response: id must be 1–64 of [A-Za-z0-9_.:-]" };
  if ("result" in raw) {
    const extra = extraKeys(raw, ["type", "id", "result"]);
    if (extra) return { error: `taiku:response: ${extra}` };
    return { message: { type: "taiku:response", id, result: raw.result as BridgeValue } };
  }
  const extra = extraKeys(raw, ["type", "id", "error"]);
  if (extra) return { error: `taiku:response: ${extra}` };
  const error = decodeErrorBody(raw.error);
  if (typeof error === "string") return { error: `taiku:response: ${error}` };
  return { message: { type: "taiku:response", id, error } };
}

function decodeErrorBody(raw: unknown): BridgeErrorBody | string {
  if (!isPlainObject(raw)) return "needs result or error";
  const extra = extraKeys(raw, ["code", "message", "details"]);
  if (extra) return `error ${extra}`;
  const { code, message, details } = raw;
  if (!isErrorCode(code)) return `error.code ${describe(code)} is not an error code`;
  if (typeof message !== "string" || message.length > MAX_RESPONSE_ERROR_MESSAGE) {
    return `error.message must be a string of at most ${MAX_RESPONSE_ERROR_MESSAGE} characters`;
  }
  if (details === undefined) return { code, message };
  if (!isPlainObject(details)) return "error.details must be an object";
  return { code, message, details: details as JsonObject };
}

function decodeEvent(raw: Record<string, unknown>): DecodeResult<BridgeMessage> {
  const extra = extraKeys(raw, ["type", "event"]);
  if (extra) return { error: `taiku:event: ${extra}` };
  const event = raw.event;
  if (!isPlainObject(event)) return { error: "taiku:event: event must be an object" };
  const extraInEvent = extraKeys(event, ["type", "data", "ts"]);
  if (extraInEvent) return { error: `taiku:event: event ${extraInEvent}` };
  const { type, data, ts } = event;
  if (!isEventType(type)) return { error: `taiku:event: ${describe(type)} is not an event type` };
  if (typeof ts !== "number" || ts < 0) return { error: "taiku:event: ts must be a non-negative number" };
  const decoded: TaikuEvent = { type, data: data as BridgeValue, ts };
  return { message: { type: "taiku:event", event: decoded } };
}

/** True when `value` is a syntactically valid event type. */
export function isEventType(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_EVENT_TYPE && EVENT_TYPE.test(value);
}

function isRequestId(value: unknown): value is string {
  return typeof value === "string" && REQUEST_ID.test(value);
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : typeof value;
}
