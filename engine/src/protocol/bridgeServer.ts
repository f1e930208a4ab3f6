/**
 * The bridge's request server, shared by every host: one message from a
 * plugin goes decode (`decodeBridgeMessage`) → method lookup, permission and
 * parameters (`admitRequest`) → handler (`BRIDGE_HANDLERS` over the host's
 * {@link BridgeServices}) → encoded `taiku:response`, together with the
 * `ArrayBuffer`s to transfer rather than copy (file bytes read back). The
 * host owns the port, rate limits and strikes; this owns every answer.
 *
 * It also shapes session events for plugins ({@link BridgeServer.pluginEvent}):
 * shell events carry shell numbers, not the internal ids, and an event about
 * a shell the plugin cannot name yet is held back.
 */
import { ErrorCode, QuotaExceededError, TaikuError } from "../errors";
import { admitRequest, type AdmittedCall } from "./admitRequest";
import { createErrorResponse, createResponse, type BridgeErrorBody, type ResponseMessage } from "./bridgeMessage";
import { BRIDGE_HANDLERS, pluginShell, type BridgeHandler } from "./bridgeHandlers";
import { BridgeDetailedError } from "./bridgeLimits";
import type { BridgeMethod } from "./bridgeMethods";
import type { BridgeCaller, BridgeServices } from "./bridgeServices";
import { isBytes, type BridgeValue } from "./bridgeValue";
import { decodeBridgeMessage } from "./decodeBridgeMessage";

/** What became of one message from a plugin. */
export type BridgeOutcome =
  | {
      /** A request, answered (successfully or not). */
      readonly kind: "answered";
      readonly method: string;
      readonly response: ResponseMessage;
      /** Buffers to pass in the `postMessage` transfer list with the response. */
      readonly transfer: ArrayBuffer[];
      /** The error the response carries, if any. */
      readonly error?: BridgeErrorBody;
    }
  | {
      /** Not a well-formed request: a protocol violation the host may count against the plugin. */
      readonly kind: "malformed";
      readonly reason: string;
      /** An `invalid_params` answer, when the message carried a usable request id. */
      readonly response?: ResponseMessage;
    };

/** Options of {@link createBridgeServer}. */
export interface BridgeServerOptions {
  /**
   * Consulted after a call is admitted and before its handler runs: an error
   * body answers the call instead (`MockHost.reject`).
   */
  readonly intercept?: (call: AdmittedCall) => BridgeErrorBody | undefined;
}

/** The request server over one host's services. */
export interface BridgeServer {
  /** Decodes, admits and runs one message a plugin sent on its port. */
  handle(raw: unknown, caller: BridgeCaller): Promise<BridgeOutcome>;
  /**
   * The data of a session event as plugins receive it (shell events with
   * shell numbers), or `undefined` when it must not reach plugins (a shell
   * without a number). Permissions are the caller's business (`mayReceiveEvent`).
   */
  pluginEvent(type: string, data: BridgeValue): BridgeValue | undefined;
}

/** The error body a handler's failure is answered with. */
export function errorBodyOf(cause: unknown): BridgeErrorBody {
  if (cause instanceof QuotaExceededError) {
    return { code: cause.code, message: cause.message, details: { used: cause.used, limit: cause.limit, attempted: cause.attempted } };
  }
  if (cause instanceof BridgeDetailedError) return { code: cause.code, message: cause.message, details: cause.details };
  if (cause instanceof TaikuError) return { code: cause.code, message: cause.message };
  return { code: ErrorCode.Internal, message: cause instanceof Error ? cause.message : String(cause) };
}

/** The `id` of something shaped like a request, so even a rejected one can be answered. */
function requestIdOf(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null || !Object.hasOwn(raw, "id")) return undefined;
  const id = (raw as { id: unknown }).id;
  return typeof id === "string" && /^[A-Za-z0-9_.:-]{1,64}$/.test(id) ? id : undefined;
}

/** Buffers of a result to transfer: a `Uint8Array` that spans its whole buffer, at the top or one level down. */
function transferablesOf(result: BridgeValue): ArrayBuffer[] {
  const whole = (value: unknown): ArrayBuffer[] =>
    isBytes(value) && value.byteOffset === 0 && value.buffer instanceof ArrayBuffer && value.byteLength === value.buffer.byteLength ? [value.buffer] : [];
  if (isBytes(result)) return whole(result);
  if (typeof result === "object" && result !== null && !Array.isArray(result)) return Object.values(result).flatMap(whole);
  return [];
}

function shellIdOf(data: BridgeValue): string | number | undefined {
  if (typeof data !== "object" || data === null || Array.isArray(data) || isBytes(data)) return undefined;
  const id = data.shellId;
  return typeof id === "string" || typeof id === "number" ? id : undefined;
}

/** Creates the request server over `services`. */
export function createBridgeServer(services: BridgeServices, options: BridgeServerOptions = {}): BridgeServer {
  function numberOf(id: string | number): number | undefined {
    const shells = services.shells();
    if (typeof id === "number") return shells.some((shell) => shell.number === id) ? id : undefined;
    return shells.find((shell) => shell.id === id)?.number;
  }

  function refuse(id: string, method: string, error: BridgeErrorBody): BridgeOutcome {
    return { kind: "answered", method, response: createErrorResponse(id, error.code, error.message, error.details), transfer: [], error };
  }

  async function run(call: AdmittedCall, caller: BridgeCaller): Promise<BridgeValue> {
    const handler = BRIDGE_HANDLERS[call.method] as BridgeHandler<BridgeMethod>;
    return (await handler(call.params as never, { services, caller })) as BridgeValue;
  }

  return {
    async handle(raw, caller) {
      const decoded = decodeBridgeMessage(raw);
      if (decoded.error !== undefined || decoded.message.type !== "taiku:request") {
        const reason = decoded.error ?? `unexpected ${decoded.message.type} from a plugin`;
        const id = decoded.error === undefined ? undefined : requestIdOf(raw);
        return id === undefined
          ? { kind: "malformed", reason }
          : { kind: "malformed", reason, response: createErrorResponse(id, ErrorCode.InvalidParams, reason) };
      }
      const request = decoded.message;
      const admitted = admitRequest(request, caller.granted);
      if (admitted.error !== undefined) return refuse(request.id, request.method, admitted.error);
      const intercepted = options.intercept?.(admitted.call);
      if (intercepted !== undefined) return refuse(request.id, request.method, intercepted);
      try {
        const result = await run(admitted.call, caller);
        return { kind: "answered", method: request.method, response: createResponse(request.id, result), transfer: transferablesOf(result) };
      } catch (cause) {
        return refuse(request.id, request.method, errorBodyOf(cause));
      }
    },

    pluginEvent(type, data) {
      if (type !== "shell:data" && type !== "shell:open" && type !== "shell:exit") return data;
      const id = shellIdOf(data);
      const number = id === undefined ? undefined : numberOf(id);
      if (number === undefined || typeof data !== "object" || data === null || Array.isArray(data) || isBytes(data)) return undefined;
      if (type === "shell:open") {
        const shell = services.shells().find((candidate) => candidate.number === number);
        return shell === undefined ? undefined : { ...pluginShell({ ...shell, number }) };
      }
      return { ...data, shellId: number };
    },
  };
}
