/**
 * Coalesces one shell's output into `shell:data` frames: a frame goes out
 * every {@link BATCH_INTERVAL_MS} or as soon as {@link BATCH_BYTES} are
 * waiting, whichever comes first, so a flood produces few large frames and
 * keystroke echoes still arrive within a frame time. When the socket cannot
 * keep up (too much waiting here or in the socket's send buffer) the batcher
 * asks for the pseudo-terminal to be paused, which stops the program writing
 * instead of queueing without bound.
 */

/** Longest output waits before it is sent, in milliseconds. */
export const BATCH_INTERVAL_MS = 16;
/** Output waiting that triggers an immediate send, in UTF-16 code units. */
export const BATCH_BYTES = 64 * 1024;
/** Shortest gap between two frames, in milliseconds (keeps a flood well under the relay's frame rate limit). */
export const MIN_FRAME_GAP_MS = 1;
/** How often a paused batcher checks whether the socket drained, in milliseconds. */
export const PAUSED_POLL_MS = 2;
/** Output waiting (here plus the socket's buffer) above which the source is paused. */
export const HIGH_WATER = 4 * 1024 * 1024;

/** What a batcher needs from its surroundings. */
export interface BatchSink {
  /** Sends one chunk; returns false when it could not be sent (the socket is down). */
  send(data: string): boolean;
  /** Bytes queued in the socket, not yet written. */
  buffered(): number;
  /** False while the host's frame budget is spent: output keeps waiting. */
  mayFlush(): boolean;
  /** Stops (`true`) or resumes (`false`) reading the source. */
  pause(paused: boolean): void;
}

/** One shell's output batcher. */
export class OutputBatcher {
  private chunks: string[] = [];
  private waiting = 0;
  private timer: NodeJS.Timeout | undefined;
  private paused = false;
  private timerDue = 0;
  private lastFlush = Number.NEGATIVE_INFINITY;

  constructor(private readonly sink: BatchSink) {}

  /** Adds output from the source. */
  push(data: string): void {
    this.chunks.push(data);
    this.waiting += data.length;
    const now = performance.now();
    if (this.waiting < BATCH_BYTES) return this.schedule(now + BATCH_INTERVAL_MS, false);
    const due = this.lastFlush + MIN_FRAME_GAP_MS;
    if (due <= now) this.flush();
    else this.schedule(due, true);
  }

  /** Flushes at `due` unless a timer fires sooner (or, with `sooner`, replaces a later one). */
  private schedule(due: number, sooner: boolean): void {
    if (this.timer !== undefined && (!sooner || this.timerDue <= due)) return;
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => this.flush(), Math.max(0, due - performance.now()));
  }

  /** Sends what is waiting now (output is dropped while the socket is down). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastFlush = performance.now();
    if (this.waiting > 0 && this.sink.buffered() < HIGH_WATER && this.sink.mayFlush()) {
      this.sink.send(this.chunks.join(""));
      this.chunks = [];
      this.waiting = 0;
    }
    const congested = this.waiting + this.sink.buffered() >= HIGH_WATER;
    if (congested !== this.paused) {
      this.paused = congested;
      this.sink.pause(congested);
    }
    if (this.paused) this.schedule(this.lastFlush + PAUSED_POLL_MS, true);
    else if (this.waiting > 0) this.schedule(this.lastFlush + BATCH_INTERVAL_MS, false);
  }

  /** Stops the timer. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
