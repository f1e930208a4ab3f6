/**
 * The two kinds of error in taiku.
 *
 * - A broken invariant is a bug: {@link unexpectedCase} throws and returns
 *   `never`, so exhaustive switches stay exhaustive.
 * - An error a caller branches on is a {@link TaikuError} subclass carrying a
 *   {@link ErrorCode}. The same codes name bridge errors
 *   (`taiku:response.error.code`) and, through {@link CLOSE_CODES}, the close
 *   codes of sync sockets.
 */

/** Every error code a caller may branch on. */
export const ErrorCode = {
  PermissionDenied: "permission_denied",
  MethodNotFound: "method_not_found",
  InvalidParams: "invalid_params",
  QuotaExceeded: "quota_exceeded",
  NotFound: "not_found",
  Unavailable: "unavailable",
  Timeout: "timeout",
  Internal: "internal",
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const ERROR_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** True when `value` is one of the {@link ErrorCode} values. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && ERROR_CODES.has(value);
}

/**
 * WebSocket close codes (private range 4000–4999) for each error code, used
 * when the relay closes a sync socket. `4000 + HTTP-like status`.
 */
export const CLOSE_CODES: Readonly<Record<ErrorCode, number>> = {
  permission_denied: 4403,
  method_not_found: 4404,
  invalid_params: 4400,
  quota_exceeded: 4413,
  not_found: 4404,
  unavailable: 4503,
  timeout: 4408,
  internal: 4500,
};

/**
 * The error code that goes with an HTTP status: the server uses it for
 * statuses Koa or the router chose, the client for responses without a
 * taiku error body, so both sides name the same failure alike.
 */
export function errorCodeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return ErrorCode.PermissionDenied;
  if (status === 404) return ErrorCode.NotFound;
  if (status === 405 || status === 501) return ErrorCode.MethodNotFound;
  if (status === 408) return ErrorCode.Timeout;
  if (status === 413) return ErrorCode.QuotaExceeded;
  if (status === 429 || status === 503) return ErrorCode.Unavailable;
  if (status >= 400 && status < 500) return ErrorCode.InvalidParams;
  return ErrorCode.Internal;
}

/** Base class of every error a caller may branch on. */
export class TaikuError extends Error {
  /** Which kind of failure this is. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "TaikuError";
    this.code = code;
  }
}

/** Numbers carried by a quota refusal. */
export interface QuotaFigures {
  /** Live bytes before the write. */
  readonly used: number;
  /** The quota in bytes. */
  readonly limit: number;
  /** Live bytes the write would have produced. */
  readonly attempted: number;
}

/** A write was refused because it would take live data past the quota. */
export class QuotaExceededError extends TaikuError implements QuotaFigures {
  readonly used: number;
  readonly limit: number;
  readonly attempted: number;

  constructor({ used, limit, attempted }: QuotaFigures) {
    super(
      ErrorCode.QuotaExceeded,
      `quota exceeded: the write would use ${attempted} bytes of ${limit} (now ${used})`,
    );
    this.name = "QuotaExceededError";
    this.used = used;
    this.limit = limit;
    this.attempted = attempted;
  }
}

/** Throws for a case the types say cannot happen. */
export function unexpectedCase(value: never, what = "case"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
