/**
 * The one way the client talks HTTP to the server: JSON in and out, the
 * bearer token attached, and every failure (network, status, bad body)
 * returned as `{ error }` rather than thrown.
 */
import { ErrorCode, errorCodeForStatus, isErrorCode } from "@taiku/engine";
import { auth } from "./authStore";

/** A failed request: the server's error, or `unavailable` when the network failed. */
export interface ApiError {
  readonly code: ErrorCode | string;
  readonly message: string;
  /** HTTP status, 0 when no response arrived. */
  readonly status: number;
}

/** The outcome of a request. */
export type ApiResult<T> = { readonly value: T; readonly error?: undefined } | { readonly error: ApiError };

/** Options of {@link apiRequest}. */
export interface ApiRequestOptions {
  readonly method?: "GET" | "POST" | "PUT" | "DELETE";
  /** JSON body; for raw bytes use `raw`. */
  readonly body?: unknown;
  /** Raw request body (plugin files). */
  readonly raw?: ArrayBuffer;
  /** Read the response as bytes instead of JSON. */
  readonly binary?: boolean;
}

/** Sends one request to the server's API and returns its parsed answer. */
export async function apiRequest<T>(path: string, options: ApiRequestOptions = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {};
  const token = auth()?.token;
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (options.raw !== undefined) {
    headers["content-type"] = "application/octet-stream";
    body = options.raw;
  } else if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method: options.method ?? "GET", headers, body });
  } catch (cause) {
    return { error: { code: ErrorCode.Unavailable, message: `network: ${String(cause)}`, status: 0 } };
  }
  if (!response.ok) return { error: await readError(response) };
  if (options.binary === true) return { value: (await response.arrayBuffer()) as T };
  if (response.status === 204) return { value: undefined as T };
  const text = await response.text();
  if (text === "") return { value: undefined as T };
  try {
    return { value: JSON.parse(text) as T };
  } catch (cause) {
    return { error: { code: ErrorCode.Internal, message: `bad JSON from server: ${String(cause)}`, status: response.status } };
  }
}

async function readError(response: Response): Promise<ApiError> {
  const fallback = { code: errorCodeForStatus(response.status), message: response.statusText || `HTTP ${response.status}`, status: response.status };
  let text: string;
  try {
    text = await response.text();
  } catch (cause) {
    return { ...fallback, message: `${fallback.message} (body unreadable: ${String(cause)})` };
  }
  if (text === "") return fallback;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    if (!(cause instanceof SyntaxError)) throw cause;
    return { ...fallback, message: text.slice(0, 200) };
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof error !== "object" || error === null) return fallback;
  return {
    code: typeof error.code === "string" ? error.code : fallback.code,
    message: typeof error.message === "string" ? error.message : fallback.message,
    status: response.status,
  };
}

/** True when `code` is one of the shared error codes (for mapping API errors onto bridge errors). */
export function asErrorCode(code: string): ErrorCode {
  return isErrorCode(code) ? code : ErrorCode.Internal;
}
