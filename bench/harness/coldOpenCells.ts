/**
 * The cells of cold-open — history length × writers × ending — and the goal
 * each cell is judged by. A cell's writers share a fixed number of keys and
 * of writes in flight, so cells differ only in what they name. The goal:
 * taiku at least {@link GOAL_SPEED_UP}× faster to full state than the
 * baseline, or, where the floor itself leaves less than that, within
 * {@link GOAL_FLOOR_FACTOR}× of the floor.
 */
import type { Ending, HistorySpec } from "./coldOpenHistory";

/** Keys over all writers (each writer owns its share): a live state of about 8 KiB, whatever the writer count. */
export const KEYS_TOTAL = 128;
/** Writes in flight over all writers while a history is written. */
export const IN_FLIGHT_TOTAL = 128;
/** The environment variable that picks cells: `20000x16:kill,100000x16:kill` (history updates × writers : ending). */
export const CELLS_VARIABLE = "TAIKU_COLD_OPEN_CELLS";
/** taiku's goal: this much faster than the baseline … */
export const GOAL_SPEED_UP = 5;
/** … or, where the floor leaves less than that, within this factor of the floor. */
export const GOAL_FLOOR_FACTOR = 1.3;
const MAX_WRITERS = 256;

/** The cell of `updates` updates by `writers` writers, ended by `ending`. */
export function cellSpec(updates: number, writers: number, ending: Ending): HistorySpec {
  return { updates, writers, ending, keysPerWriter: Math.max(1, Math.floor(KEYS_TOTAL / writers)), window: Math.max(2, Math.floor(IN_FLIGHT_TOTAL / writers)) };
}

/** `20,000 updates, 16 writers, SIGKILL`. */
export function cellLabel(spec: HistorySpec): string {
  return `${spec.updates.toLocaleString("en-US")} updates, ${spec.writers} writer${spec.writers === 1 ? "" : "s"}, ${spec.ending === "clean" ? "clean stop" : "SIGKILL"}`;
}

/** Reads cells written as in {@link CELLS_VARIABLE}; throws on anything else, naming the bad part. */
export function parseCells(text: string): HistorySpec[] {
  return text.split(",").map((part) => {
    const match = /^(\d+)x(\d+):(clean|kill)$/.exec(part.trim());
    const updates = Number(match?.[1]);
    const writers = Number(match?.[2]);
    const ending = match?.[3];
    if (ending !== "clean" && ending !== "kill") throw badCell(part);
    if (!Number.isSafeInteger(updates) || updates < 1 || !Number.isSafeInteger(writers) || writers < 1 || writers > MAX_WRITERS) throw badCell(part);
    return cellSpec(updates, writers, ending);
  });
}

function badCell(part: string): Error {
  return new Error(`${CELLS_VARIABLE}: "${part}" is not <updates>x<writers>:<clean|kill> (writers 1 to ${MAX_WRITERS}), as in 20000x16:kill`);
}

/** The real-size cells (20,000 and 100,000 updates × 1, 16, 64 writers × both endings), or the smoke ones. */
export function defaultCells(smoke: boolean): HistorySpec[] {
  const sizes = smoke ? [300] : [20_000, 100_000];
  const writerCounts = smoke ? [4] : [1, 16, 64];
  return sizes.flatMap((updates) => writerCounts.flatMap((writers) => (["clean", "kill"] as const).map((ending) => cellSpec(updates, writers, ending))));
}

/** A cell judged against the goal, from the three medians (ms). */
export interface GoalVerdict {
  /** Undefined when a median is missing (the ratios that can be formed are still given). */
  readonly held: boolean | undefined;
  /** baseline ÷ taiku. */
  readonly speedUp: number;
  /** taiku ÷ floor. */
  readonly overFloor: number;
  /** baseline ÷ floor: the largest speed-up any relay could show. */
  readonly floorAllows: number;
}

/** Judges taiku's time to full state against the baseline's and the floor's. */
export function judgeGoal(taikuMs: number, baselineMs: number, floorMs: number): GoalVerdict {
  const speedUp = baselineMs / taikuMs;
  const overFloor = taikuMs / floorMs;
  const floorAllows = baselineMs / floorMs;
  const measured = [taikuMs, baselineMs, floorMs].every((ms) => Number.isFinite(ms) && ms > 0);
  // Whatever ratios can be formed are still reported; the goal is judged only on all three.
  if (!measured) return { held: undefined, speedUp, overFloor, floorAllows };
  return { held: speedUp >= GOAL_SPEED_UP || (floorAllows < GOAL_SPEED_UP && overFloor <= GOAL_FLOOR_FACTOR), speedUp, overFloor, floorAllows };
}
