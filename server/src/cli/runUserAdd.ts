/**
 * `taiku user add <name>`: registers a user directly in the data
 * directory's database. The password never needs to be on the command line
 * (where `ps` and shell history show it); it is, in order:
 *
 * 1. the first line of `--password-file FILE`;
 * 2. `$TAIKU_PASSWORD`;
 * 3. `--password VALUE` — still accepted, with a warning;
 * 4. asked for on the terminal without echo (twice), or, when standard
 *    input is piped, its first line;
 * 5. generated and printed, when the answer or the piped line is empty.
 *
 * Giving both `--password` and `--password-file` is a usage error. The
 * database is single-process: with the server running, register through
 * `POST /api/users` instead (the command says so).
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { UserStore } from "../auth/userStore";
import { passwordSchema, userNameSchema } from "../http/schemas";
import { loadConfig } from "../config";
import { openLevel } from "../store";
import { openHiddenPrompt } from "./openHiddenPrompt";

/** `taiku user add --help`. */
export const USER_ADD_USAGE = `usage: taiku user add <name> [--password-file FILE]

The password is read from --password-file FILE (its first line), else from
TAIKU_PASSWORD, else asked for without echo (or read from piped standard
input); an empty answer generates one and prints it. --password VALUE works
but shows the password to everyone who can list processes.`;

/** Where `taiku user add` got its arguments. */
export interface UserAddArgs {
  readonly name: string | undefined;
  /** `--password` (discouraged). */
  readonly password?: string | undefined;
  /** `--password-file`. */
  readonly passwordFile?: string | undefined;
}

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return (Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "").trim();
}

/** The password from the first source that has one; `""` for none; `{ error }` for a usage problem. */
async function passwordFrom(args: UserAddArgs, env: NodeJS.ProcessEnv): Promise<string | { error: string }> {
  if (args.password !== undefined && args.passwordFile !== undefined) return { error: "give --password-file or --password, not both" };
  if (args.passwordFile !== undefined) {
    try {
      return ((await readFile(args.passwordFile, "utf8")).split(/\r?\n/)[0] ?? "").trim() || { error: `${args.passwordFile} is empty` };
    } catch (error) {
      return { error: `cannot read --password-file ${args.passwordFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
    }
  }
  if (env.TAIKU_PASSWORD) return env.TAIKU_PASSWORD;
  if (args.password !== undefined) {
    process.stderr.write("taiku: warning: --password is visible to every user of this machine (ps) and kept in shell history; use the prompt, TAIKU_PASSWORD or --password-file\n");
    return args.password;
  }
  if (!process.stdin.isTTY) return readStdinLine();
  const prompt = openHiddenPrompt();
  try {
    const first = await prompt.ask("password (empty to generate one): ");
    if (first === "") return "";
    const again = await prompt.ask("the same password again: ");
    return again === first ? first : { error: "the passwords differ" };
  } catch (error) {
    if (error instanceof Error && error.message === "interrupted") return { error: "no password given" };
    throw error;
  } finally {
    prompt.close();
  }
}

/** Registers a user; resolves with the exit code (2: bad arguments, nothing changed). */
export async function runUserAdd(args: UserAddArgs, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { name } = args;
  if (name === undefined || name.trim() === "") {
    process.stderr.write(`taiku: a user name is required\n${USER_ADD_USAGE}\n`);
    return 2;
  }
  const nameChecked = userNameSchema.safeParse(name);
  if (!nameChecked.success) {
    process.stderr.write(`taiku: ${z.prettifyError(nameChecked.error)}\n`);
    return 2;
  }
  const given = await passwordFrom(args, env);
  if (typeof given !== "string") {
    process.stderr.write(`taiku: ${given.error}\n${USER_ADD_USAGE}\n`);
    return 2;
  }
  const generated = given === "";
  const secret = generated ? randomBytes(12).toString("base64url") : given;
  const checked = z.object({ name: userNameSchema, password: passwordSchema }).safeParse({ name, password: secret });
  if (!checked.success) {
    process.stderr.write(`taiku: ${z.prettifyError(checked.error)}\n`);
    return 2;
  }
  const config = loadConfig(env);
  let db;
  try {
    db = await openLevel(path.join(config.dataDir, "db"));
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === "LEVEL_LOCKED") {
      process.stderr.write(`the database in ${config.dataDir} is in use by a running server: stop it, or register with POST /api/users\n`);
      return 1;
    }
    throw error;
  }
  try {
    const created = await new UserStore(db).create(checked.data.name, checked.data.password);
    if ("error" in created) {
      process.stderr.write(`the name ${JSON.stringify(checked.data.name)} is taken\n`);
      return 1;
    }
    process.stdout.write(`added user ${created.name} (${created.userId})\n`);
    if (generated) process.stdout.write(`password: ${secret}\n`);
    return 0;
  } finally {
    await db.close();
  }
}
