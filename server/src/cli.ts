/**
 * The `taiku` command line (run by `server/bin/taiku.mjs` through tsx):
 *
 * - `taiku serve` — run the server (`HOST`, `PORT`, `TAIKU_DATA_DIR`, `LOG_LEVEL`)
 * - `taiku user add <name> [--password <password>]` — register a user
 * - `taiku plugin add <folder>` · `taiku plugin list` · `taiku plugin remove <id>`
 * - `taiku share <sid> [--fs] [--server URL] [--token TOKEN]` — share shells (and files) into a session,
 *   with a host token from the session's Shells pane (`TAIKU_HOST_TOKEN`)
 */
import { runPluginCommand } from "./cli/runPluginCommand";
import { runServe } from "./cli/runServe";
import { runUserAdd } from "./cli/runUserAdd";
import { runShare } from "./share/runShare";

const HELP = `taiku — a live collaboration session that plugins extend

usage:
  taiku serve                                   run the server
  taiku user add <name> [--password <password>] register a user
  taiku plugin add <folder>                     install a plugin package (symlinked)
  taiku plugin list                             list bundled and installed plugins
  taiku plugin remove <id>                      uninstall a local plugin
  taiku share <sessionId> [--fs] [--server URL] [--token TOKEN]
                                                share shells (and, with --fs, files) into a session;
                                                needs a host token ("Share a shell" in the session's
                                                Shells pane), best given as TAIKU_HOST_TOKEN

environment: HOST (127.0.0.1), PORT (7300), TAIKU_DATA_DIR (./.taiku), LOG_LEVEL (info),
             TAIKU_SERVER and TAIKU_HOST_TOKEN (taiku share)
`;

/** Splits `--name value` options from positional arguments. */
function parseOptions(args: readonly string[]): { positional: string[]; options: Map<string, string | undefined> } {
  const positional: string[] = [];
  const options = new Map<string, string | undefined>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg.startsWith("--")) {
      const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
      const next = args[i + 1];
      if (inline !== undefined) options.set(name, inline);
      else if (next !== undefined && !next.startsWith("--")) {
        options.set(name, next);
        i++;
      } else options.set(name, undefined);
    } else positional.push(arg);
  }
  return { positional, options };
}

/** Runs one `taiku` command; resolves with the process exit code. */
export async function runCli(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case "serve":
      return runServe();
    case "user": {
      const { positional, options } = parseOptions(rest);
      if (positional[0] !== "add") break;
      return runUserAdd(positional[1], options.get("password"));
    }
    case "plugin":
      return runPluginCommand(rest);
    case "share":
      return runShare(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    default:
      break;
  }
  process.stderr.write(`unknown command: ${args.join(" ")}\n\n${HELP}`);
  return 2;
}
