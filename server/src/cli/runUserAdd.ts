/**
 * `taiku user add <name> [--password <password>]`: registers a user directly
 * in the data directory's database. Without `--password` the password is
 * read from standard input when it is piped, or generated and printed. The
 * database is single-process: with the server running, register through
 * `POST /api/users` instead (the command says so).
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { z } from "zod";
import { UserStore } from "../auth/userStore";
import { passwordSchema, userNameSchema } from "../http/schemas";
import { loadConfig } from "../config";
import { openLevel } from "../store";

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return (Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "").trim();
}

/** Registers a user; resolves with the exit code. */
export async function runUserAdd(name: string | undefined, password: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (name === undefined || name.trim() === "") {
    process.stderr.write("usage: taiku user add <name> [--password <password>]\n");
    return 2;
  }
  let secret = password;
  let generated = false;
  if (secret === undefined && !process.stdin.isTTY) secret = await readStdinLine();
  if (secret === undefined || secret === "") {
    secret = randomBytes(12).toString("base64url");
    generated = true;
  }
  const checked = z.object({ name: userNameSchema, password: passwordSchema }).safeParse({ name, password: secret });
  if (!checked.success) {
    process.stderr.write(`${z.prettifyError(checked.error)}\n`);
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
