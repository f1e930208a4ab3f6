/**
 * The event store's journal: where an append becomes durable before
 * LevelDB has it. A group commit's frame (`journalFrame.ts`) is written to
 * the journal with one synchronous `write` on the calling thread, so an
 * append is confirmed without a round trip through the thread pool that
 * runs LevelDB's writes; the same puts reach LevelDB shortly after, in the
 * background, and once LevelDB holds them their journal bytes are dropped.
 * After a crash, opening the journal returns what it still holds, for the
 * store to write again (the puts are idempotent).
 *
 * Two files, `<base>.0` and `<base>.1`, take turns: frames go to the
 * active one; {@link EventJournal.rotate} makes the other one active and
 * returns the one that holds every frame written so far, which the store
 * writes to LevelDB and then {@link EventJournal.release}s (truncates). The
 * owner rotates only while the other file is released, so each file holds
 * the frames of at most one pending LevelDB write.
 *
 * Like LevelDB without `sync`, a written frame survives the process being
 * killed, not a power loss; with `sync` every frame is also flushed to disk
 * before it is confirmed.
 */
import fs from "node:fs";
import path from "node:path";
import { CorruptRecordError } from "@taiku/engine";
import { decodeJournalFrames, type JournalEntry } from "./journalFrame";

/** One of the journal's two files. */
export type JournalSegment = 0 | 1;

/** How a journal writes. */
export interface EventJournalOptions {
  /** Flush every frame to disk before it is confirmed. Default `false`. */
  readonly sync?: boolean;
}

/** A journal opened by {@link openEventJournal}, with what it held. */
export interface OpenedJournal {
  readonly journal: EventJournal;
  /** Entries a previous process journaled; they may or may not have reached LevelDB. */
  readonly recovered: JournalEntry[];
}

/**
 * Opens (creating them when missing) the journal files `<base>.0` and
 * `<base>.1`. A torn last frame is ignored; a damaged frame with frames
 * after it throws a `CorruptRecordError` naming the file and the byte:
 * recovering around it would lose confirmed appends without a word.
 */
export async function openEventJournal(base: string, options: EventJournalOptions = {}): Promise<OpenedJournal> {
  const recovered: JournalEntry[] = [];
  for (const segment of [0, 1] as const) {
    const bytes = await fs.promises.readFile(`${base}.${segment}`).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return new Uint8Array(0);
      throw error;
    });
    const decoded = decodeJournalFrames(bytes);
    if (decoded.damage !== undefined) {
      throw new CorruptRecordError({ doc: "(event journal)", record: `${path.basename(base)}.${segment}@${decoded.validLength}`, reason: decoded.damage });
    }
    for (const entry of decoded.entries) recovered.push(entry);
  }
  const fds: [number, number] = [fs.openSync(`${base}.0`, "a"), fs.openSync(`${base}.1`, "a")];
  return { journal: new EventJournal(fds, recovered.length > 0, options.sync ?? false), recovered };
}

/** The two journal files, open for appending. */
export class EventJournal {
  private active: JournalSegment = 0;
  private readonly sizes: [number, number] = [0, 0];
  private closed = false;

  /** Use {@link openEventJournal}. */
  constructor(
    private readonly fds: [number, number],
    /** True while the files still hold recovered frames; {@link EventJournal.clear} empties them. */
    private holdsRecovered: boolean,
    private readonly sync: boolean,
  ) {}

  /**
   * Appends `frame` to the active file; returns once it is written (and
   * flushed to disk, with `sync`). On failure nothing of the frame stays.
   */
  write(frame: Uint8Array): void {
    if (this.closed) throw new Error("the journal is closed");
    if (this.holdsRecovered) throw new Error("the journal still holds recovered frames");
    const fd = this.fds[this.active];
    const before = this.sizes[this.active];
    try {
      for (let written = 0; written < frame.byteLength; ) {
        written += fs.writeSync(fd, frame, written, frame.byteLength - written);
      }
      if (this.sync) fs.fdatasyncSync(fd);
    } catch (error) {
      // Cut the file back so that later frames do not follow a broken one.
      fs.ftruncateSync(fd, before);
      throw error;
    }
    this.sizes[this.active] = before + frame.byteLength;
  }

  /** Bytes written to the active file since it was last released. */
  get activeSize(): number {
    return this.sizes[this.active];
  }

  /** Makes the other file active; returns the one that was (to release once LevelDB holds its frames). */
  rotate(): JournalSegment {
    const full = this.active;
    const other: JournalSegment = full === 0 ? 1 : 0;
    if (this.sizes[other] !== 0) throw new Error(`journal file ${other} is still in use`);
    this.active = other;
    return full;
  }

  /** Empties `segment`: everything it held is in LevelDB. */
  release(segment: JournalSegment): void {
    if (this.sizes[segment] === 0) return;
    fs.ftruncateSync(this.fds[segment], 0);
    this.sizes[segment] = 0;
  }

  /** Empties both files once the recovered entries are in LevelDB. */
  clear(): void {
    for (const fd of this.fds) fs.ftruncateSync(fd, 0);
    this.sizes[0] = 0;
    this.sizes[1] = 0;
    this.holdsRecovered = false;
  }

  /** Closes the files; what they hold stays for the next open. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fd of this.fds) fs.closeSync(fd);
  }
}
