/**
 * The relay's extensions by the message types they own. Invariant: every
 * type belongs to at most one extension, and only types above
 * `MESSAGE_TAIKU_NOTICE` (100, the relay's own notices) may be owned.
 */
import { MESSAGE_TAIKU_NOTICE } from "@taiku/engine";
import type { RelayExtension, RelaySocket } from "./relayTypes";

/** Extensions, looked up by message type. */
export class RelayExtensions {
  private readonly byType = new Map<number, RelayExtension>();
  private readonly all: readonly RelayExtension[];
  /** Every message type some extension owns. */
  readonly types: ReadonlySet<number>;

  constructor(extensions: readonly RelayExtension[]) {
    for (const extension of extensions) {
      for (const type of extension.messageTypes) {
        if (type <= MESSAGE_TAIKU_NOTICE || this.byType.has(type)) throw new Error(`extension ${extension.name} cannot own message type ${type}`);
        this.byType.set(type, extension);
      }
    }
    this.all = [...new Set(extensions)];
    this.types = new Set(this.byType.keys());
  }

  /** The extension owning `type`. */
  owner(type: number): RelayExtension | undefined {
    return this.byType.get(type);
  }

  /** Tells every extension a socket is ready. */
  opened(socket: RelaySocket): void {
    for (const extension of this.all) extension.onOpen?.(socket);
  }

  /** Tells every extension a socket closed. */
  closed(socket: RelaySocket): void {
    for (const extension of this.all) extension.onClose?.(socket);
  }
}
