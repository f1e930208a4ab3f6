/**
 * Clients for whichever protocol a target speaks: the stock y-websocket
 * provider and the raw y-websocket writer for taiku, the baseline and the
 * floor; Hocuspocus's own provider and a writer framing its protocol for
 * Hocuspocus. Benchmarks that run every system connect through here.
 */
import type { DocTarget } from "./docTarget";
import { connectHocuspocusReplica } from "./hocuspocusReplica";
import { connectHocuspocusWriter } from "./hocuspocusWriter";
import { connectReplica, type FullReplica } from "./replicaClient";
import { connectWriter, type WriterClient } from "./writerClient";

/** A full replica of `target`, by its system's own provider. */
export function connectPeerReplica(target: DocTarget): FullReplica {
  return target.protocol === "hocuspocus" ? connectHocuspocusReplica(target) : connectReplica(target);
}

/** A lightweight writer for `target`, in its system's protocol. */
export function connectPeerWriter(target: DocTarget): WriterClient {
  return target.protocol === "hocuspocus" ? connectHocuspocusWriter(target) : connectWriter(target);
}
