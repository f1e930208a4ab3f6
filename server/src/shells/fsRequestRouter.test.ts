import { afterEach, describe, expect, it, vi } from "vitest";
import type { SessionEventMap } from "@taiku/engine";
import type { RelaySocket } from "../sync/relayTypes";
import { FsRequestRouter, MAX_PENDING_FS_REQUESTS } from "./fsRequestRouter";

type FsResponse = SessionEventMap["fs:response"];

function socket(id: string): RelaySocket {
  return { id, doc: "sessions/s" as never, peer: { userId: id as never, name: id }, send: () => undefined, close: () => undefined, others: () => [] };
}

function router(timeoutMs = 1000) {
  const answers: { to: string; response: FsResponse }[] = [];
  return { answers, router: new FsRequestRouter((requester, response) => answers.push({ to: requester.id, response }), timeoutMs) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("file request routing", () => {
  it("a host's answer goes back to the requester under the requester's own id", () => {
    const { answers, router: fs } = router();
    const [viewer, host] = [socket("viewer"), socket("host")];
    const opened = fs.open(viewer, host, "mine-1");
    if (!("relayId" in opened)) throw new Error("expected a forwarded request");
    expect(fs.settle(host, { id: opened.relayId, result: "text" })).toBeUndefined();
    expect(answers).toEqual([{ to: "viewer", response: { id: "mine-1", result: "text" } }]);
  });

  it("another socket cannot answer, and an answer cannot be given twice", () => {
    const { router: fs } = router();
    const [viewer, host, rogue] = [socket("viewer"), socket("host"), socket("rogue")];
    const opened = fs.open(viewer, host, "q");
    if (!("relayId" in opened)) throw new Error("expected a forwarded request");
    expect(fs.settle(rogue, { id: opened.relayId, result: 1 })?.error).toMatch(/not asked/);
    expect(fs.settle(host, { id: opened.relayId, result: 1 })).toBeUndefined();
    expect(fs.settle(host, { id: opened.relayId, result: 2 })?.error).toMatch(/not asked/);
  });

  it("a silent host times out, a departing host answers unavailable, and a viewer may have only so many in flight", () => {
    vi.useFakeTimers();
    const { answers, router: fs } = router(1000);
    const [viewer, host] = [socket("viewer"), socket("host")];
    fs.open(viewer, host, "slow");
    vi.advanceTimersByTime(1001);
    expect(answers.at(-1)?.response).toEqual({ id: "slow", error: { code: "timeout", message: expect.any(String) } });
    for (let i = 0; i < MAX_PENDING_FS_REQUESTS; i++) expect("relayId" in fs.open(viewer, host, `r${i}`)).toBe(true);
    expect(fs.open(viewer, host, "one-too-many")).toEqual({ response: { id: "one-too-many", error: { code: "unavailable", message: expect.any(String) } } });
    fs.dropSocket(host);
    expect(answers.filter((answer) => answer.response.error?.code === "unavailable")).toHaveLength(MAX_PENDING_FS_REQUESTS);
  });
});
