/**
 * Error codes and HTTP statuses: one table. The server answers each
 * {@link ErrorCode} with {@link HTTP_STATUS_OF}; the server (for statuses
 * Koa or the router chose) and the client (for responses without a taiku
 * error body) name a status with {@link errorCodeForStatus}, so both sides
 * name the same failure alike.
 */
import { ErrorCode } from "../errors";

/** The HTTP status each error code is answered with. */
export const HTTP_STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  [ErrorCode.InvalidParams]: 400,
  [ErrorCode.PermissionDenied]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.MethodNotFound]: 404,
  [ErrorCode.Timeout]: 408,
  [ErrorCode.QuotaExceeded]: 413,
  [ErrorCode.Internal]: 500,
  [ErrorCode.Unavailable]: 503,
};

/** Statuses whose error code is not the one {@link HTTP_STATUS_OF} sends them for. */
const CODE_OF_OTHER_STATUS: ReadonlyMap<number, ErrorCode> = new Map([
  [401, ErrorCode.PermissionDenied],
  [405, ErrorCode.MethodNotFound],
  [429, ErrorCode.Unavailable],
  [501, ErrorCode.MethodNotFound],
]);

/** The error code that goes with an HTTP status (any other 4xx is `invalid_params`, any other status `internal`). */
export function errorCodeForStatus(status: number): ErrorCode {
  const other = CODE_OF_OTHER_STATUS.get(status);
  if (other !== undefined) return other;
  if (status === 404) return ErrorCode.NotFound;
  for (const [code, sent] of Object.entries(HTTP_STATUS_OF) as Array<[ErrorCode, number]>) {
    if (sent === status && code !== ErrorCode.MethodNotFound) return code;
  }
  return status >= 400 && status < 500 ? ErrorCode.InvalidParams : ErrorCode.Internal;
}
