import * as encoding from "lib0/encoding";
import * as prng from "lib0/prng";
import { describe, expect, it } from "vitest";
import {
  MAX_SHELL_INPUT,
  MESSAGE_TAIKU_EVENT,
  decodeSessionEvent,
  decodeSessionEventPayload,
  encodeSessionEvent,
  type SessionEvent,
} from "./sessionEvents";
import { MESSAGE_TAIKU_NOTICE } from "./syncWire";

const BASE_SEED = Number(process.env.TAIKU_SEED ?? 7301);

function randomEvent(gen: prng.PRNG): SessionEvent {
  const shellId = `sh-${prng.word(gen, 1, 8)}`;
  const ts = prng.uint32(gen, 0, 2 ** 31);
  const text = (n: number) => prng.utf16String(gen, n);
  const size = () => prng.int32(gen, 1, 1000);
  const workspace = () => {
    const folder = `/home/${prng.word(gen, 1, 8)}/${prng.word(gen, 1, 12)}`;
    const git = prng.bool(gen);
    return {
      path: folder,
      projectPath: git && prng.bool(gen) ? `${folder}-main` : folder,
      label: folder.slice(folder.lastIndexOf("/") + 1),
      ...(git && prng.bool(gen) ? { branch: prng.word(gen, 1, 12) } : {}),
      isMain: prng.bool(gen),
      isGitRepo: git,
      isGitWorktree: git && prng.bool(gen),
    };
  };
  const choices: (() => SessionEvent)[] = [
    () => ({ type: "shell:input", data: { shellId, data: text(40) || "x" }, ts }),
    () => ({ type: "shell:resize", data: { shellId, cols: size(), rows: size() }, ts }),
    () => ({ type: "shell:open-request", data: prng.bool(gen) ? {} : { cols: size(), rows: size() }, ts }),
    () => ({ type: "shell:close-request", data: { shellId }, ts }),
    () => ({ type: "fs:request", data: { id: `r${ts}`, op: prng.oneOf(gen, ["list", "read", "write"] as const), path: text(20).replaceAll("\u0000", ""), ...(prng.bool(gen) ? { data: text(100) } : {}) }, ts }),
    () => ({ type: "fs:response", data: prng.bool(gen) ? { id: "r1", result: { content: text(50) } } : { id: "r1", error: { code: "not_found", message: text(30) } }, ts }),
    () => ({ type: "host:hello", data: { fs: prng.bool(gen), host: `user@${prng.word(gen, 1, 10)}`, ...(prng.bool(gen) ? { workspace: workspace() } : {}) }, ts }),
    () => ({ type: "host:workspace", data: { workspace: workspace() }, ts }),
    () => ({ type: "host:welcome", data: { userId: "u1", name: text(10) }, ts }),
    () => ({ type: "host:refused", data: { type: "shell:open", message: text(40) }, ts }),
    () => ({ type: "shell:open", data: { shellId, title: text(10), cwd: text(30), host: text(10), cols: size(), rows: size() }, ts }),
    () => ({ type: "shell:data", data: prng.bool(gen) ? { shellId, data: text(500) } : { shellId, data: text(500), backlog: true }, ts }),
    () => ({ type: "shell:exit", data: { shellId, code: prng.bool(gen) ? null : prng.int32(gen, 0, 255) }, ts }),
    () => ({ type: "user:join", data: { userId: "u2", name: text(10) }, ts }),
    () => ({ type: "user:leave", data: { userId: "u2", name: text(10) }, ts }),
    () => ({ type: "agent:activity", data: { id: "a1", actor: "builder", kind: "edit", text: text(80), ts, poster: prng.bool(gen) ? null : { userId: "u1", name: text(10) } }, ts }),
    () => ({ type: "plugin:poll.app:vote", data: { choice: text(10), n: prng.int32(gen, 0, 9), list: [true, null] }, ts }),
  ];
  return prng.oneOf(gen, choices)();
}

