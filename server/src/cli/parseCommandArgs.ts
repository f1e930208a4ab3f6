/**
 * The one parser for `taiku` command lines: Node's `util.parseArgs`, strict
 * (an unknown option, a missing value or a stray argument is a usage error),
 * with the command's usage in every error so the message says what to type.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Options a command accepts, in `util.parseArgs` form. */
export type CommandOptions = NonNullable<ParseArgsConfig["options"]>;

/** The values and positionals of a parsed command line, or the usage error to print (exit 2). */
export type ParsedCommand<O extends CommandOptions> =
  | { readonly values: { [K in keyof O]?: O[K] extends { type: "boolean" } ? boolean : string }; readonly positionals: readonly string[] }
  | { readonly error: string };

/**
 * Parses `args` (after the command's name) against `options`, allowing at
 * most `maxPositionals` positional arguments. Errors come back as
 * `{ error }` (the problem, then `usage`), never thrown.
 */
export function parseCommandArgs<O extends CommandOptions>(args: readonly string[], options: O, usage: string, maxPositionals: number): ParsedCommand<O> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS_")) throw error;
    return { error: `${(error as Error).message.replace(/\. To specify a positional argument.*$/s, "")}\n${usage}` };
  }
  if (parsed.positionals.length > maxPositionals) return { error: `unexpected argument ${parsed.positionals[maxPositionals]}\n${usage}` };
  return { values: parsed.values as { [K in keyof O]?: O[K] extends { type: "boolean" } ? boolean : string }, positionals: parsed.positionals };
}
