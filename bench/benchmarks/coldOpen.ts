/**
 * cold-open: a fresh client opening a session KV document whose long
 * history was written by many writers, after the server ended cleanly or was
 * killed in the middle of the burst — the case users meet after a crash,
 * which cold-load (a clean stop, few writers) never reaches. Per cell
 * (history length × writers × ending) and system: connect → full state,
 * server RSS after the open, and after a kill what the restarted system
 * lacks against what peers had seen. A floor (the same state served from
 * memory) bounds what any relay can reach; the goal per cell is taiku at
 * least 5× faster than the baseline, or within 1.3× of the floor where the
 * floor itself leaves less than 5×.
 */
import { rmSync } from "node:fs";
import { barOf, errorMessage, fmt, fmtSpread, ratio, type Bar, type BenchContext, type BenchResult, type Benchmark } from "../harness/benchResult";
import { openOnce, type OpenFigures, type OpenSource } from "../harness/coldOpen";
import { CELLS_VARIABLE, cellLabel, defaultCells, GOAL_FLOOR_FACTOR, GOAL_SPEED_UP, IN_FLIGHT_TOTAL, judgeGoal, KEYS_TOTAL, parseCells, type GoalVerdict } from "../harness/coldOpenCells";
import { prepareHistory, type Ending, type HistorySpec, type PreparedHistory } from "../harness/coldOpenHistory";
import { spread, type Spread } from "../harness/stats";
import { COLD_OPEN_SYSTEMS, type SystemName } from "../harness/systemProcess";

/** After this long of opens in one cell, no further round of opens starts (the cell keeps what it has). */
const CELL_OPEN_BUDGET_MS = 45_000;
const OPENED: readonly SystemName[] = [...COLD_OPEN_SYSTEMS, "floor"];

interface Cell {
  readonly spec: HistorySpec;
  readonly histories: Map<SystemName, PreparedHistory>;
  readonly opens: Map<SystemName, OpenFigures[]>;
  readonly errors: Map<SystemName, string[]>;
  /** Rounds of opens made (each opens every system once). */
  rounds: number;
}

function sourceOf(system: SystemName, cell: Cell): { source: OpenSource; expected: string } | undefined {
  // The floor serves taiku's state: taiku ÷ floor compares the same state.
  const history = cell.histories.get(system === "floor" ? "taiku" : system);
  if (history === undefined) return undefined;
  if (system === "floor") return { source: { system: "floor", state: history.state }, expected: history.expected };
  const opened = history.system;
  if (opened === "floor") return undefined;
  return { source: { system: opened, access: history.access, pristineDir: history.pristineDir }, expected: history.expected };
}

async function runCell(spec: HistorySpec, rounds: number, context: BenchContext): Promise<Cell> {
  const cell: Cell = { spec, histories: new Map(), opens: new Map(OPENED.map((s) => [s, []])), errors: new Map(OPENED.map((s) => [s, []])), rounds: 0 };
  const fail = (system: SystemName, error: unknown): void => {
    context.log(`  ${system}: ${errorMessage(error)}`);
    cell.errors.get(system)?.push(errorMessage(error));
  };
  try {
    for (const system of COLD_OPEN_SYSTEMS) {
      context.log(`cold-open: ${cellLabel(spec)}: writing on ${system}`);
      try {
        cell.histories.set(system, await prepareHistory(system, spec));
      } catch (error) {
        fail(system, error);
      }
    }
    const started = performance.now();
    // Rounds interleave the systems (A B C D A B C D …); every open starts from the same bytes on disk.
    for (let round = 0; round < rounds && (round === 0 || performance.now() - started < CELL_OPEN_BUDGET_MS); round++) {
      for (const system of OPENED) {
        const open = sourceOf(system, cell);
        if (open === undefined) continue;
        try {
          cell.opens.get(system)?.push(await openOnce(open.source, open.expected));
        } catch (error) {
          fail(system, error);
        }
      }
      cell.rounds = round + 1;
    }
  } finally {
    for (const history of cell.histories.values()) rmSync(history.pristineDir, { recursive: true, force: true });
  }
  return cell;
}

function fullSpread(cell: Cell, system: SystemName): Spread {
  return spread((cell.opens.get(system) ?? []).map((open) => open.fullMs));
}

function goalOf(cell: Cell): GoalVerdict {
  return judgeGoal(fullSpread(cell, "taiku").median, fullSpread(cell, "baseline").median, fullSpread(cell, "floor").median);
}

