/** The session event stream: delivery, shell output buffering, backlog replay, chat announcements. */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { attachChatEvents, createSessionEvents, SHELL_BUFFER_LINES } from "./sessionEvents";

describe("session events", () => {
  it("delivers every event with its metadata and stops after unsubscribe", () => {
    const events = createSessionEvents();
    const seen: string[] = [];
    const stop = events.listen((event, meta) => seen.push(`${event.type}${meta.backlog ? " (backlog)" : ""}`));
    events.emit("user:join", { userId: "u1", name: "Ada" });
    events.emit("shell:data", { shellId: "s", data: "old" }, 1, { backlog: true });
    stop();
    events.emit("user:leave", { userId: "u1", name: "Ada" });
    expect(seen).toEqual(["user:join", "shell:data (backlog)"]);
  });

  it("keeps the last lines of each shell, and a backlog replaces what was kept", () => {
    const events = createSessionEvents();
    events.emit("shell:data", { shellId: "a", data: "one\ntw" });
    events.emit("shell:data", { shellId: "a", data: "o\nthree" });
    events.emit("shell:data", { shellId: "b", data: "other" });
    expect(events.shellOutput("a", 2)).toBe("two\nthree");
    expect(events.shellOutput("b", 10)).toBe("other");
    events.emit("shell:data", { shellId: "a", data: "replayed" }, 1, { backlog: true });
    expect(events.shellOutput("a", 10)).toBe("replayed");
    events.emit("shell:data", { shellId: "c", data: "x\n".repeat(SHELL_BUFFER_LINES + 50) });
    expect(events.shellOutput("c", 100_000).split("\n")).toHaveLength(SHELL_BUFFER_LINES);
    expect(events.shellOutput("missing", 10)).toBe("");
  });

  it("announces only new chat messages, not history", () => {
    const events = createSessionEvents();
    const announced: unknown[] = [];
    events.listen((event) => announced.push(event.data));
    const history = new Y.Doc();
    history.getArray("chat").push([{ id: "1", text: "old" }]);
    const doc = new Y.Doc();
    let live = false;
    attachChatEvents(events, doc, (_origin, local) => local || live);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(history), "persistence");
    live = true;
    doc.getArray("chat").push([{ id: "2", text: "new" }]);
    expect(announced).toEqual([{ id: "2", text: "new" }]);
  });
});
