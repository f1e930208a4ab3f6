/**
 * The host side of `taiku share`: joins a session document with a host
 * token (a y-websocket provider over `ws`, with `?token=`; see
 * `hostTokenStore.ts`), as the member who created the token, announces itself with
 * `host:hello` (with the folder it shares, `readWorkspace.ts`, and
 * `host:workspace` when that changes, a branch switch say), runs shared shells as real pseudo-terminals, announces each
 * one with `shell:open` (the relay writes it into the session document's
 * `shells` map; no client may), streams their output as batched
 * `shell:data`, and acts on what the relay routes to it: input, resizes,
 * open and close requests, and (with `fs`) file requests confined to the
 * working directory. Its shells are named `<tokenId>.sh-<…>`: the relay
 * lets only a host holding that token run them.
 *
 * After a relay restart the provider reconnects; the host then announces
 * itself and its running shells again (the relay marks them `running`
 * again), so the shells carry on. Input only ever arrives through the relay, which
 * accepted this socket and the viewer's as members of the session.
 */
import os from "node:os";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import {
  MAX_SHELL_DATA,
  MESSAGE_TAIKU_EVENT,
  decodeSessionEventPayload,
  encodeSessionEvent,
  extensionParams,
  sessionDocName,
  sessionEvent,
  type SessionEvent,
  type SessionId,
  type WorkspaceReport,
} from "@taiku/engine";
import { hostTokenIdOf } from "../auth/hostTokenStore";
import { shellIdPrefix } from "../shells/hostGrant";
import { MAX_SHELLS_PER_HOST } from "../shells/sessionChannel";
import { FrameBudget } from "./frameBudget";
import { SharedShell } from "./sharedShell";
import { WorkspaceFiles } from "./workspaceFiles";
import { readWorkspace, sameWorkspace } from "./readWorkspace";

/** Options of {@link createShareHost}. */
export interface ShareHostOptions {
  /** `http://host:port` of the taiku server. */
  readonly server: string;
  /** A host token for `sessionId` (`taiku-host.<tokenId>.<secret>`). */
  readonly token: string;
  readonly sessionId: SessionId;
  /** The shared folder: shells start here and `--fs` serves it (default the process's working directory). */
  readonly cwd?: string;
  /** Answer file requests for `cwd`. */
  readonly fs?: boolean;
  /** Shells to open once connected (default 1). */
  readonly initialShells?: number;
  /** The program shells run (default `$SHELL`). */
  readonly shell?: string;
  /** Its arguments. */
  readonly shellArgs?: readonly string[];
  /** How often the shared folder's git state is read again, in ms (default 5 s; 0 = only at start). */
  readonly workspacePollMs?: number;
  /** How this machine is named to others (default `<user>@<hostname>`). */
  readonly hostName?: string;
  /** Progress and problems, one line each. */
  readonly log?: (line: string) => void;
}

/** A running share. */
export interface ShareHost {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  /** Running shells by id. */
  readonly shells: ReadonlyMap<string, SharedShell>;
  /** Resolves once connected, welcomed and the initial shells are open; rejects when the relay refuses to make this a host. */
  readonly ready: Promise<void>;
  /** Opens another shell. */
  openShell(size?: { cols?: number; rows?: number }): SharedShell;
  /** Closes every shell and leaves the session (its shells become `closed`). */
  close(): Promise<void>;
}

/**
 * The host's WebSocket. Its frames carry an all-zero mask, which `ws` skips
 * on both ends, so shell output is not XOR-ed byte by byte twice. (Masking
 * protects proxies from scripts in browsers; this client is not one.)
 */
class HostSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols, { generateMask: (mask: Buffer) => void mask.fill(0) });
  }
}

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch (cause) {
    // No passwd entry for this uid (containers): the environment names the user.
    if (!(cause instanceof Error)) throw cause;
    return process.env.USER ?? `uid-${process.getuid?.() ?? "unknown"}`;
  }
}

/** `<user>@<hostname>` of this machine. */
export function defaultHostName(): string {
  return `${currentUser()}@${os.hostname()}`;
}

