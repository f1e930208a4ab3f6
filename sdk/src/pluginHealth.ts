/**
 * Tells the host how the plugin is doing, so its panel can show an error
 * state the host could not otherwise see inside the sandboxed frame. Once the
 * host has started the plugin, every `TaikuPlugin` answers the host's
 * `host:ping { n }` events with a `pong { n }` request (a plugin whose thread
 * is blocked stops answering and is shown as not responding), and reports the
 * window's uncaught errors and unhandled promise rejections with
 * `reportError { message, stack? }` (the panel shows them; the plugin keeps
 * running). Reports are rate-limited to {@link MAX_ERROR_REPORTS} per
 * {@link ERROR_REPORT_WINDOW_MS}, shared by every `TaikuPlugin` on the same
 * host connection, and each error is reported once however many
 * `TaikuPlugin`s listen. Errors thrown after a `TaikuPlugin` was created but
 * before the host's init arrived (a plugin failing before `ready()`) are
 * kept by {@link bufferEarlyErrors} and reported as soon as it connects, so
 * the panel shows why the plugin did not start instead of a blank page.
 */
import { MAX_ERROR_MESSAGE, MAX_ERROR_STACK, type InitMessage } from "@taiku/engine";
import type { BridgeClient } from "./bridgeClient";

/** At most this many errors are reported per {@link ERROR_REPORT_WINDOW_MS}. */
export const MAX_ERROR_REPORTS = 5;
/** The window of the error report rate limit, in milliseconds. */
export const ERROR_REPORT_WINDOW_MS = 10_000;

/** The report times of each host connection, for the shared rate limit. */
const reportTimes = new WeakMap<InitMessage, number[]>();
/** Error events already reported by one of the plugin's clients. */
const reported = new WeakSet<Event>();

/** What `reportError` carries, derived from a thrown value or rejection reason. */
function describeError(cause: unknown, fallback: string): { message: string; stack?: string } {
  const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : cause === undefined ? "" : String(cause);
  const message = (text.trim() === "" ? fallback : text).slice(0, MAX_ERROR_MESSAGE);
  const stack = cause instanceof Error && typeof cause.stack === "string" ? cause.stack.slice(0, MAX_ERROR_STACK) : undefined;
  return stack === undefined ? { message } : { message, stack };
}

/** True when one more report fits the limit at time `now`; records it when so. */
function takeReport(init: InitMessage, now: number): boolean {
  const times = (reportTimes.get(init) ?? []).filter((t) => now - t < ERROR_REPORT_WINDOW_MS);
  reportTimes.set(init, times);
  if (times.length >= MAX_ERROR_REPORTS) return false;
  times.push(now);
  return true;
}

/** An uncaught error or rejection seen before the host connected. */
export interface EarlyError {
  readonly event: Event;
  readonly cause: unknown;
  readonly fallback: string;
}

/** The most early errors kept until the host connects. */
const MAX_EARLY_ERRORS = MAX_ERROR_REPORTS;

/**
 * Keeps the uncaught errors and unhandled rejections of `target` until
 * `take()`, which stops listening and returns them (at most
 * {@link MAX_EARLY_ERRORS}, oldest first).
 */
export function bufferEarlyErrors(target: Window | undefined): { take(): readonly EarlyError[] } {
  if (target === undefined || typeof target.addEventListener !== "function") return { take: () => [] };
  const kept: EarlyError[] = [];
  const keep = (entry: EarlyError): void => {
    if (kept.length < MAX_EARLY_ERRORS) kept.push(entry);
  };
  const onError = (event: ErrorEvent): void => keep({ event, cause: event.error ?? event.message, fallback: "Uncaught error" });
  const onRejection = (event: PromiseRejectionEvent): void => keep({ event, cause: event.reason, fallback: "Unhandled promise rejection" });
  target.addEventListener("error", onError);
  target.addEventListener("unhandledrejection", onRejection);
  return {
    take() {
      target.removeEventListener("error", onError);
      target.removeEventListener("unhandledrejection", onRejection);
      return kept.splice(0);
    },
  };
}

/**
 * Starts answering pings and reporting uncaught errors of `target` (the
 * plugin's window; none outside a browser) over `client`, which must be
 * linked, beginning with `early` ones kept before it was. Returns a
 * function that stops both.
 */
export function watchPluginHealth(client: BridgeClient, target: Window | undefined, early: readonly EarlyError[] = []): () => void {
  const init = client.init;
  if (init === null || client.isClosed) return () => {};
  const stopPongs = client.on("host:ping", (event) => {
    const data = event.data as { n?: unknown } | null;
    const n = data?.n;
    if (!Number.isSafeInteger(n) || (n as number) < 0) return;
    client.request("pong", { n: n as number }).catch((error: unknown) => {
      console.warn("taiku plugin: the host did not take a pong", error);
    });
  });
  if (target === undefined || typeof target.addEventListener !== "function") return stopPongs;

  const send = (event: Event, cause: unknown, fallback: string, starting = false): void => {
    if (client.isClosed || reported.has(event)) return;
    reported.add(event);
    if (!takeReport(init, Date.now())) return;
    client.request("reportError", { ...describeError(cause, fallback), ...(starting ? { starting } : {}) }).catch((error: unknown) => {
      console.warn("taiku plugin: could not report an error to the host", error);
    });
  };
  const onError = (event: ErrorEvent): void => {
    send(event, event.error ?? event.message, "Uncaught error");
  };
  const onRejection = (event: PromiseRejectionEvent): void => {
    send(event, event.reason, "Unhandled promise rejection");
  };
  for (const entry of early) send(entry.event, entry.cause, entry.fallback, true);
  target.addEventListener("error", onError);
  target.addEventListener("unhandledrejection", onRejection);
  return () => {
    stopPongs();
    target.removeEventListener("error", onError);
    target.removeEventListener("unhandledrejection", onRejection);
  };
}
