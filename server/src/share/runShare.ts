/**
 * `taiku share <sessionId> [--fs] [--server URL] [--token TOKEN]`: shares
 * shells from this machine into a session until interrupted. It needs a
 * host token for that session (the Shells pane's "Share a shell" creates
 * one), read from `$TAIKU_HOST_TOKEN` (preferred: a command line is visible
 * to other users of the machine and kept in shell history) or `--token`.
 * The server defaults to `$TAIKU_SERVER`, else `http://$HOST:$PORT`
 * (127.0.0.1:7300). `--fs` also answers file requests for the working
 * directory.
 */
import { isSessionId, type SessionId } from "@taiku/engine";
import { looksLikeHostToken } from "../auth/hostTokenStore";
import { parseCommandArgs } from "../cli/parseCommandArgs";
import { createShareHost } from "./createShareHost";

/** Parsed `taiku share` arguments, or a usage problem. */
export type ShareArgs =
  | { readonly sessionId: SessionId; readonly fs: boolean; readonly server: string; readonly token: string }
  | { readonly error: string };

/** `taiku share --help`. */
export const SHARE_USAGE = "usage: taiku share <sessionId> [--fs] [--server URL] [--token TOKEN]";
const USAGE = SHARE_USAGE;

/** Reads `taiku share` arguments (after `share`) with the environment as fallback. */
export function parseShareArgs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): ShareArgs {
  const parsed = parseCommandArgs(args, { fs: { type: "boolean" }, server: { type: "string" }, token: { type: "string" } }, USAGE, 1);
  if ("error" in parsed) return parsed;
  const sessionId = parsed.positionals[0];
  const fs = parsed.values.fs ?? false;
  const server = parsed.values.server ?? env.TAIKU_SERVER ?? `http://${env.HOST ?? "127.0.0.1"}:${env.PORT ?? "7300"}`;
  const token = parsed.values.token ?? env.TAIKU_HOST_TOKEN;
  if (sessionId === undefined || !isSessionId(sessionId)) return { error: `a session id is required\n${USAGE}` };
  if (!/^https?:\/\/[^\s]+$/.test(server)) return { error: `--server must be an http(s) URL\n${USAGE}` };
  if (token === undefined || token === "") return { error: `a host token is required: create one with "Share a shell" in the session's Shells pane, then set TAIKU_HOST_TOKEN (or pass --token)\n${USAGE}` };
  if (!looksLikeHostToken(token)) return { error: `that is not a host token (they start with taiku-host.): create one with "Share a shell" in the session's Shells pane\n${USAGE}` };
  return { sessionId, fs, server, token };
}

/** Asks the server whether the host token is valid for the session; a reason when not. */
async function checkAccess(server: string, sessionId: SessionId, token: string): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch(`${server.replace(/\/+$/, "")}/api/sessions/${sessionId}/host-tokens/check`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token }),
    });
  } catch (cause) {
    return `cannot reach ${server}: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
  if (response.ok) return undefined;
  const text = await response.text();
  let message = text.slice(0, 200) || response.statusText;
  try {
    message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
  } catch (cause) {
    if (!(cause instanceof SyntaxError)) throw cause;
  }
  return `the server refused: ${response.status} ${message}`;
}

/** Runs `taiku share`; resolves with the exit code once interrupted. */
export async function runShare(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseShareArgs(args, env);
  if ("error" in parsed) {
    process.stderr.write(`${parsed.error}\n`);
    return 2;
  }
  const access = await checkAccess(parsed.server, parsed.sessionId, parsed.token);
  if (access !== undefined) {
    process.stderr.write(`taiku share: ${access}\n`);
    return 1;
  }
  const share = createShareHost({ ...parsed, log: (line) => process.stderr.write(`taiku share: ${line}\n`) });
  let started = false;
  share.provider.on("closed", ({ code, reason }) => {
    // Before the welcome, a refusal rejects `ready` (below) instead.
    if (!started) return;
    process.stderr.write(`taiku share: the relay disconnected this host: ${reason} (${code})\n`);
    void share.close().then(() => process.exit(1));
  });
  try {
    await share.ready;
  } catch (refusal) {
    process.stderr.write(`taiku share: the relay refused this host: ${refusal instanceof Error ? refusal.message : String(refusal)}\n`);
    await share.close();
    return 1;
  }
  started = true;
  process.stderr.write(`taiku share: sharing ${process.cwd()} into session ${parsed.sessionId}${parsed.fs ? " (files too)" : ""}; Ctrl-C to stop\n`);
  return new Promise<number>((resolve) => {
    const stop = () => {
      void share.close().then(() => resolve(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
