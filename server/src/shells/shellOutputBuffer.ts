/**
 * The recent output of one shell, kept by the relay so that someone who
 * joins late (or a plugin calling `getShellOutput`) sees what the shell
 * printed before. Bounded in UTF-16 code units: the oldest chunks are dropped
 * first, and the first kept chunk is cut so the total stays within the bound.
 */

/** Default bound per shell: 256 Ki code units (about 256 KiB of terminal output). */
export const DEFAULT_SHELL_BUFFER_CHARS = 256 * 1024;

/** A bounded buffer of one shell's output. */
export class ShellOutputBuffer {
  private chunks: string[] = [];
  private length = 0;

  constructor(private readonly maxChars: number = DEFAULT_SHELL_BUFFER_CHARS) {}

  /** Appends output, dropping the oldest output past the bound. */
  append(data: string): void {
    if (data.length === 0) return;
    const kept = data.length > this.maxChars ? data.slice(data.length - this.maxChars) : data;
    this.chunks.push(kept);
    this.length += kept.length;
    while (this.length > this.maxChars) {
      const first = this.chunks[0] as string;
      const excess = this.length - this.maxChars;
      if (first.length <= excess) {
        this.chunks.shift();
        this.length -= first.length;
      } else {
        this.chunks[0] = first.slice(excess);
        this.length -= excess;
      }
    }
    if (this.chunks.length > 64) this.chunks = [this.chunks.join("")];
  }

  /** Everything kept, oldest first. */
  contents(): string {
    return this.chunks.join("");
  }

  /** Code units kept. */
  get size(): number {
    return this.length;
  }
}
