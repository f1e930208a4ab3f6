/**
 * The two kinds of error in taiku.
 *
 * - A broken invariant is a bug: {@link unexpectedCase} throws and returns
 *   `never`, so exhaustive switches stay exhaustive.
 * - An error a caller branches on is a {@link TaikuError} subclass carrying a
 *   {@link ErrorCode}. The same codes name bridge errors
 *   (`taiku:response.error.code`) and HTTP error bodies; their HTTP statuses
 *   are in `protocol/httpStatus.ts`, sync sockets' close codes in
 *   `protocol/closeCodes.ts`.
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

/** Where a {@link CorruptRecordError} was found and what is wrong with it. */
export interface CorruptRecord {
  /** The document whose stored state is damaged. */
  readonly doc: string;
  /** The stored record that is damaged: its key (an event's or the snapshot's). */
  readonly record: string;
  /** The event's seq, when the record is an event (or where a gap in the log is). */
  readonly seq?: number;
  /** What is wrong with the record. */
  readonly reason: string;
}

/**
 * A stored record of a document (an event or its snapshot) is damaged, or
 * acknowledged events are missing from its log. The document cannot be
 * opened without losing what was acknowledged, so it is refused instead;
 * code `unavailable`, since nothing the caller sends can repair it.
 */
export class CorruptRecordError extends TaikuError implements CorruptRecord {
  readonly doc: string;
  readonly record: string;
  readonly seq?: number;
  readonly reason: string;

  constructor({ doc, record, seq, reason }: CorruptRecord) {
    super(ErrorCode.Unavailable, `document ${doc} is damaged: stored record ${record} ${reason}`);
    this.name = "CorruptRecordError";
    this.doc = doc;
    this.record = record;
    if (seq !== undefined) this.seq = seq;
    this.reason = reason;
  }
}

/** Throws for a case the types say cannot happen. */
export function unexpectedCase(value: never, what = "case"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
