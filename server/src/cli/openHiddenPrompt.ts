/**
 * Reads lines from the terminal without echoing them (for passwords): the
 * prompts go to standard error, the typed characters nowhere. The terminal
 * is taken out of echo mode before the first prompt is shown and kept so
 * until {@link HiddenPrompt.close}, so an answer typed (or pasted) ahead of
 * a prompt is not echoed either, and lines typed ahead are kept in order.
 */
import { createInterface } from "node:readline";

/** Questions asked on the terminal without echo. */
export interface HiddenPrompt {
  /** Shows `prompt` and resolves with the next line typed; rejects when the terminal closes or Ctrl-C is pressed. */
  ask(prompt: string): Promise<string>;
  /** Gives the terminal back as it was. */
  close(): void;
}

/** Opens a {@link HiddenPrompt} on `input` (a TTY), writing prompts to `output`. */
export function openHiddenPrompt(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): HiddenPrompt {
  const rl = createInterface({ input, output, terminal: true });
  // readline echoes through this one method; muting it hides what is typed.
  (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => {};
  // Ctrl-C ends the questions (the pending one rejects) instead of pausing the input.
  rl.on("SIGINT", () => rl.close());
  const lines = rl[Symbol.asyncIterator]();
  return {
    async ask(prompt) {
      output.write(prompt);
      const next = await lines.next();
      output.write("\n");
      if (next.done === true) throw new Error("interrupted");
      return next.value;
    },
    close: () => rl.close(),
  };
}
