/**
 * Judges whether a plugin instance's thread is alive, from outside its
 * sandboxed frame. Every `intervalMs` the host sends `host:ping { n }` (n
 * counting up from 1) to every instance; the SDK answers each with `pong { n }`. An instance
 * that has never answered is never judged (a page without the SDK cannot
 * answer). Once it has answered, it is "not responding" while a ping sent
 * after its last pong has gone unanswered for more than `timeoutMs`, and
 * responsive again at the next pong. Judging by the oldest unanswered ping,
 * not by the time since the last pong, keeps a throttled background tab
 * (whose timers fire late) from looking hung.
 */

/** Ping cadence and patience, in milliseconds. */
export interface LivenessTiming {
  /** How often to ping. */
  readonly intervalMs: number;
  /** How long a ping may stay unanswered before the instance is not responding. */
  readonly timeoutMs: number;
}

/** Pings every 3 s; not responding after 10 s without an answer. */
export const DEFAULT_LIVENESS: LivenessTiming = { intervalMs: 3_000, timeoutMs: 10_000 };

/** One instance's monitor. */
export interface LivenessMonitor {
  /** Records the instance's answer to ping `n`; pongs for pings never sent are ignored. */
  pong(n: number): void;
  /** False while the instance is judged not responding. */
  readonly responsive: boolean;
  /** Stops pinging. */
  stop(): void;
}

/** Options of {@link createLivenessMonitor}. */
export interface LivenessMonitorOptions {
  readonly timing: LivenessTiming;
  /** Sends `host:ping { n }` to the instance. */
  readonly sendPing: (n: number) => void;
  /** Called when the judgement changes. */
  readonly onChange: (responsive: boolean) => void;
  /** The clock; `Date.now` by default. */
  readonly now?: () => number;
}

/** Starts pinging: the first ping goes out after `timing.intervalMs`, and one every interval after. */
export function createLivenessMonitor(options: LivenessMonitorOptions): LivenessMonitor {
  const now = options.now ?? Date.now;
  let sent = 0;
  let answered = false;
  /** When the oldest ping sent since the last pong went out, or `null` when none is outstanding. */
  let waitingSince: number | null = null;
  let responsive = true;

  const judge = (): void => {
    const hung = answered && waitingSince !== null && now() - waitingSince > options.timing.timeoutMs;
    if (hung === !responsive) return;
    responsive = !hung;
    options.onChange(responsive);
  };
  const tick = (): void => {
    judge();
    sent++;
    waitingSince ??= now();
    options.sendPing(sent);
  };
  const timer = setInterval(tick, options.timing.intervalMs);

  return {
    pong(n) {
      if (!Number.isSafeInteger(n) || n < 1 || n > sent) return;
      answered = true;
      waitingSince = null;
      judge();
    },
    get responsive() {
      return responsive;
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/**
 * The timing this client uses: {@link DEFAULT_LIVENESS}, unless
 * `localStorage["taiku:bridge-liveness"]` holds a complete override
 * `{ intervalMs, timeoutMs }` (for tests and development). Without
 * `localStorage` (outside a browser) the default applies.
 */
export function configuredLiveness(storage: Pick<Storage, "getItem"> | undefined = globalThis.localStorage): LivenessTiming {
  const raw = storage?.getItem("taiku:bridge-liveness") ?? null;
  if (raw === null) return DEFAULT_LIVENESS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    console.warn("taiku: ignoring localStorage taiku:bridge-liveness, it is not JSON", error);
    return DEFAULT_LIVENESS;
  }
  const { intervalMs, timeoutMs } = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const positive = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value > 0;
  return positive(intervalMs) && positive(timeoutMs) ? { intervalMs, timeoutMs } : DEFAULT_LIVENESS;
}