function frame(text: string, type = MESSAGE_TAIKU_EVENT): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  encoding.writeVarString(encoder, text);
  return encoding.toUint8Array(encoder);
}

describe("session event frames", () => {
  it("every event survives encode then decode unchanged (seeded)", () => {
    for (let i = 0; i < 300; i++) {
      const seed = BASE_SEED + i;
      const event = randomEvent(prng.create(seed));
      expect(decodeSessionEvent(encodeSessionEvent(event)), `seed ${seed}`).toEqual({ event });
    }
  });

  it("an event frame has its own message type, after the relay notices", () => {
    const bytes = encodeSessionEvent({ type: "shell:close-request", data: { shellId: "a" }, ts: 1 });
    expect(bytes[0]).toBe(MESSAGE_TAIKU_EVENT);
    expect(MESSAGE_TAIKU_EVENT).toBeGreaterThan(MESSAGE_TAIKU_NOTICE);
    expect(decodeSessionEventPayload(bytes.subarray(1))).toEqual(decodeSessionEvent(bytes));
  });

  it("rejects wrong shapes, unknown types, oversized data and garbage with a reason, never throwing", () => {
    const bad: Uint8Array[] = [
      new Uint8Array(),
      frame("{}", MESSAGE_TAIKU_NOTICE),
      frame("not json"),
      frame("[]"),
      frame('{"type":"shell:input","data":{"shellId":"a","data":"x"}}'),
      frame('{"type":"shell:input","data":{"shellId":"a"},"ts":1}'),
      frame('{"type":"shell:input","data":{"shellId":"a","data":"x","extra":1},"ts":1}'),
      frame(`{"type":"shell:input","data":{"shellId":"a","data":"${"x".repeat(MAX_SHELL_INPUT + 1)}"},"ts":1}`),
      frame('{"type":"shell:resize","data":{"shellId":"a","cols":0,"rows":10},"ts":1}'),
      frame('{"type":"shell:resize","data":{"shellId":"a","cols":1e9,"rows":10},"ts":1}'),
      frame('{"type":"shell:data","data":{"shellId":"../x y","data":""},"ts":1}'),
      frame('{"type":"fs:request","data":{"id":"1","op":"delete","path":"a"},"ts":1}'),
      frame('{"type":"fs:request","data":{"id":"1","op":"read","path":"a\\u0000b"},"ts":1}'),
      frame('{"type":"fs:response","data":{"id":"1"},"ts":1}'),
      frame('{"type":"fs:response","data":{"id":"1","result":1,"error":{"code":"internal","message":"x"}},"ts":1}'),
      frame('{"type":"fs:response","data":{"id":"1","error":{"code":"teapot","message":"x"}},"ts":1}'),
      frame('{"type":"plugin:Bad:x","data":1,"ts":1}'),
      frame('{"type":"plugin:ok:name","ts":1}'),
      frame(`{"type":"plugin:ok:name","data":"${"x".repeat(70_000)}","ts":1}`),
      frame('{"type":"chat:message","data":{},"ts":1}'),
      frame('{"type":"shell:close-request","data":{"shellId":"a","__proto__":{}},"ts":1}'),
      frame("[".repeat(5000) + "]".repeat(5000)),
      new Uint8Array([...frame('{"type":"shell:close-request","data":{"shellId":"a"},"ts":1}'), 0]),
      new Uint8Array([MESSAGE_TAIKU_EVENT, 0xff, 0xff, 0xff, 0xff, 0x0f]),
    ];
    for (const bytes of bad) expect(decodeSessionEvent(bytes).error, new TextDecoder().decode(bytes).slice(0, 120)).toEqual(expect.any(String));
    const gen = prng.create(BASE_SEED);
    for (let i = 0; i < 300; i++) {
      const garbage = prng.uint8Array(gen, prng.int32(gen, 0, 64));
      expect(() => decodeSessionEvent(garbage)).not.toThrow();
      expect(() => decodeSessionEventPayload(garbage)).not.toThrow();
    }
  });
});
