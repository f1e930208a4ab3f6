/**
 * Per-account login throttling: each account name may fail `burst` logins
 * in a row, then one more every `refillSeconds`; while it is throttled,
 * a login for it is refused with 429 and `Retry-After` before the password
 * is even hashed, whoever sends it and from wherever. A successful login
 * clears the account's failures. This bounds password guessing against one
 * account however many addresses the guesser has; the per-address bucket
 * bounds one address across many accounts.
 */
import { RateLimiter } from "../http/rateLimiter";

/** Options of {@link LoginThrottle}. */
export interface LoginThrottleOptions {
  /** Failed logins an account may have in a row before it is throttled. */
  readonly burst: number;
  /** Seconds until a throttled account may try once more. */
  readonly refillSeconds: number;
  /** The clock, in milliseconds (default `performance.now`). */
  readonly now?: () => number;
}

/** Failed logins by account name. */
export class LoginThrottle {
  private readonly failures: RateLimiter;

  constructor(options: LoginThrottleOptions) {
    this.failures = new RateLimiter({ burst: options.burst, perSecond: 1 / Math.max(1, options.refillSeconds), now: options.now });
  }

  /** Seconds `name` must wait before its next login attempt (0: it may try now). */
  waitFor(name: string): number {
    return this.failures.peek(keyOf(name));
  }

  /** Counts a failed login for `name`. */
  failed(name: string): void {
    this.failures.take(keyOf(name));
  }

  /** Clears `name`'s failures. */
  succeeded(name: string): void {
    this.failures.forget(keyOf(name));
  }
}

/** Names are matched as the user store matches them at login (the route trims them). */
function keyOf(name: string): string {
  return name.normalize("NFC").toLowerCase();
}