/** Starts sharing into a session. */
export function createShareHost(options: ShareHostOptions): ShareHost {
  const cwd = options.cwd ?? process.cwd();
  const host = options.hostName ?? defaultHostName();
  const log = options.log ?? (() => undefined);
  const tokenId = hostTokenIdOf(options.token);
  if (tokenId === undefined) throw new Error("taiku share needs a host token (taiku-host.<id>.<secret>): create one in the session's Shells pane");
  const idPrefix = shellIdPrefix(tokenId);
  const doc = new Y.Doc();
  const shells = new Map<string, SharedShell>();
  const files = options.fs ? WorkspaceFiles.open(cwd) : undefined;
  files?.catch((error: unknown) => log(`cannot share files of ${cwd}: ${String(error)}`));
  const wsBase = options.server.replace(/^http/, "ws").replace(/\/+$/, "");
  const provider = new WebsocketProvider(`${wsBase}/sync`, sessionDocName(options.sessionId), doc, {
    params: { token: options.token, ...extensionParams() },
    WebSocketPolyfill: HostSocket as unknown as typeof globalThis.WebSocket,
    maxBackoffTime: 2000,
    disableBc: true,
  });
  const frames = new FrameBudget();
  let closed = false;
  let welcomed: () => void = () => undefined;
  let refused: (error: Error) => void = () => undefined;
  const welcome = new Promise<void>((resolve, reject) => {
    welcomed = resolve;
    refused = reject;
  });

  function sendEvent(event: SessionEvent): boolean {
    const socket = provider.ws;
    if (!provider.wsconnected || socket === null || socket.readyState !== socket.OPEN) return false;
    socket.send(encodeSessionEvent(event) as Uint8Array<ArrayBuffer>);
    return true;
  }

  function buffered(): number {
    return provider.ws?.bufferedAmount ?? 0;
  }

  function announce(shell: SharedShell): void {
    sendEvent(sessionEvent("shell:open", shell.describe()));
  }

  function openShell(size: { cols?: number; rows?: number } = {}): SharedShell {
    const shell = SharedShell.start({
      cwd,
      host,
      idPrefix,
      ...size,
      ...(options.shell === undefined ? {} : { shell: options.shell }),
      ...(options.shellArgs === undefined ? {} : { args: options.shellArgs }),
      sink: (self) => ({
        send: (data) => {
          for (let at = 0; at < data.length; at += MAX_SHELL_DATA) {
            frames.spend();
            if (!sendEvent(sessionEvent("shell:data", { shellId: self.id, data: data.slice(at, at + MAX_SHELL_DATA) }))) return false;
          }
          return true;
        },
        buffered,
        mayFlush: () => frames.available(),
      }),
      onExit: (self, code) => {
        shells.delete(self.id);
        // Shells killed by close() end with the socket: the relay marks them closed, not exited.
        if (!closed) sendEvent(sessionEvent("shell:exit", { shellId: self.id, code }));
        log(`shell ${self.id} exited (${code ?? "signal"})`);
      },
    });
    shells.set(shell.id, shell);
    announce(shell);
    log(`shell ${shell.id} is shared`);
    return shell;
  }

  async function answerFiles(event: Extract<SessionEvent, { type: "fs:request" }>): Promise<void> {
    const { id } = event.data;
    const outcome = files === undefined
      ? { error: { code: "unavailable" as const, message: "this host does not share files" } }
      : await (await files).answer(event.data);
    sendEvent(sessionEvent("fs:response", "error" in outcome ? { id, error: outcome.error } : { id, result: outcome.result }));
  }

  function receive(event: SessionEvent): void {
    switch (event.type) {
      case "host:welcome":
        provider.awareness.setLocalStateField("user", { userId: event.data.userId, name: host, colour: "#22c55e", host: true });
        return welcomed();
      case "host:refused":
        log(`the relay refused ${event.data.type}: ${event.data.message}`);
        if (event.data.type === "host:hello") refused(new Error(event.data.message));
        return;
      case "shell:input":
        return shells.get(event.data.shellId)?.write(event.data.data);
      case "shell:resize":
        return shells.get(event.data.shellId)?.resize(event.data.cols, event.data.rows);
      case "shell:close-request":
        return shells.get(event.data.shellId)?.kill();
      case "shell:open-request":
        if (closed || shells.size >= MAX_SHELLS_PER_HOST) return log(`not opening another shell (${shells.size} running)`);
        openShell(event.data);
        return;
      case "fs:request":
        answerFiles(event).catch((error: unknown) => log(`answering a file request failed: ${String(error)}`));
        return;
      default:
        return;
    }
  }

  provider.messageHandlers[MESSAGE_TAIKU_EVENT] = (_encoder, decoder) => {
    const decoded = decodeSessionEventPayload(decoder.arr.subarray(decoder.pos));
    if (decoded.error !== undefined) return log(`ignoring a malformed event from the relay: ${decoded.error}`);
    receive(decoded.event);
  };

  let workspace: WorkspaceReport | undefined;
  let connected = false;
  const refreshWorkspace = async (): Promise<void> => {
    let next: WorkspaceReport;
    try {
      next = await readWorkspace(cwd);
    } catch (cause) {
      return log(`cannot read the shared folder ${cwd}: ${String(cause)}`);
    }
    if (closed || sameWorkspace(next, workspace)) return;
    workspace = next;
    if (connected) sendEvent(sessionEvent("host:workspace", { workspace }));
  };
  const workspaceRead = refreshWorkspace();
  const pollMs = options.workspacePollMs ?? 5_000;
  const workspacePoll = pollMs > 0 ? setInterval(() => void refreshWorkspace(), pollMs) : undefined;
  workspacePoll?.unref();

  provider.on("status", ({ status }) => {
    log(`relay ${status}`);
    connected = status === "connected";
    if (status !== "connected") return;
    sendEvent(sessionEvent("host:hello", { fs: files !== undefined, host, ...(workspace === undefined ? {} : { workspace }) }));
    for (const shell of shells.values()) announce(shell);
  });
  provider.on("closed", ({ reason }) => refused(new Error(reason)));
  provider.awareness.setLocalStateField("user", { name: host, colour: "#22c55e", host: true });

  const ready = (async () => {
    await welcome;
    await workspaceRead;
    const count = options.initialShells ?? 1;
    for (let i = shells.size; i < count; i++) openShell();
  })();
  // Whoever awaits `ready` sees a refusal; nobody awaiting it is no crash.
  ready.catch((error: unknown) => log(`not sharing: ${error instanceof Error ? error.message : String(error)}`));

  return {
    doc,
    provider,
    shells,
    ready,
    openShell,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(workspacePoll);
      for (const shell of [...shells.values()]) shell.kill();
      await new Promise((resolve) => setTimeout(resolve, 50));
      provider.destroy();
      doc.destroy();
    },
  };
}
