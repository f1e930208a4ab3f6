/**
 * The relay's view of one session's event channel: the sockets open on the
 * session document, which of them are host CLIs, which host owns which
 * shell, and each shell's recent output. Pure bookkeeping; deciding what a
 * frame means is `createSessionEvents`'s job.
 */
import type { SessionId, SessionWorkspace } from "@taiku/engine";
import type { RelaySocket } from "../sync/relayTypes";
import { ShellOutputBuffer } from "./shellOutputBuffer";

/** Shells one host may announce. */
export const MAX_SHELLS_PER_HOST = 32;

/** A socket admitted with a host token that said `host:hello`. */
export interface HostState {
  readonly socket: RelaySocket;
  /** The host token it connected with; its shells are named `<tokenId>.<…>`. */
  readonly tokenId: string;
  /** Whether it answers `fs:request`. */
  fs: boolean;
  /** `<user>@<machine>`, as it announced itself. */
  host: string;
  /** Ids of the shells it owns that are running. */
  readonly shells: Set<string>;
  /** The workspace it shares (as the session document's `workspaces` holds it), once it reported one. */
  workspace?: SessionWorkspace;
}

/** One session's sockets, hosts, shells and output buffers. */
export class SessionChannel {
  /** Every open socket on the session document. */
  readonly sockets = new Set<RelaySocket>();
  private readonly hosts = new Map<string, HostState>();
  private readonly owners = new Map<string, HostState>();
  private readonly buffers = new Map<string, ShellOutputBuffer>();

  constructor(
    readonly sessionId: SessionId,
    private readonly bufferChars: number,
  ) {}

  /** The host state of `socket`, if it said `host:hello`. */
  hostOf(socket: RelaySocket): HostState | undefined {
    return this.hosts.get(socket.id);
  }

  /** Registers (or updates) `socket` as a host holding token `tokenId`. */
  addHost(socket: RelaySocket, tokenId: string, fs: boolean, host: string): HostState {
    const existing = this.hosts.get(socket.id);
    if (existing !== undefined) {
      existing.fs = fs;
      existing.host = host;
      return existing;
    }
    const state: HostState = { socket, tokenId, fs, host, shells: new Set() };
    this.hosts.set(socket.id, state);
    return state;
  }

  /** Forgets a host; returns the shells it owned. */
  removeHost(socket: RelaySocket): string[] {
    const state = this.hosts.get(socket.id);
    if (state === undefined) return [];
    this.hosts.delete(socket.id);
    const shells = [...state.shells];
    for (const shellId of shells) if (this.owners.get(shellId) === state) this.owners.delete(shellId);
    return shells;
  }

  /** The host running `shellId`. */
  ownerOf(shellId: string): HostState | undefined {
    return this.owners.get(shellId);
  }

  /** Records that `host` runs `shellId`; an error when another host runs it or the host runs too many. */
  claimShell(host: HostState, shellId: string): { error: string } | undefined {
    const owner = this.owners.get(shellId);
    if (owner !== undefined && owner !== host) return { error: `shell ${shellId} belongs to another host` };
    if (owner === undefined && host.shells.size >= MAX_SHELLS_PER_HOST) return { error: `a host may share at most ${MAX_SHELLS_PER_HOST} shells` };
    this.owners.set(shellId, host);
    host.shells.add(shellId);
    if (!this.buffers.has(shellId)) this.buffers.set(shellId, new ShellOutputBuffer(this.bufferChars));
    return undefined;
  }

  /** Records that `shellId` ended. */
  releaseShell(host: HostState, shellId: string): void {
    host.shells.delete(shellId);
    if (this.owners.get(shellId) === host) this.owners.delete(shellId);
  }

  /** The output buffer of a shell (running or ended while this channel lives). */
  bufferOf(shellId: string): ShellOutputBuffer | undefined {
    return this.buffers.get(shellId);
  }

  /** Every buffered shell with its output, for a late joiner. */
  backlog(): { shellId: string; data: string }[] {
    return [...this.buffers].filter(([, buffer]) => buffer.size > 0).map(([shellId, buffer]) => ({ shellId, data: buffer.contents() }));
  }

  /** The first host answering file requests. */
  fsHost(): HostState | undefined {
    for (const host of this.hosts.values()) if (host.fs) return host;
    return undefined;
  }

  /** The host a new shell should open on (the one with the fewest shells). */
  shellHost(): HostState | undefined {
    let best: HostState | undefined;
    for (const host of this.hosts.values()) if (best === undefined || host.shells.size < best.shells.size) best = host;
    return best;
  }

  /** The hosts connected with token `tokenId`. */
  hostsOf(tokenId: string): HostState[] {
    return [...this.hosts.values()].filter((host) => host.tokenId === tokenId);
  }

  /** Whether a connected host other than `except` shares workspace `workspaceId`. */
  sharesWorkspace(workspaceId: string, except?: HostState): boolean {
    for (const host of this.hosts.values()) if (host !== except && host.workspace?.id === workspaceId) return true;
    return false;
  }

  /** The host sharing workspace `workspaceId`, one that serves files first. */
  workspaceHost(workspaceId: string): HostState | undefined {
    let found: HostState | undefined;
    for (const host of this.hosts.values()) {
      if (host.workspace?.id !== workspaceId) continue;
      if (host.fs) return host;
      found ??= host;
    }
    return found;
  }

  /** Every connected host. */
  allHosts(): HostState[] {
    return [...this.hosts.values()];
  }

  /** Drops buffers of shells no host runs, beyond `keep` of them (oldest first). */
  pruneBuffers(keep: number): void {
    const orphaned = [...this.buffers.keys()].filter((shellId) => !this.owners.has(shellId));
    for (const shellId of orphaned.slice(0, Math.max(0, orphaned.length - keep))) this.buffers.delete(shellId);
  }

  /** Whether `userId` has another open socket here besides `except`. */
  hasOtherSocketOf(userId: string, except: RelaySocket): boolean {
    for (const socket of this.sockets) if (socket !== except && socket.peer.userId === userId) return true;
    return false;
  }
}
