/**
 * Runs a trial for each system in turn, A B C A B C …, so slow drift on a
 * shared machine touches every system alike. A failed trial is recorded as
 * an error for that system and repetition; the others still run.
 */
import { errorMessage } from "./benchResult";
import type { SystemName } from "./systemProcess";

/** One trial's outcome. */
export type TrialOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Runs `trial` `repetitions` times per system, interleaved; outcomes grouped by system. */
export async function interleave<T>(
  systems: readonly SystemName[],
  repetitions: number,
  trial: (system: SystemName, repetition: number) => Promise<T>,
  log: (message: string) => void,
): Promise<Map<SystemName, Array<TrialOutcome<T>>>> {
  const outcomes = new Map<SystemName, Array<TrialOutcome<T>>>(systems.map((system) => [system, []]));
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (const system of systems) {
      try {
        const value = await trial(system, repetition);
        outcomes.get(system)?.push({ ok: true, value });
      } catch (error) {
        log(`  ${system} repetition ${repetition + 1} failed: ${errorMessage(error)}`);
        outcomes.get(system)?.push({ ok: false, error: errorMessage(error) });
      }
    }
  }
  return outcomes;
}

/** The values of the successful outcomes. */
export function successes<T>(outcomes: ReadonlyArray<TrialOutcome<T>> | undefined): T[] {
  return (outcomes ?? []).flatMap((outcome) => (outcome.ok ? [outcome.value] : []));
}

/** The error messages of the failed outcomes. */
export function failures<T>(outcomes: ReadonlyArray<TrialOutcome<T>> | undefined): string[] {
  return (outcomes ?? []).flatMap((outcome) => (outcome.ok ? [] : [outcome.error]));
}
