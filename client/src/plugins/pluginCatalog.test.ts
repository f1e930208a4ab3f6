// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { catalog, refreshCatalog } from "./pluginCatalog";

function plugin(id: string, name = id) {
  return { id, name, entryUrl: `/plugins/${id}/index.html?v=1`, source: "local", permissions: [], settings: [], secrets: [], network: [], contributions: { panels: [], actions: [], statusLabels: [] } };
}

function serve(manifest: unknown): void {
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(manifest), { status: 200, headers: { "content-type": "application/json" } })));
}

afterEach(() => vi.unstubAllGlobals());

describe("refetching the plugin manifest", () => {
  it("keeps what the page shows when nothing changed, and replaces only the plugins that did", async () => {
    serve({ plugins: [plugin("a"), plugin("b")], errors: [] });
    expect(await refreshCatalog()).toBeUndefined();
    const first = catalog();
    expect(first.plugins.map((p) => p.id)).toEqual(["a", "b"]);

    await refreshCatalog();
    expect(catalog()).toBe(first);

    serve({ plugins: [plugin("a"), plugin("b", "Bee"), plugin("c")], errors: [] });
    await refreshCatalog();
    const [a, b, c] = catalog().plugins;
    expect(a).toBe(first.plugins[0]);
    expect(b).not.toBe(first.plugins[1]);
    expect(b?.name).toBe("Bee");
    expect(c?.id).toBe("c");
  });

  it("keeps the last catalog when the server answers an error", async () => {
    const before = catalog();
    vi.stubGlobal("fetch", vi.fn(async () => new Response("down", { status: 503 })));
    expect(await refreshCatalog()).toBe("plugin manifest: HTTP 503");
    expect(catalog()).toBe(before);
  });
});
