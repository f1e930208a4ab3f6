/**
 * The host's gate for a decoded `taiku:request`: look the method up in the
 * method table, check the caller's permission, then validate the parameters,
 * in that order. Both the real host bridge and `MockHost` run it, so a test
 * against `MockHost` sees the same refusals a live session gives.
 */
import { ErrorCode } from "../errors";
import type { BridgeErrorBody, RequestMessage } from "./bridgeMessage";
import { BRIDGE_METHODS, type BridgeMethod, type BridgeMethodParams } from "./bridgeMethods";
import type { Permission } from "./permission";

/** An admitted call, with its method and parameters typed together. */
export type AdmittedCall = { [M in BridgeMethod]: { readonly method: M; readonly params: BridgeMethodParams[M] } }[BridgeMethod];

/**
 * Admits `request` for a plugin holding `granted`, or returns the error body
 * to answer it with: `method_not_found`, `permission_denied` or
 * `invalid_params`.
 */
export function admitRequest(
  request: RequestMessage,
  granted: ReadonlySet<Permission>,
): { readonly call: AdmittedCall; readonly error?: undefined } | { readonly error: BridgeErrorBody } {
  const spec = BRIDGE_METHODS.get(request.method);
  if (spec === undefined) {
    return { error: { code: ErrorCode.MethodNotFound, message: `no bridge method ${JSON.stringify(request.method)}` } };
  }
  if (spec.permission !== null && !granted.has(spec.permission)) {
    return {
      error: {
        code: ErrorCode.PermissionDenied,
        message: `${request.method} needs the "${spec.permission}" permission`,
      },
    };
  }
  const problem = spec.params.check(request.params, "params");
  if (problem !== undefined) {
    return { error: { code: ErrorCode.InvalidParams, message: `${request.method}: ${problem}` } };
  }
  return { call: { method: request.method, params: request.params } as AdmittedCall };
}
