/**
 * The HTTP face of taiku's error codes. Every refusal the API gives is an
 * {@link HttpError}: an engine {@link ErrorCode} plus the status it is sent
 * with. {@link statusForCode} reads engine's one table from code to status; a
 * handful of refusals (409 taken name, 429 rate limit) name their status
 * explicitly.
 */
import { ErrorCode, HTTP_STATUS_OF, TaikuError } from "@taiku/engine";

/** The HTTP status that goes with each error code (engine's `HTTP_STATUS_OF`, the one table of them). */
export function statusForCode(code: ErrorCode): number {
  return HTTP_STATUS_OF[code];
}

/** A refusal with a code, a message for the caller and an HTTP status. */
export class HttpError extends TaikuError {
  /** The HTTP status sent with the error body. */
  readonly status: number;
  /** Headers sent with the error body (`Retry-After` on a 429). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, status: number = statusForCode(code), headers: Readonly<Record<string, string>> = {}) {
    super(code, message);
    this.name = "HttpError";
    this.status = status;
    this.headers = headers;
  }
}

/** 429 with `Retry-After: <waitSeconds>`: `what` came too often. */
export function tooManyRequests(waitSeconds: number, what: string): HttpError {
  return new HttpError(ErrorCode.Unavailable, `too many ${what}: try again in ${waitSeconds} s`, 429, { "Retry-After": String(waitSeconds) });
}

/** 400: the request is malformed. */
export function invalidParams(message: string): HttpError {
  return new HttpError(ErrorCode.InvalidParams, message);
}

/** 401: no valid credentials. */
export function unauthenticated(message = "sign in first: send Authorization: Bearer <token>"): HttpError {
  return new HttpError(ErrorCode.PermissionDenied, message, 401);
}

/** 403: authenticated, but not allowed. */
export function forbidden(message: string): HttpError {
  return new HttpError(ErrorCode.PermissionDenied, message);
}

/** 404: nothing there (or nothing the caller may know about). */
export function notFound(message: string): HttpError {
  return new HttpError(ErrorCode.NotFound, message);
}

/** 413: over a size limit. */
export function tooLarge(message: string): HttpError {
  return new HttpError(ErrorCode.QuotaExceeded, message);
}
