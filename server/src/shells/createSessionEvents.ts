/**
 * The session event channel, as a relay extension owning message type 101
 * (`MESSAGE_TAIKU_EVENT`). On the sockets of a session document
 * `sessions/<sid>` it:
 *
 * - relays shell output from the host CLI that runs the shell to everyone
 *   else, keeping a bounded ring buffer per shell that a joiner receives
 *   first (`shell:data` with `backlog: true`);
 * - routes viewers' shell input, resizes and close requests to the host that
 *   owns the shell, open requests to a host, and file requests to the host
 *   started with `--fs` (answering `unavailable` when there is none);
 * - announces `user:join` / `user:leave`, relays custom plugin events, and
 *   emits `agent:activity` for the activity route;
 * - writes the session document's `shells` map (clients may not): an entry
 *   `running` for each `shell:open` a host may send, `exited` on its
 *   `shell:exit`, and `closed` for a host's shells when its socket closes
 *   (then it also emits `shell:exit`);
 * - writes its `workspaces` map (clients may not): the folder each host
 *   reports in `host:hello` and `host:workspace`, named by the relay
 *   (`sessionWorkspaces.ts`), `online` while a host shares it and `offline`
 *   once none does; a host's shells carry its `workspaceId`.
 *
 * Every socket reaching an extension is a member's (the HTTP side authorised
 * the upgrade). Only a socket admitted with a host token for this session
 * (`hostGrant.ts`) is a host: a host message (`host:hello`, `shell:open`,
 * `shell:data`, `shell:exit`, `fs:response`) from any other socket, or about
 * a shell that is not the sender's, is answered with `host:refused`, logged,
 * and changes nothing; such a socket is never sent open requests, file
 * requests or keystrokes. A host's shell ids carry its token id
 * (`<tokenId>.<…>`), so after a relay restart no other host can claim them.
 * A frame that does not decode, a frame on a KV document's socket, or a
 * frame nobody but the relay may send throws, and the relay closes that
 * socket only.
 */
import type { Logger } from "pino";
import type * as Y from "yjs";
import {
  MESSAGE_TAIKU_EVENT,
  checkSessionEvent,
  decodeSessionEventPayload,
  encodeSessionEvent,
  isPluginEventType,
  parseDocName,
  sessionDocName,
  sessionEvent,
  CloseCode,
  ErrorCode,
  TaikuError,
  type SessionEvent,
  type SessionEventMap,
  type SessionId,
  type SessionWorkspace,
  type WorkspaceReport,
} from "@taiku/engine";
import type { Relay, RelayExtension, RelaySocket } from "../sync/relayTypes";
import { FsRequestRouter } from "./fsRequestRouter";
import { hostGrantOf, shellIdPrefix } from "./hostGrant";
import { MAX_SHELLS_PER_HOST, SessionChannel, type HostState } from "./sessionChannel";
import { toSessionWorkspace, WORKSPACES_ROOT } from "./sessionWorkspaces";
import { DEFAULT_SHELL_BUFFER_CHARS } from "./shellOutputBuffer";

/** Entries the session document's `activity` array keeps (the oldest go first). */
export const MAX_ACTIVITY_ENTRIES = 1000;

/** Options of {@link createSessionEvents}. */
export interface SessionEventsOptions {
  readonly logger: Logger;
  /** Output kept per shell, in UTF-16 code units (default 256 Ki). */
  readonly bufferChars?: number;
  /** Buffers of ended shells kept per session for late joiners (default 16). */
  readonly keepEndedShells?: number;
  /**
   * How long after a session's first socket opens a `running` shell may stay
   * without a host announcing it before it is marked `closed`, in ms (default
   * 8 s): hosts that were connected before a relay restart reconnect within
   * that time; shells whose host never comes back are closed.
   */
  readonly orphanGraceMs?: number;
}

/** One agent activity entry as stored in the session document's `activity` array. */
export type ActivityEntry = SessionEventMap["agent:activity"];

