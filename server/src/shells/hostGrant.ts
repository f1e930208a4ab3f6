/**
 * Which sync sockets may act as hosts. The sync upgrade admits a socket that
 * presented a valid host token (`taiku share`) with a peer it registers here,
 * naming the token and its session; the session event channel reads the
 * grant back from the socket's peer. A socket whose peer has no grant for
 * its session (every browser member's) may not send host messages and is
 * sent nothing meant for hosts.
 */
import type { SessionId } from "@taiku/engine";
import type { SyncPeer } from "../sync/relayTypes";

/** What a host token allows its socket. */
export interface HostGrant {
  /** The host token's id: the shells it opens are named `<tokenId>.<…>`. */
  readonly tokenId: string;
  /** The one session it may host. */
  readonly sessionId: SessionId;
}

const grants = new WeakMap<SyncPeer, HostGrant>();

/** Marks `peer` as a host holding `grant`; returns `peer`. */
export function grantHost<P extends SyncPeer>(peer: P, grant: HostGrant): P {
  grants.set(peer, grant);
  return peer;
}

/** The host grant of `peer`, when it connected with a host token. */
export function hostGrantOf(peer: SyncPeer): HostGrant | undefined {
  return grants.get(peer);
}

/** The prefix every shell id of a host with token `tokenId` carries. */
export function shellIdPrefix(tokenId: string): string {
  return `${tokenId}.`;
}
