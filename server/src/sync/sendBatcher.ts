/**
 * Groups the frames the relay sends to one socket within one tick into one
 * write. A durable batch releases the broadcasts of every update it carried
 * in one go; sent one by one, each frame costs its own `writev` system call
 * per peer, which at saturation is most of the relay's CPU. Corking the
 * socket on its first frame and uncorking it once the tick's work is done
 * (`process.nextTick`, after every promise callback of the tick has run)
 * hands the kernel all of that socket's frames at once. Frames and their
 * order are unchanged; only the number of system calls drops.
 */
import type { Duplex } from "node:stream";

/** Corks sockets on their first frame of a tick and uncorks them together at its end. */
export class SendBatcher {
  private readonly corked = new Set<Duplex>();
  private scheduled = false;

  /** Call before writing a frame to `socket`; the write leaves at the end of the tick. */
  hold(socket: Duplex): void {
    if (this.corked.has(socket)) return;
    socket.cork();
    this.corked.add(socket);
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(this.release);
  }

  private readonly release = (): void => {
    this.scheduled = false;
    for (const socket of this.corked) socket.uncork();
    this.corked.clear();
  };
}
