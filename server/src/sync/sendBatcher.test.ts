import { Duplex } from "node:stream";
import { describe, expect, it } from "vitest";
import { SendBatcher } from "./sendBatcher";

/** A socket that records each write it hands to the kernel, as `_writev` batches. */
function recordingSocket(): { socket: Duplex; writes: string[][] } {
  const writes: string[][] = [];
  const socket = new Duplex({
    read() {},
    writev(chunks, done) {
      writes.push(chunks.map(({ chunk }) => String(chunk)));
      done();
    },
    write(chunk, _encoding, done) {
      writes.push([String(chunk)]);
      done();
    },
  });
  return { socket, writes };
}

describe("SendBatcher", () => {
  it("hands every frame of one tick to each socket in one write, in order", async () => {
    const batcher = new SendBatcher();
    const a = recordingSocket();
    const b = recordingSocket();
    for (const frame of ["1", "2", "3"]) {
      for (const { socket } of [a, b]) {
        batcher.hold(socket);
        socket.write(frame);
      }
    }
    expect(a.writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(a.writes).toEqual([["1", "2", "3"]]);
    expect(b.writes).toEqual([["1", "2", "3"]]);
  });

  it("releases frames written from promise callbacks of the same tick together", async () => {
    const batcher = new SendBatcher();
    const { socket, writes } = recordingSocket();
    const send = (frame: string): void => {
      batcher.hold(socket);
      socket.write(frame);
    };
    await Promise.resolve().then(() => {
      send("a");
      return Promise.resolve().then(() => send("b"));
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([["a", "b"]]);
    send("c");
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([["a", "b"], ["c"]]);
  });
});