/** The session event channel: the relay extension plus what the HTTP side calls. */
export interface SessionEvents {
  /** Pass to `createRelay({ extensions })`. */
  readonly extension: RelayExtension;
  /** Gives the channel the relay it writes server-authored changes through; call once, right after `createRelay`. */
  attach(relay: Relay): void;
  /** Sends an event to every socket on the session document. */
  emit(sessionId: SessionId, event: SessionEvent): void;
  /** Appends an entry to the session document's `activity` array, then emits `agent:activity`. */
  appendActivity(sessionId: SessionId, entry: ActivityEntry): Promise<void>;
  /** The recent output of a shell (empty when unknown). */
  shellOutput(sessionId: SessionId, shellId: string): string;
  /** The hosts connected to a session, with the token each holds and the shells it runs. */
  connectedHosts(sessionId: SessionId): ConnectedHost[];
  /** The workspaces connected hosts share now, in every session. */
  sharedWorkspaces(): SharedWorkspace[];
  /**
   * Asks the host sharing `workspaceId` in `sessionId` a read-only workspace question for the member
   * `userId` (the caller checked membership); resolves with the host's answer, or with `unavailable`
   * when no host with `--fs` shares it, or `timeout`.
   */
  askWorkspace(sessionId: SessionId, workspaceId: string, userId: string, request: Omit<FsRequest, "id" | "workspaceId" | "data">): Promise<FsResponse>;
  /** Closes the sockets of the hosts holding token `tokenId` (revoked); returns how many were closed. */
  disconnectHosts(sessionId: SessionId, tokenId: string, reason: string): number;
}

type FsRequest = SessionEventMap["fs:request"];
type FsResponse = SessionEventMap["fs:response"];

/** An HTTP caller's file requests in flight, by request id. */
interface HttpRequester {
  readonly userId: string;
  readonly waiting: Map<string, (response: FsResponse) => void>;
}

/** Who asked for a file: a viewer's socket, or an HTTP caller. */
type Requester = RelaySocket | HttpRequester;

/** A workspace a connected host shares now. */
export interface SharedWorkspace {
  readonly sessionId: SessionId;
  readonly workspace: SessionWorkspace;
  /** Whether its host serves files (`taiku share --fs`). */
  readonly fs: boolean;
}

/** A connected host as the HTTP side lists it. */
export interface ConnectedHost {
  readonly tokenId: string;
  /** `<user>@<machine>`, as the host announced itself. */
  readonly host: string;
  readonly fs: boolean;
  readonly shells: readonly string[];
}

