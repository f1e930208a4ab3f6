/**
 * One shell the host CLI shares: a real pseudo-terminal running the user's
 * shell in the shared folder, its size, and its output batcher.
 */
import os from "node:os";
import { randomBytes } from "node:crypto";
import * as pty from "@lydell/node-pty";
import { OutputBatcher, type BatchSink } from "./outputBatcher";

/** Default terminal size of a new shell. */
export const DEFAULT_SIZE = { cols: 80, rows: 24 } as const;

/** What a shell is announced as (`shell:open` and the `shells` map). */
export interface ShellDescription {
  readonly shellId: string;
  readonly title: string;
  readonly cwd: string;
  readonly host: string;
  readonly cols: number;
  readonly rows: number;
}

/** Options of {@link SharedShell.start}. */
export interface StartShellOptions {
  readonly cwd: string;
  /** `<user>@<machine>`. */
  readonly host: string;
  /** What the shell's id starts with: `<tokenId>.` of the host token (the relay accepts no other). */
  readonly idPrefix: string;
  readonly cols?: number;
  readonly rows?: number;
  /** The program to run (default `$SHELL`, else `bash`). */
  readonly shell?: string;
  /** Its arguments (default none). */
  readonly args?: readonly string[];
  /** Where its batched output goes. */
  readonly sink: (shell: SharedShell) => Omit<BatchSink, "pause">;
  /** Called once when the program exits. */
  readonly onExit: (shell: SharedShell, code: number | null) => void;
}

/** The program a new shell runs. */
export function defaultShell(): string {
  return process.env.SHELL || (os.platform() === "win32" ? "powershell.exe" : "bash");
}

/** A running shared shell. */
export class SharedShell {
  private exited = false;

  private constructor(
    readonly id: string,
    readonly title: string,
    readonly cwd: string,
    readonly host: string,
    private cols: number,
    private rows: number,
    private readonly term: pty.IPty,
    private readonly batcher: OutputBatcher,
  ) {}

  /** Starts a shell. */
  static start(options: StartShellOptions): SharedShell {
    const cols = options.cols ?? DEFAULT_SIZE.cols;
    const rows = options.rows ?? DEFAULT_SIZE.rows;
    const program = options.shell ?? defaultShell();
    const term = pty.spawn(program, [...(options.args ?? [])], {
      name: "xterm-256color",
      cols,
      rows,
      cwd: options.cwd,
      env: { ...process.env, TERM: "xterm-256color", TAIKU_SHARED: "1" } as Record<string, string>,
    });
    const id = `${options.idPrefix}sh-${randomBytes(6).toString("hex")}`;
    let shell: SharedShell | undefined;
    const batcher = new OutputBatcher({
      send: (data) => (shell === undefined ? false : options.sink(shell).send(data)),
      buffered: () => (shell === undefined ? 0 : options.sink(shell).buffered()),
      mayFlush: () => shell !== undefined && options.sink(shell).mayFlush(),
      pause: (paused) => (paused ? term.pause() : term.resume()),
    });
    shell = new SharedShell(id, `${program.split("/").at(-1) ?? program} ${term.pid}`, options.cwd, options.host, cols, rows, term, batcher);
    const started = shell;
    term.onData((data) => batcher.push(data));
    term.onExit(({ exitCode }) => {
      started.exited = true;
      batcher.flush();
      batcher.dispose();
      options.onExit(started, Number.isSafeInteger(exitCode) ? exitCode : null);
    });
    return shell;
  }

  /** How the shell is announced. */
  describe(): ShellDescription {
    return { shellId: this.id, title: this.title, cwd: this.cwd, host: this.host, cols: this.cols, rows: this.rows };
  }

  /** Whether the program is still running. */
  get running(): boolean {
    return !this.exited;
  }

  /** Types into the shell. */
  write(data: string): void {
    if (!this.exited) this.term.write(data);
  }

  /** Follows a viewer's terminal size. */
  resize(cols: number, rows: number): void {
    if (this.exited || (cols === this.cols && rows === this.rows)) return;
    this.cols = cols;
    this.rows = rows;
    this.term.resize(cols, rows);
  }

  /** Ends the program (hang-up). */
  kill(): void {
    if (!this.exited) this.term.kill();
  }
}
