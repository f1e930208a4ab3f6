/**
 * The host CLI's budget of frames per second on its one socket, shared by
 * all its shells, kept well under the relay's per-socket frame limit (which
 * closes a socket that exceeds it). A token bucket: `rate` per second,
 * bursts up to `rate`.
 */

/** Frames per second the host sends at most (the relay allows 2,000 sustained). */
export const HOST_FRAMES_PER_SECOND = 1000;

/** A shared frames-per-second budget. */
export class FrameBudget {
  private tokens: number;
  private last = performance.now();

  constructor(private readonly rate: number = HOST_FRAMES_PER_SECOND) {
    this.tokens = rate;
  }

  /** Whether a frame may go out now (without spending it). */
  available(): boolean {
    this.refill();
    return this.tokens >= 1;
  }

  /** Spends one frame. */
  spend(): void {
    this.refill();
    this.tokens -= 1;
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}