function lossCell(history: PreparedHistory | undefined): string {
  if (history?.loss === undefined) return "—";
  return `${history.loss.lost} of ${history.loss.seen.toLocaleString("en-US")} (${history.loss.keysBehind} keys behind)`;
}

function headlineOf(cell: Cell): string {
  const goal = goalOf(cell);
  const ms = (system: SystemName): string => fmt(fullSpread(cell, system).median, 0);
  const baselineLoss = cell.histories.get("baseline")?.loss;
  // A baseline that lost most of the history opens a much smaller state; the verdict says so rather than hide it.
  const caveat = baselineLoss !== undefined && baselineLoss.lost > 0 ? ` (the baseline's state lacks ${baselineLoss.lost.toLocaleString("en-US")} of the ${baselineLoss.seen.toLocaleString("en-US")} updates peers had seen, so its time is for less)` : "";
  const verdict = (goal.held === undefined ? "not judged" : goal.held ? "held" : "not held") + caveat;
  const losses =
    cell.spec.ending === "kill"
      ? ` Updates peers had seen and the restarted system lacks: ${COLD_OPEN_SYSTEMS.map((system) => `${system} ${cell.histories.get(system)?.loss?.lost ?? "—"}`).join(", ")}.`
      : "";
  return (
    `${cellLabel(cell.spec)}: connect → full state taiku ${ms("taiku")} ms, baseline ${ms("baseline")} ms, hocuspocus ${ms("hocuspocus")} ms, floor ${ms("floor")} ms; ` +
    `baseline ÷ taiku ${fmt(goal.speedUp, 2)}× (the floor leaves at most ${fmt(goal.floorAllows, 2)}×), taiku ÷ floor ${fmt(goal.overFloor, 2)}×; goal ${verdict}.${losses}`
  );
}

/** Lines on how taiku's open time grows from the shortest history to the longest, per writer count and ending. */
function growthLines(cells: readonly Cell[], sizes: readonly number[]): string[] {
  const shortest = sizes[0];
  const longest = sizes[sizes.length - 1];
  if (shortest === undefined || longest === undefined || shortest === longest) return [];
  const lines: string[] = [];
  for (const cell of cells.filter((each) => each.spec.updates === longest)) {
    const short = cells.find((each) => each.spec.updates === shortest && each.spec.writers === cell.spec.writers && each.spec.ending === cell.spec.ending);
    if (short === undefined) continue;
    const growth = (system: SystemName): number => fullSpread(cell, system).median / fullSpread(short, system).median;
    const taiku = growth("taiku");
    const verdict = Number.isFinite(taiku) ? (taiku <= longest / shortest ? "no faster than linearly" : "faster than linearly") : "not measured";
    lines.push(
      `${cell.spec.writers} writer${cell.spec.writers === 1 ? "" : "s"}, ${cell.spec.ending === "clean" ? "clean stop" : "SIGKILL"}: history ×${fmt(longest / shortest, 0)} → taiku's open time ×${fmt(taiku, 2)} (${verdict}); baseline ×${fmt(growth("baseline"), 2)}, hocuspocus ×${fmt(growth("hocuspocus"), 2)}.`,
    );
  }
  return lines;
}

