/**
 * Routes `fs:request` from a viewer to the session's file-serving host and
 * the host's `fs:response` back to that viewer only. The relay gives each
 * forwarded request its own id, so a host cannot answer someone else's
 * request and two viewers' ids cannot collide. Every request is answered
 * exactly once: by the host, or with `unavailable` when the host goes away,
 * or with `timeout`. A requester is a viewer's socket, or (for the
 * workspace endpoints) whatever stands for an HTTP caller; in-flight
 * requests are capped per requester.
 */
import { ErrorCode, type SessionEventMap } from "@taiku/engine";
import type { RelaySocket } from "../sync/relayTypes";

/** Requests one viewer may have in flight. */
export const MAX_PENDING_FS_REQUESTS = 16;
/** How long a host has to answer, in milliseconds. */
export const FS_REQUEST_TIMEOUT_MS = 15_000;

type FsResponse = SessionEventMap["fs:response"];

interface Pending<R> {
  readonly requester: R;
  readonly host: RelaySocket;
  readonly originalId: string;
  readonly timer: NodeJS.Timeout;
}

/** Keeps the requests in flight between viewers and hosts. */
export class FsRequestRouter<R extends object = RelaySocket> {
  private readonly pending = new Map<string, Pending<R>>();
  private counter = 0;

  constructor(
    private readonly answer: (requester: R, response: FsResponse) => void,
    private readonly timeoutMs: number = FS_REQUEST_TIMEOUT_MS,
  ) {}

  /**
   * Registers a request from `requester` to `host`; returns the id to forward
   * it under, or an error response to send back at once.
   */
  open(requester: R, host: RelaySocket, originalId: string): { relayId: string } | { response: FsResponse } {
    let inFlight = 0;
    for (const entry of this.pending.values()) if (entry.requester === requester) inFlight++;
    if (inFlight >= MAX_PENDING_FS_REQUESTS) {
      return { response: { id: originalId, error: { code: ErrorCode.Unavailable, message: `at most ${MAX_PENDING_FS_REQUESTS} file requests at a time` } } };
    }
    const relayId = `fs${++this.counter}`;
    const timer = setTimeout(() => this.fail(relayId, ErrorCode.Timeout, "the host did not answer in time"), this.timeoutMs);
    timer.unref();
    this.pending.set(relayId, { requester, host, originalId, timer });
    return { relayId };
  }

  /** Delivers a host's answer; an error when the id is not one of this host's requests. */
  settle(host: RelaySocket, response: FsResponse): { error: string } | undefined {
    const entry = this.pending.get(response.id);
    if (entry === undefined || entry.host !== host) return { error: "fs:response for a request this host was not asked" };
    this.pending.delete(response.id);
    clearTimeout(entry.timer);
    this.answer(entry.requester, { ...response, id: entry.originalId });
    return undefined;
  }

  /** A socket closed: its own requests are forgotten, requests waiting on it answer `unavailable`. */
  dropSocket(socket: RelaySocket | R): void {
    for (const [relayId, entry] of [...this.pending]) {
      if (entry.requester === socket) {
        clearTimeout(entry.timer);
        this.pending.delete(relayId);
      } else if (entry.host === socket) {
        this.fail(relayId, ErrorCode.Unavailable, "the host sharing files disconnected");
      }
    }
  }

  private fail(relayId: string, code: ErrorCode, message: string): void {
    const entry = this.pending.get(relayId);
    if (entry === undefined) return;
    this.pending.delete(relayId);
    clearTimeout(entry.timer);
    this.answer(entry.requester, { id: entry.originalId, error: { code, message } });
  }
}
