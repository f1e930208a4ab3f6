// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { TaikuPlugin } from "./index";
import { ERROR_REPORT_WINDOW_MS, MAX_ERROR_REPORTS } from "./pluginHealth";
import { MockHost } from "./testing/index";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  vi.restoreAllMocks();
});

async function start(): Promise<{ host: MockHost; plugin: TaikuPlugin }> {
  const host = new MockHost();
  const plugin = new TaikuPlugin();
  cleanups.push(() => plugin.close(), () => host.dispose());
  await plugin.ready();
  return { host, plugin };
}

function throwUncaught(error: unknown, message = "boom"): void {
  window.dispatchEvent(new ErrorEvent("error", { error, message }));
}

function rejectUnhandled(reason: unknown): void {
  const event = new Event("unhandledrejection");
  Object.defineProperty(event, "reason", { value: reason });
  window.dispatchEvent(event);
}

describe("plugin health", () => {
  it("answers every host ping with a pong carrying the same n, without the author doing anything", async () => {
    const { host } = await start();
    host.ping(1);
    host.ping(2);
    await host.settle();
    expect(host.callsTo("pong").map((call) => call.params)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(host.callsTo("pong").every((call) => call.error === undefined)).toBe(true);
  });

  it("reports an uncaught error with its message and stack, and the plugin keeps working", async () => {
    const { host, plugin } = await start();
    throwUncaught(new TypeError("cannot read build.status"));
    await host.settle();
    const [report] = host.callsTo("reportError");
    expect(report?.params.message).toBe("TypeError: cannot read build.status");
    expect(report?.params.stack).toContain("cannot read build.status");
    expect(report?.error).toBeUndefined();
    await plugin.setPluginData("still", "working");
    expect(await plugin.getPluginData("still")).toBe("working");
  });

  it("reports an error thrown before ready(), once the host has connected, so the panel can say why it did not start", async () => {
    const plugin = new TaikuPlugin();
    throwUncaught(new Error("config missing"));
    const host = new MockHost();
    cleanups.push(() => plugin.close(), () => host.dispose());
    await plugin.ready();
    await host.settle();
    expect(host.callsTo("reportError").map((call) => [call.params.message, call.params.starting])).toEqual([["Error: config missing", true]]);
  });

  it("reports unhandled promise rejections, including ones that are not Errors", async () => {
    const { host } = await start();
    rejectUnhandled(new Error("fetch failed"));
    rejectUnhandled("plain text reason");
    rejectUnhandled(undefined);
    await host.settle();
    expect(host.callsTo("reportError").map((call) => call.params.message)).toEqual([
      "Error: fetch failed",
      "plain text reason",
      "Unhandled promise rejection",
    ]);
  });

  it("truncates a huge message and stack to what the host accepts", async () => {
    const { host } = await start();
    const error = new Error("x".repeat(50_000));
    error.stack = "s".repeat(50_000);
    throwUncaught(error);
    await host.settle();
    const [report] = host.callsTo("reportError");
    expect(report?.error).toBeUndefined();
    expect((report?.params.message as string).length).toBe(2000);
    expect((report?.params.stack as string).length).toBe(8000);
  });

  it(`reports at most ${MAX_ERROR_REPORTS} errors per ${ERROR_REPORT_WINDOW_MS / 1000} s, then reports again`, async () => {
    const { host } = await start();
    const clock = vi.spyOn(Date, "now").mockReturnValue(1_000_000);
    for (let i = 0; i < 50; i++) throwUncaught(new Error(`failure ${i}`));
    await host.settle();
    expect(host.callsTo("reportError")).toHaveLength(MAX_ERROR_REPORTS);
    clock.mockReturnValue(1_000_000 + ERROR_REPORT_WINDOW_MS);
    throwUncaught(new Error("later"));
    await host.settle();
    expect(host.callsTo("reportError").map((call) => call.params.message).at(-1)).toBe("Error: later");
  });

  it("reports each error once however many TaikuPlugins the frame has", async () => {
    const { host } = await start();
    const second = new TaikuPlugin();
    cleanups.push(() => second.close());
    await second.ready();
    throwUncaught(new Error("once"));
    await host.settle();
    expect(host.callsTo("reportError")).toHaveLength(1);
  });

  it("stops answering pings and reporting errors after close()", async () => {
    const { host, plugin } = await start();
    plugin.close();
    host.ping(1);
    throwUncaught(new Error("after close"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(host.callsTo("pong")).toEqual([]);
    expect(host.callsTo("reportError")).toEqual([]);
  });

  it("ignores a malformed ping instead of answering it", async () => {
    const { host } = await start();
    host.emit("host:ping", { n: "1" });
    host.emit("host:ping", null);
    host.ping(-1);
    await host.settle();
    expect(host.callsTo("pong")).toEqual([]);
  });
});
