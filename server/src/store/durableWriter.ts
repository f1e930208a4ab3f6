/**
 * How the event store makes a group commit durable: straight into LevelDB,
 * or into the journal (`eventJournal.ts`) first and into LevelDB behind it.
 *
 * Through the journal, {@link DurableWriter.write} returns once the frame is
 * written, and the entries wait in memory for the next background LevelDB
 * write: it starts `flushDelayMs` after the first waiting entry (sooner
 * once `flushEntries` wait, or when {@link DurableWriter.inLevel} asks),
 * one at a time, each taking everything that waits, so LevelDB sees few,
 * large batches. A journal file is released as soon as LevelDB holds its
 * entries. When LevelDB falls behind (`flushEntries` wait while it
 * writes), a write first waits for that LevelDB write, so memory and the
 * journal stay bounded.
 *
 * A LevelDB write that fails leaves its entries in the journal (the next
 * open recovers them) and fails the writer: every later call rejects.
 */
import { ErrorCode, TaikuError } from "@taiku/engine";
import type { EventJournal } from "./eventJournal";
import { encodeJournalFrame, type JournalEntry } from "./journalFrame";

/** Where a group commit's puts go. */
export interface DurableWriter {
  /** Makes `entries` durable as one atomic write; rejects (having kept none of them) when it cannot. */
  write(entries: JournalEntry[]): Promise<void>;
  /** Resolves once LevelDB holds everything written so far. */
  inLevel(): Promise<void>;
  /** Moves everything written to LevelDB and releases the journal. */
  close(): Promise<void>;
}

/** Writes one batch to LevelDB atomically. */
export type LevelWrite = (entries: readonly JournalEntry[]) => Promise<void>;

/** A writer without a journal: each group commit is one LevelDB batch. */
export function createDirectWriter(writeLevel: LevelWrite): DurableWriter {
  return {
    write: (entries) => writeLevel(entries),
    inLevel: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

/** When the journal's entries move to LevelDB. */
export interface JournaledWriterOptions {
  /** Wait this long after the first waiting entry before writing to LevelDB (default 20 ms). */
  readonly flushDelayMs?: number;
  /** Write at once when this many entries wait (default 2,000). */
  readonly flushEntries?: number;
}

/** A writer that confirms writes once `journal` holds them. */
export function createJournaledWriter(journal: EventJournal, writeLevel: LevelWrite, options: JournaledWriterOptions = {}): DurableWriter {
  const flushDelayMs = options.flushDelayMs ?? 20;
  const flushEntries = options.flushEntries ?? 2_000;
  /** Entries in the journal's active file, not yet handed to LevelDB. */
  let waiting: JournalEntry[] = [];
  let flushing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let failure: TaikuError | null = null;
  /** Entries written to the journal so far, and of those, entries LevelDB holds. */
  let journaled = 0;
  let leveled = 0;

  function schedule(): void {
    if (flushing !== null || waiting.length === 0) return;
    if (waiting.length >= flushEntries) {
      void flush();
      return;
    }
    timer ??= setTimeout(() => void flush(), flushDelayMs);
  }

  /** Starts the LevelDB write of everything waiting; resolves when it is done, however it ended. */
  function flush(): Promise<void> {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const entries = waiting;
    waiting = [];
    const segment = journal.rotate();
    const done = writeLevel(entries).then(
      () => {
        leveled += entries.length;
        journal.release(segment);
      },
      (error: unknown) => {
        failure ??= new TaikuError(ErrorCode.Unavailable, `writing journaled events to LevelDB failed (the journal keeps them): ${describe(error)}`);
      },
    );
    flushing = done
      .catch((error: unknown) => {
        failure ??= new TaikuError(ErrorCode.Unavailable, `releasing a journal file failed: ${describe(error)}`);
      })
      .finally(() => {
        flushing = null;
        if (failure === null) schedule();
      });
    return flushing;
  }

  async function inLevel(): Promise<void> {
    // Everything written before this call, not what arrives while it waits: under steady appends, "until
    // nothing waits" might never come.
    const target = journaled;
    while (failure === null && leveled < target && (flushing !== null || waiting.length > 0)) await (flushing ?? flush());
    if (failure !== null) throw failure;
  }

  return {
    async write(entries) {
      if (flushing !== null && waiting.length >= flushEntries) await flushing;
      if (failure !== null) throw failure;
      journal.write(encodeJournalFrame(entries));
      for (const entry of entries) waiting.push(entry);
      journaled += entries.length;
      schedule();
    },
    inLevel,
    async close() {
      try {
        await inLevel();
      } finally {
        if (timer !== null) clearTimeout(timer);
        journal.close();
      }
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
