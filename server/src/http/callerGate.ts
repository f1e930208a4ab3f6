/**
 * Who is calling, and whether they may call now: the request-rate rule of
 * the API and the sync endpoint, in one place.
 *
 * A request is charged to its client address until its bearer token is
 * verified, and to its user after: a made-up token costs the address a
 * take before its store lookup, so random `Bearer` values run the address
 * dry (429) instead of each getting a fresh bucket and a free LevelDB read.
 * A token this gate verified recently (and that still verifies) is charged
 * to its user alone, so the members behind one address do not share a
 * bucket. Every request with a token is still verified against the store;
 * "recently verified" only picks the bucket.
 */
import type { TokenStore } from "../auth/tokenStore";
import { hashToken } from "../auth/tokenStore";
import type { User, UserStore } from "../auth/userStore";
import { authenticate } from "./authenticate";
import { RateLimiter } from "./rateLimiter";

/** Options of {@link CallerGate}. */
export interface CallerGateOptions {
  readonly tokens: TokenStore;
  readonly users: UserStore;
  /** Requests one address (before a token is verified) or one user (after) may burst. */
  readonly burst: number;
  /** Requests per second, sustained, per address or user. */
  readonly perSecond: number;
  /** How long a verified token is charged to its user without first charging its address, ms (default 10 minutes). */
  readonly verifiedForMs?: number;
  /** The clock, in milliseconds (default `performance.now`). */
  readonly now?: () => number;
}

/** The outcome of {@link CallerGate.admit}: refused for `waitSeconds`, or admitted with the caller's user (`undefined`: none, or a token that did not verify). */
export type CallerAdmission = { readonly waitSeconds: number } | { readonly user: User | undefined };

/** Verified tokens remembered at most (oldest forgotten first). */
const MAX_VERIFIED = 10_000;

/** Charges each request to its address or its user, and verifies its token. */
export class CallerGate {
  private readonly limiter: RateLimiter;
  /** Token hash → when its verification stops counting. Insertion order is age order. */
  private readonly verified = new Map<string, number>();
  private readonly verifiedForMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CallerGateOptions) {
    this.now = options.now ?? (() => performance.now());
    this.limiter = new RateLimiter({ burst: options.burst, perSecond: options.perSecond, now: this.now });
    this.verifiedForMs = options.verifiedForMs ?? 10 * 60_000;
  }

  /** Charges one request from `address` carrying `token` (if any), then verifies the token. */
  async admit(address: string, token: string | undefined): Promise<CallerAdmission> {
    const hash = token === undefined ? undefined : hashToken(token);
    if (hash === undefined || !this.recentlyVerified(hash)) {
      const waitSeconds = this.limiter.take(`address:${address}`);
      if (waitSeconds > 0) return { waitSeconds };
    }
    if (hash === undefined) return { user: undefined };
    const user = await authenticate(token, this.options.tokens, this.options.users);
    if (user === undefined) {
      this.verified.delete(hash);
      return { user: undefined };
    }
    this.remember(hash);
    const waitSeconds = this.limiter.take(`user:${user.userId}`);
    return waitSeconds > 0 ? { waitSeconds } : { user };
  }

  /**
   * Charges one request from `address` whose credential this gate does not
   * verify itself (a host token, checked by its own store): seconds to wait,
   * or 0 when admitted.
   */
  chargeAddress(address: string): number {
    return this.limiter.take(`address:${address}`);
  }

  private recentlyVerified(hash: string): boolean {
    const until = this.verified.get(hash);
    return until !== undefined && until > this.now();
  }

  private remember(hash: string): void {
    this.verified.delete(hash);
    this.verified.set(hash, this.now() + this.verifiedForMs);
    if (this.verified.size > MAX_VERIFIED) {
      const oldest = this.verified.keys().next();
      if (oldest.done !== true) this.verified.delete(oldest.value);
    }
  }
}

/** Where the rate-limit middleware leaves the verified caller for the routes. */
const CALLER = Symbol("taiku.caller");

/** Records on a Koa `state` the caller the gate verified (`undefined`: none, or a token that did not verify). */
export function setVerifiedCaller(state: Record<PropertyKey, unknown>, user: User | undefined): void {
  state[CALLER] = { user };
}

/** The caller the gate verified for this request, or `undefined` when it did not see it. */
export function verifiedCaller(state: Record<PropertyKey, unknown>): { readonly user: User | undefined } | undefined {
  return state[CALLER] as { readonly user: User | undefined } | undefined;
}