/** Creates the session event channel. */
export function createSessionEvents(options: SessionEventsOptions): SessionEvents {
  const { logger } = options;
  const bufferChars = options.bufferChars ?? DEFAULT_SHELL_BUFFER_CHARS;
  const keepEnded = options.keepEndedShells ?? 16;
  const orphanGraceMs = options.orphanGraceMs ?? 8_000;
  const channels = new Map<SessionId, SessionChannel>();
  const httpRequesters = new Map<string, HttpRequester>();
  const fs = new FsRequestRouter<Requester>((requester, response) => {
    if ("waiting" in requester) {
      const resolve = requester.waiting.get(response.id);
      requester.waiting.delete(response.id);
      if (requester.waiting.size === 0) httpRequesters.delete(requester.userId);
      return resolve?.(response);
    }
    requester.send(encodeSessionEvent(sessionEvent("fs:response", response)));
  });
  let httpCounter = 0;
  let relay: Relay | undefined;

  function sessionOf(socket: RelaySocket): SessionId | undefined {
    const parsed = parseDocName(socket.doc);
    return parsed?.kind === "session" ? parsed.sessionId : undefined;
  }

  function channelOf(socket: RelaySocket): SessionChannel | undefined {
    const sessionId = sessionOf(socket);
    return sessionId === undefined ? undefined : channels.get(sessionId);
  }

  function broadcast(channel: SessionChannel, event: SessionEvent | Uint8Array, except?: RelaySocket): void {
    const frame = event instanceof Uint8Array ? event : encodeSessionEvent(event);
    for (const socket of channel.sockets) if (socket !== except) socket.send(frame);
  }

  /** The frame a validated payload arrived in, to relay it without encoding it again (101 is one varUint byte). */
  function frameOf(payload: Uint8Array): Uint8Array {
    const frame = new Uint8Array(payload.byteLength + 1);
    frame[0] = MESSAGE_TAIKU_EVENT;
    frame.set(payload, 1);
    return frame;
  }

  function send(socket: RelaySocket, event: SessionEvent): void {
    socket.send(encodeSessionEvent(event));
  }

  /**
   * Writes one entry of the session document's `shells` map (a server-authored change: clients may not write
   * `shells`, see `sessionAuthorship.ts`); `next` gets the entry there now and returns the new one, or
   * `undefined` to leave it.
   */
  function writeShell(channel: SessionChannel, shellId: string, next: (entry: Record<string, unknown> | undefined) => Record<string, unknown> | undefined): void {
    if (relay === undefined) return;
    relay
      .transact(sessionDocName(channel.sessionId), (doc) => {
        const shells = doc.getMap<unknown>("shells");
        const entry = next(shells.get(shellId) as Record<string, unknown> | undefined);
        if (entry !== undefined) shells.set(shellId, entry);
      })
      .catch((error: unknown) => logger.warn({ err: error, session: channel.sessionId, shellId }, "writing a shell into the session document failed"));
  }

  /** Records the folder `host` shares, `online`, in the session document's `workspaces` map. */
  function reportWorkspace(channel: SessionChannel, host: HostState, socket: RelaySocket, report: WorkspaceReport): void {
    const workspace = toSessionWorkspace(report, socket.peer.userId, host.host, "online");
    const previous = host.workspace?.id;
    host.workspace = workspace;
    if (relay === undefined) return;
    relay
      .transact(sessionDocName(channel.sessionId), (doc) => {
        const workspaces = doc.getMap<unknown>(WORKSPACES_ROOT);
        if (JSON.stringify(workspaces.get(workspace.id)) !== JSON.stringify(workspace)) workspaces.set(workspace.id, workspace);
        if (previous !== undefined && previous !== workspace.id && !channel.sharesWorkspace(previous, host)) setOffline(workspaces, previous);
      })
      .catch((error: unknown) => logger.warn({ err: error, session: channel.sessionId }, "writing a workspace into the session document failed"));
  }

  function setOffline(workspaces: Y.Map<unknown>, workspaceId: string): void {
    const entry = workspaces.get(workspaceId) as Record<string, unknown> | undefined;
    if (entry !== undefined && entry.status !== "offline") workspaces.set(workspaceId, { ...entry, status: "offline" });
  }

  /** Marks `workspaceIds` `offline` unless a connected host shares them again by then. */
  function markWorkspacesOffline(channel: SessionChannel, workspaceIds: readonly string[]): void {
    if (relay === undefined || workspaceIds.length === 0) return;
    relay
      .transact(sessionDocName(channel.sessionId), (doc) => {
        const workspaces = doc.getMap<unknown>(WORKSPACES_ROOT);
        for (const workspaceId of workspaceIds) if (!channel.sharesWorkspace(workspaceId)) setOffline(workspaces, workspaceId);
      })
      .catch((error: unknown) => logger.debug({ err: error, session: channel.sessionId }, "marking a departed host's workspace offline failed"));
  }

  /** Marks `running` shells `closed` in the session document unless a host runs them again by then. */
  function markClosed(channel: SessionChannel, shellIds: readonly string[]): void {
    if (relay === undefined || shellIds.length === 0) return;
    relay
      .transact(sessionDocName(channel.sessionId), (doc) => {
        const shells = doc.getMap<unknown>("shells");
        for (const shellId of shellIds) {
          const entry = shells.get(shellId) as Record<string, unknown> | undefined;
          if (channel.ownerOf(shellId) !== undefined || entry?.status !== "running") continue;
          shells.set(shellId, { ...entry, status: "closed" });
        }
      })
      .catch((error: unknown) => {
        // While the server shuts down its hosts' sockets close after the store did: the shells
        // stay "running" in the document and the hosts re-announce them when they reconnect.
        const shuttingDown = error instanceof TaikuError && error.code === ErrorCode.Unavailable;
        logger[shuttingDown ? "debug" : "warn"]({ err: error, session: channel.sessionId }, "marking a departed host's shells closed failed");
      });
  }

  /** Closes `running` shells that no host has announced (their host left while the relay was down). */
  function closeOrphans(channel: SessionChannel): void {
    if (relay === undefined || channels.get(channel.sessionId) !== channel) return;
    relay
      .read(sessionDocName(channel.sessionId), (doc) =>
        [...doc.getMap<unknown>("shells").entries()].flatMap(([shellId, entry]) =>
          (entry as { status?: unknown } | null)?.status === "running" && channel.ownerOf(shellId) === undefined ? [shellId] : [],
        ),
      )
      .then((orphans) => markClosed(channel, orphans))
      .then(() => relay?.read(sessionDocName(channel.sessionId), (doc) => [...doc.getMap<unknown>(WORKSPACES_ROOT).keys()]))
      .then((workspaceIds) => markWorkspacesOffline(channel, workspaceIds ?? []))
      .catch((error: unknown) => logger.warn({ err: error, session: channel.sessionId }, "looking for shells without a host failed"));
  }

  /**
   * Forwards a file request to the host that answers it: the one sharing `request.workspaceId` with `--fs`,
   * or without a workspace the session's first `--fs` host. Returns the answer to give at once when there
   * is none (or the requester has too many requests in flight).
   */
  function forward(channel: SessionChannel, requester: Requester, request: FsRequest, ts?: number): FsResponse | undefined {
    const unavailable = (message: string): FsResponse => ({ id: request.id, error: { code: ErrorCode.Unavailable, message } });
    let host: HostState | undefined;
    if (request.workspaceId === undefined) {
      host = channel.fsHost();
      if (host === undefined) return unavailable("no host in this session shares its files (taiku share --fs)");
    } else {
      host = channel.workspaceHost(request.workspaceId);
      if (host === undefined) return unavailable("no taiku share is sharing this workspace now");
      if (!host.fs) return unavailable("the taiku share sharing this workspace was started without --fs, so it does not serve its files");
    }
    const opened = fs.open(requester, host.socket, request.id);
    if ("response" in opened) return opened.response;
    send(host.socket, sessionEvent("fs:request", { ...request, id: opened.relayId }, ts));
    return undefined;
  }

  /** The requester standing for HTTP calls of `userId`, so the in-flight cap holds per user. */
  function httpRequester(userId: string): HttpRequester {
    let requester = httpRequesters.get(userId);
    if (requester === undefined) {
      requester = { userId, waiting: new Map() };
      httpRequesters.set(userId, requester);
    }
    return requester;
  }

  /** Answers a host message the sender may not send, and logs it; nothing changes. */
  function refuse(channel: SessionChannel, socket: RelaySocket, type: string, message: string): undefined {
    logger.warn({ session: channel.sessionId, user: socket.peer.userId, connection: socket.id, type }, `refused a host message: ${message}`);
    send(socket, sessionEvent("host:refused", { type, message }));
    return undefined;
  }

  function requireHost(channel: SessionChannel, socket: RelaySocket, type: string) {
    const host = channel.hostOf(socket);
    if (host !== undefined) return host;
    const message = hostGrantOf(socket.peer) === undefined
      ? `${type} is for taiku share with a host token; this connection has none`
      : `${type} is sent after host:hello`;
    return refuse(channel, socket, type, message);
  }

  function requireOwner(channel: SessionChannel, socket: RelaySocket, type: string, shellId: string) {
    const host = requireHost(channel, socket, type);
    if (host === undefined) return undefined;
    if (channel.ownerOf(shellId) !== host) return refuse(channel, socket, type, `shell ${shellId} is not this host's`);
    return host;
  }

  function handle(channel: SessionChannel, socket: RelaySocket, event: SessionEvent, payload: Uint8Array): void {
    if (isPluginEventType(event.type)) return broadcast(channel, frameOf(payload), socket);
    const builtin = event as Exclude<SessionEvent, { type: `plugin:${string}:${string}` }>;
    switch (builtin.type) {
      case "host:hello": {
        const grant = hostGrantOf(socket.peer);
        if (grant === undefined || grant.sessionId !== channel.sessionId) {
          return refuse(channel, socket, builtin.type, "only taiku share with a host token for this session may be a host; create one in the Shells pane");
        }
        const host = channel.addHost(socket, grant.tokenId, builtin.data.fs, builtin.data.host);
        if (builtin.data.workspace !== undefined) reportWorkspace(channel, host, socket, builtin.data.workspace);
        return send(socket, sessionEvent("host:welcome", { userId: socket.peer.userId, name: socket.peer.name }));
      }
      case "host:workspace": {
        const host = requireHost(channel, socket, builtin.type);
        if (host === undefined) return;
        return reportWorkspace(channel, host, socket, builtin.data.workspace);
      }
      case "shell:open": {
        const host = requireHost(channel, socket, builtin.type);
        if (host === undefined) return;
        const prefix = shellIdPrefix(host.tokenId);
        if (!builtin.data.shellId.startsWith(prefix)) return refuse(channel, socket, builtin.type, `this host's shell ids start with ${prefix}`);
        const problem = channel.claimShell(host, builtin.data.shellId);
        if (problem !== undefined) return refuse(channel, socket, builtin.type, problem.error);
        const { shellId, title, cwd, host: machine, cols, rows } = builtin.data;
        const workspace = host.workspace === undefined ? {} : { workspaceId: host.workspace.id };
        writeShell(channel, shellId, () => ({ id: shellId, title, cwd, host: machine, status: "running", cols, rows, ...workspace }));
        return broadcast(channel, frameOf(payload), socket);
      }
      case "shell:data": {
        if (requireOwner(channel, socket, builtin.type, builtin.data.shellId) === undefined) return;
        if (builtin.data.backlog !== undefined) throw new Error("only the relay replays a backlog");
        channel.bufferOf(builtin.data.shellId)?.append(builtin.data.data);
        return broadcast(channel, frameOf(payload), socket);
      }
      case "shell:exit": {
        const host = requireOwner(channel, socket, builtin.type, builtin.data.shellId);
        if (host === undefined) return;
        channel.releaseShell(host, builtin.data.shellId);
        channel.pruneBuffers(keepEnded);
        writeShell(channel, builtin.data.shellId, (entry) => (entry === undefined ? undefined : { ...entry, status: "exited" }));
        return broadcast(channel, builtin, socket);
      }
      case "fs:response": {
        if (requireHost(channel, socket, builtin.type) === undefined) return;
        const problem = fs.settle(socket, builtin.data);
        if (problem !== undefined) throw new Error(problem.error);
        return;
      }
      case "shell:input":
      case "shell:resize":
      case "shell:close-request": {
        const owner = channel.ownerOf(builtin.data.shellId);
        if (owner !== undefined) send(owner.socket, builtin);
        return;
      }
      case "shell:open-request": {
        const host = channel.shellHost();
        if (host !== undefined && host.shells.size < MAX_SHELLS_PER_HOST) send(host.socket, builtin);
        return;
      }
      case "fs:request": {
        const answered = forward(channel, socket, builtin.data, builtin.ts);
        if (answered !== undefined) send(socket, sessionEvent("fs:response", answered));
        return;
      }
      case "host:welcome":
      case "host:refused":
      case "user:join":
      case "user:leave":
      case "agent:activity":
        throw new Error(`only the relay sends ${builtin.type}`);
    }
  }

  const extension: RelayExtension = {
    name: "session events",
    messageTypes: [MESSAGE_TAIKU_EVENT],

    onOpen(socket) {
      const sessionId = sessionOf(socket);
      if (sessionId === undefined) return;
      let channel = channels.get(sessionId);
      if (channel === undefined) {
        const created = new SessionChannel(sessionId, bufferChars);
        channels.set(sessionId, created);
        setTimeout(() => closeOrphans(created), orphanGraceMs).unref();
        channel = created;
      }
      const firstOfUser = !channel.hasOtherSocketOf(socket.peer.userId, socket);
      channel.sockets.add(socket);
      for (const { shellId, data } of channel.backlog()) send(socket, sessionEvent("shell:data", { shellId, data, backlog: true }));
      if (firstOfUser) broadcast(channel, sessionEvent("user:join", { userId: socket.peer.userId, name: socket.peer.name }), socket);
    },

    onMessage(socket, _type, payload) {
      const channel = channelOf(socket);
      if (channel === undefined) throw new Error("session events travel on the session document's socket");
      const decoded = decodeSessionEventPayload(payload);
      if (decoded.error !== undefined) throw new Error(decoded.error);
      handle(channel, socket, decoded.event, payload);
    },

    onClose(socket) {
      const channel = channelOf(socket);
      if (channel === undefined || !channel.sockets.delete(socket)) return;
      fs.dropSocket(socket);
      const workspaceId = channel.hostOf(socket)?.workspace?.id;
      const shells = channel.removeHost(socket);
      if (workspaceId !== undefined) markWorkspacesOffline(channel, [workspaceId]);
      for (const shellId of shells) broadcast(channel, sessionEvent("shell:exit", { shellId, code: null }));
      markClosed(channel, shells);
      channel.pruneBuffers(keepEnded);
      if (!channel.hasOtherSocketOf(socket.peer.userId, socket)) {
        broadcast(channel, sessionEvent("user:leave", { userId: socket.peer.userId, name: socket.peer.name }));
      }
      if (channel.sockets.size === 0) channels.delete(channel.sessionId);
    },
  };

  function emit(sessionId: SessionId, event: SessionEvent): void {
    const channel = channels.get(sessionId);
    if (channel !== undefined) broadcast(channel, event);
  }

  return {
    extension,
    attach(target) {
      relay = target;
    },
    emit,
    async appendActivity(sessionId, entry) {
      if (relay === undefined) throw new Error("the session event channel is not attached to a relay");
      await relay.transact(sessionDocName(sessionId), (doc) => {
        const activity = doc.getArray<unknown>("activity");
        activity.push([{ ...entry }]);
        if (activity.length > MAX_ACTIVITY_ENTRIES) activity.delete(0, activity.length - MAX_ACTIVITY_ENTRIES);
      });
      emit(sessionId, sessionEvent("agent:activity", entry, entry.ts));
    },
    shellOutput(sessionId, shellId) {
      return channels.get(sessionId)?.bufferOf(shellId)?.contents() ?? "";
    },
    connectedHosts(sessionId) {
      return (channels.get(sessionId)?.allHosts() ?? []).map(({ tokenId, host, fs: files, shells }) => ({ tokenId, host, fs: files, shells: [...shells] }));
    },
    sharedWorkspaces() {
      const shared = new Map<string, SharedWorkspace>();
      for (const channel of channels.values()) {
        for (const host of channel.allHosts()) {
          if (host.workspace === undefined) continue;
          const key = `${channel.sessionId}/${host.workspace.id}`;
          if (!shared.get(key)?.fs) shared.set(key, { sessionId: channel.sessionId, workspace: host.workspace, fs: host.fs });
        }
      }
      return [...shared.values()];
    },
    askWorkspace(sessionId, workspaceId, userId, request) {
      const id = `http${++httpCounter}`;
      const full: FsRequest = { ...request, id, workspaceId };
      // What a host is sent must be what it accepts: a request its decoder refuses would only time out.
      const checked = checkSessionEvent({ type: "fs:request", data: full, ts: Date.now() });
      if (checked.error !== undefined) return Promise.resolve({ id, error: { code: ErrorCode.InvalidParams, message: checked.error } });
      const channel = channels.get(sessionId);
      if (channel === undefined) return Promise.resolve({ id, error: { code: ErrorCode.Unavailable, message: "no taiku share is sharing this workspace now" } });
      const requester = httpRequester(userId);
      return new Promise<FsResponse>((resolve) => {
        requester.waiting.set(id, resolve);
        const answered = forward(channel, requester, full);
        if (answered === undefined) return;
        requester.waiting.delete(id);
        if (requester.waiting.size === 0) httpRequesters.delete(userId);
        resolve(answered);
      });
    },
    disconnectHosts(sessionId, tokenId, reason) {
      const held = [...(channels.get(sessionId)?.sockets ?? [])].filter((socket) => hostGrantOf(socket.peer)?.tokenId === tokenId);
      for (const socket of held) socket.close(CloseCode.PermissionDenied, reason);
      return held.length;
    },
  };
}
