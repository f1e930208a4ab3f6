/**
 * A timer that fires once nothing has happened for a while: each
 * {@link QuietTimer.touch} notes the time, and the callback runs once `ms`
 * have passed since the last one. Touching does not reset a timer (a
 * document committing thousands of times a second would churn one per
 * commit): one timer runs, and when it fires early it rearms for the time
 * still to wait.
 *
 * Invariant: at most one timer is pending, it never keeps the process
 * alive, and none is pending after {@link QuietTimer.stop}.
 */

/** Calls `onQuiet` once `ms` have passed since the last {@link touch}. */
export class QuietTimer {
  private last = 0;
  private timer: NodeJS.Timeout | null = null;

  /** `now` reads a monotonic clock in milliseconds (default `performance.now`). */
  constructor(
    private readonly ms: number,
    private readonly onQuiet: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Notes that something happened now, and starts the timer when none runs. */
  touch(): void {
    this.last = this.now();
    if (this.timer === null) this.arm(this.ms);
  }

  /** Looks again `ms` from now, with no new touch (the callback found it too early to act). */
  retry(): void {
    if (this.timer === null) this.arm(this.ms);
  }

  /** Cancels the pending timer, if any. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.fire(), ms);
    this.timer.unref();
  }

  private fire(): void {
    this.timer = null;
    const quietFor = this.now() - this.last;
    if (quietFor < this.ms) return this.arm(this.ms - quietFor);
    this.onQuiet();
  }
}
