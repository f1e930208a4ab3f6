/**
 * Reads one line from the terminal without echoing it (for passwords):
 * the prompt goes to standard error, the typed characters nowhere.
 */
import { createInterface } from "node:readline";

/** Asks `prompt` on standard error and resolves with the line typed on the terminal (standard input), unechoed. */
export function readHiddenLine(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  output.write(prompt);
  const rl = createInterface({ input, output, terminal: true });
  // readline echoes through this one method; muting it hides what is typed.
  (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => {};
  return new Promise((resolve, reject) => {
    rl.once("line", (line) => {
      output.write("\n");
      rl.close();
      resolve(line);
    });
    rl.once("SIGINT", () => {
      output.write("\n");
      rl.close();
      reject(new Error("interrupted"));
    });
  });
}
