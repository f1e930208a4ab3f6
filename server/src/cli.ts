/**
 * The `taiku` command line (the package's `bin/taiku.js`; in the repository
 * `server/bin/taiku.mjs` runs the sources):
 *
 * - `taiku serve` — run the server (`HOST`, `PORT`, `TAIKU_DATA_DIR`, `LOG_LEVEL`, …)
 * - `taiku user add <name>` — register a user; the password from a prompt, `TAIKU_PASSWORD` or `--password-file`
 * - `taiku plugin add <folder>` · `taiku plugin list` · `taiku plugin remove <id>`
 * - `taiku share <sid> [--fs] [--server URL]` — share shells (and files) into a session,
 *   with a host token from the session's Shells pane (`TAIKU_HOST_TOKEN`)
 * - `taiku --version`, and `--help` for the whole and for each command
 *
 * Every command line is parsed by `parseCommandArgs` (Node's `util.parseArgs`).
 * Exit codes: 0 done, 1 failed (the message says why), 2 a usage error
 * (nothing was changed).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { PACKAGE_ROOT } from "./config";
import { parseCommandArgs } from "./cli/parseCommandArgs";
import { PLUGIN_USAGE, runPluginCommand } from "./cli/runPluginCommand";
import { SERVE_USAGE, runServe } from "./cli/runServe";
import { USER_ADD_USAGE, runUserAdd } from "./cli/runUserAdd";
import { SHARE_USAGE, runShare } from "./share/runShare";

const HELP = `taiku — a live collaboration session that plugins extend

usage:
  taiku serve                          run the server
  taiku user add <name>                register a user (the password is asked for,
                                       or read from TAIKU_PASSWORD or --password-file FILE)
  taiku plugin add <folder>            install a plugin package (symlinked)
  taiku plugin list                    list bundled and installed plugins
  taiku plugin remove <id>             uninstall a local plugin
  taiku share <sessionId> [--fs] [--server URL]
                                       share shells (and, with --fs, files) into a session;
                                       needs a host token ("Share a shell" in the session's
                                       Shells pane) in TAIKU_HOST_TOKEN
  taiku --version                      print the version
  taiku <command> --help               the usage of one command

environment: HOST (127.0.0.1), PORT (7300), TAIKU_DATA_DIR (./.taiku), LOG_LEVEL (info),
             TAIKU_TRUST_PROXY, TAIKU_PUBLIC_ORIGIN and the limits in docs/operations.md,
             TAIKU_PASSWORD (taiku user add), TAIKU_SERVER and TAIKU_HOST_TOKEN (taiku share)

exit codes: 0 done, 1 failed, 2 usage error (nothing changed)
`;

/** This package's version, from its package.json. */
export function taikuVersion(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;
}

/** `--help` or `-h` anywhere before a `--`. */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}

function usageError(message: string): number {
  process.stderr.write(`taiku: ${message}\n`);
  return 2;
}

/** Runs one `taiku` command; resolves with the process exit code. */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = args;
  const usages: Record<string, string> = { serve: SERVE_USAGE, user: USER_ADD_USAGE, plugin: PLUGIN_USAGE, share: SHARE_USAGE };
  if (command !== undefined && command in usages && asksForHelp(rest)) {
    process.stdout.write(`${usages[command]}\n`);
    return 0;
  }
  switch (command) {
    case "serve": {
      const parsed = parseCommandArgs(rest, {}, SERVE_USAGE, 0);
      if ("error" in parsed) return usageError(parsed.error);
      return runServe(env);
    }
    case "user": {
      if (rest[0] !== "add") return usageError(`unknown command: user ${rest[0] ?? ""}\n${USER_ADD_USAGE}`);
      const parsed = parseCommandArgs(rest.slice(1), { password: { type: "string" }, "password-file": { type: "string" } }, USER_ADD_USAGE, 1);
      if ("error" in parsed) return usageError(parsed.error);
      return runUserAdd({ name: parsed.positionals[0], password: parsed.values.password, passwordFile: parsed.values["password-file"] }, env);
    }
    case "plugin":
      return runPluginCommand(rest, env);
    case "share":
      return runShare(rest, env);
    case "--version":
    case "-v":
    case "version":
      process.stdout.write(`${taikuVersion()}\n`);
      return 0;
    case undefined:
    case "help":
    case "--help":
    case "-h":
      (command === undefined ? process.stderr : process.stdout).write(HELP);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`taiku: unknown command: ${command}\n\n${HELP}`);
      return 2;
  }
}