async function run(context: BenchContext): Promise<BenchResult> {
  const chosen = process.env[CELLS_VARIABLE];
  const specs = chosen === undefined || chosen === "" ? defaultCells(context.smoke) : parseCells(chosen);
  const sizes = [...new Set(specs.map((spec) => spec.updates))].sort((a, b) => a - b);
  const writerCounts = [...new Set(specs.map((spec) => spec.writers))].sort((a, b) => a - b);
  const rounds = context.smoke ? 1 : Math.max(3, context.repetitions);
  const cells: Cell[] = [];
  for (const spec of specs) cells.push(await runCell(spec, rounds, context));
  let ok = true;
  const rows: string[][] = [];
  const notes: string[] = [];
  const bars: Record<Ending, Bar[]> = { clean: [], kill: [] };
  for (const cell of cells) {
    for (const system of OPENED) {
      const opens = cell.opens.get(system) ?? [];
      const errors = cell.errors.get(system) ?? [];
      const history = cell.histories.get(system);
      if (errors.length > 0) notes.push(`${system}, ${cellLabel(cell.spec)}: ${errors.join("; ")}`);
      if (system === "taiku" && (errors.length > 0 || opens.length === 0 || (history?.loss?.lost ?? 0) > 0)) ok = false;
      const busy = opens.filter((open) => !open.quiet).length;
      if (busy > 0) notes.push(`${system}, ${cellLabel(cell.spec)}: in ${busy} open(s) the server was still busy when the client connected; measured anyway`);
      const full = fullSpread(cell, system);
      bars[cell.spec.ending].push(barOf(`${system} ${cell.spec.updates / 1000}k×${cell.spec.writers}`, full));
      rows.push([
        cellLabel(cell.spec),
        system,
        fmtSpread(full, 0),
        ratio(full.median, fullSpread(cell, "floor").median),
        fmtSpread(spread(opens.map((open) => open.rssMiB))),
        fmtSpread(spread(opens.map((open) => open.peakRssMiB))),
        system === "floor" ? "—" : lossCell(history),
        `${opens.length}/${cell.rounds}`,
      ]);
    }
    if (cell.rounds < rounds) notes.push(`${cellLabel(cell.spec)}: ${cell.rounds} round(s) of opens, not ${rounds}: the cell's opens took over ${CELL_OPEN_BUDGET_MS / 1000} s`);
  }
  const measured = cells.map(goalOf).filter((goal) => goal.held !== undefined);
  const headlines = [
    `Goal (taiku ≥ ${GOAL_SPEED_UP}× faster than the baseline to full state, or within ${GOAL_FLOOR_FACTOR}× of the floor where the floor leaves under ${GOAL_SPEED_UP}×): held in ${measured.filter((goal) => goal.held).length} of ${cells.length} cells${measured.length < cells.length ? ` (${cells.length - measured.length} not judged)` : ""}.`,
    ...cells.map(headlineOf),
    ...growthLines(cells, sizes),
  ];
  return {
    name: "cold-open",
    title: "Opening a long history after a clean stop or a kill",
    what:
      `Writers (${writerCounts.join(", ")}) write ${sizes.map((s) => s.toLocaleString("en-US")).join(" and ")} updates over ${KEYS_TOTAL} keys of one session KV document through each system, at saturation (${IN_FLIGHT_TOTAL} writes in flight in all); the run ends with SIGTERM once every write was seen (clean stop), or with SIGKILL as soon as peers have seen the count, while the writers still write (SIGKILL). ` +
      `The data directory is kept as the ending left it, and every open starts a fresh process on a fresh copy of it, waits until that process is quiet, and connects a fresh client: the stock y-websocket provider (taiku, baseline, floor) or Hocuspocus's own provider. “Connect → full state” is taken in the client document's update handler, against the state a complete open must deliver: after a clean stop what peers had seen, after a kill what one reference open of the copy found once it stopped changing for a second (its shortfall against what peers had seen is the loss column). ` +
      `The floor serves taiku's state for that cell from memory (no load, no merge): a WebSocket handshake plus the client applying the state, which no relay can beat. Systems are interleaved per round of opens; each cell makes ${rounds} rounds unless its opens pass ${CELL_OPEN_BUDGET_MS / 1000} s. RSS is the server's just after the client held the state, and its peak up to then.`,
    ok,
    headlines,
    notes,
    tables: [
      {
        title: "Cold open",
        columns: ["cell", "system", "connect → full state ms", "÷ floor", "RSS after open MiB", "peak RSS MiB", "lost of seen (after a kill)", "opens"],
        rows,
      },
    ],
    charts: [
      { title: "Connect → full state after a clean stop (lower is better)", unit: "ms", bars: bars.clean },
      { title: "Connect → full state after SIGKILL during the burst (lower is better)", unit: "ms", bars: bars.kill },
    ],
    params: { cells: specs.map(cellLabel), rounds, keysTotal: KEYS_TOTAL, inFlightTotal: IN_FLIGHT_TOTAL, cellOpenBudgetMs: CELL_OPEN_BUDGET_MS, goalSpeedUp: GOAL_SPEED_UP, goalFloorFactor: GOAL_FLOOR_FACTOR },
    data: cells.map((cell) => ({
      ...cell.spec,
      rounds: cell.rounds,
      histories: Object.fromEntries([...cell.histories].map(([system, history]) => [system, { seen: history.seen, loss: history.loss, writeMs: history.writeMs, stateBytes: history.state.byteLength }])),
      opens: Object.fromEntries(cell.opens),
      errors: Object.fromEntries(cell.errors),
      goal: goalOf(cell),
    })),
  };
}

/** The cold-open benchmark. */
export const coldOpen: Benchmark = { name: "cold-open", run };
