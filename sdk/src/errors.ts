/**
 * The errors a plugin author branches on. Each carries a `code` from the
 * engine's `ErrorCode`, the same code the host put in its `taiku:response`,
 * so `error.code === "permission_denied"` and `instanceof
 * PermissionDeniedError` always agree.
 */
import { ErrorCode, QuotaExceededError, TaikuError, type BridgeErrorBody } from "@taiku/engine";

export { QuotaExceededError };

/** A failed bridge call that is none of the more specific errors below. */
export class BridgeError extends TaikuError {
  /** Machine-readable extras the host sent, if any. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, details?: Readonly<Record<string, unknown>>) {
    super(code, message);
    this.name = "BridgeError";
    this.details = details;
  }
}

/** The plugin lacks the permission the method or event needs (declare it in the manifest). */
export class PermissionDeniedError extends BridgeError {
  constructor(message: string) {
    super(ErrorCode.PermissionDenied, message);
    this.name = "PermissionDeniedError";
  }
}

/** What the call asked for does not exist (a shell, a file, a key). */
export class NotFoundError extends BridgeError {
  constructor(message: string) {
    super(ErrorCode.NotFound, message);
    this.name = "NotFoundError";
  }
}

/** The host did not answer in time, or the plugin was never started by a host. */
export class TimeoutError extends BridgeError {
  constructor(message: string) {
    super(ErrorCode.Timeout, message);
    this.name = "TimeoutError";
  }
}

/** Turns a response's error body into the matching error class. */
export function errorFromBody(body: BridgeErrorBody): TaikuError {
  switch (body.code) {
    case ErrorCode.PermissionDenied:
      return new PermissionDeniedError(body.message);
    case ErrorCode.NotFound:
      return new NotFoundError(body.message);
    case ErrorCode.Timeout:
      return new TimeoutError(body.message);
    case ErrorCode.QuotaExceeded: {
      // Session KV and plugin state send { used, limit, attempted }; files { limit: <its name>, value, attempted }.
      // The host's message names the limit either way, so it is kept.
      const details = body.details ?? {};
      const figure = (name: string): number => (typeof details[name] === "number" ? (details[name] as number) : 0);
      const limit = typeof details.limit === "number" ? details.limit : figure("value");
      const error = new QuotaExceededError({ used: figure("used"), limit, attempted: figure("attempted") });
      error.message = body.message;
      return error;
    }
    default:
      return new BridgeError(body.code, body.message, body.details);
  }
}
