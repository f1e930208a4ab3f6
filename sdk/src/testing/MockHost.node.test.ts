/** MockHost without a DOM: plain Node, its own `MessageChannel`, no `window`. */
import { expect, it } from "vitest";
import { TaikuPlugin } from "../index";
import { MockHost } from "./index";

it("works in a plain Node environment, without a DOM", async () => {
  expect(typeof window).toBe("undefined");
  const host = new MockHost({ data: { session: { title: "No DOM here" } } });
  const plugin = await new TaikuPlugin().ready();
  try {
    expect((await plugin.getSession()).title).toBe("No DOM here");
    const doc = await plugin.sharedDoc();
    doc.getMap("kv").set("answer", 42);
    await host.settle();
    expect(host.kv.get("answer")).toBe(42);
  } finally {
    plugin.close();
    host.dispose();
  }
});
