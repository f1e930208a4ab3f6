import { describe, expect, it } from "vitest";
import { formatManifestProblem, MAX_PROBLEMS, validatePluginPackage } from "./validateManifest";

const validPlugin = () => ({
  id: "build-status",
  name: "Build status",
  entry: "./dist/index.html",
  permissions: ["session.read", "ui.panel"],
  settings: [
    { key: "branch", type: "string", label: "Branch", default: "main" },
    { key: "interval", type: "number", label: "Poll every (s)", default: 30 },
    { key: "notify", type: "boolean", label: "Notify", default: false },
    { key: "theme", type: "select", label: "Theme", default: "dark", options: ["dark", "light"] },
  ],
  secrets: [{ key: "token", label: "API token" }],
  network: ["https://api.example.com", "https://ci.example.com:8443"],
  contributions: {
    panels: [{ id: "main", title: "Builds", order: 1, badge: 3 }],
    actions: [{ id: "refresh", title: "Refresh builds", description: "Poll now", shortcut: "Mod+Shift+R", group: "Builds" }],
    statusLabels: [{ id: "last", text: "passing", href: "https://ci.example.com/runs/1" }],
  },
});

const pkg = (...plugins: unknown[]) => ({ name: "@acme/plugin-build", version: "1.0.0", taiku: { plugins } });

/** Validates a package holding one plugin built from the valid one plus `changes`. */
const withChanges = (changes: Record<string, unknown>) => validatePluginPackage(pkg({ ...validPlugin(), ...changes }));

describe("validatePluginPackage", () => {
  it("accepts a complete plugin and normalises its entry path", () => {
    const { plugins, problems } = validatePluginPackage(pkg(validPlugin()));
    expect(problems).toEqual([]);
    expect(plugins).toHaveLength(1);
    const [plugin] = plugins;
    expect(plugin?.id).toBe("build-status");
    expect(plugin?.entry).toBe("dist/index.html");
    expect(plugin?.settings[3]).toEqual({ key: "theme", type: "select", label: "Theme", default: "dark", options: ["dark", "light"] });
    expect(plugin?.contributions.panels).toEqual([{ id: "main", title: "Builds", order: 1, badge: 3 }]);
    expect(plugin?.network).toEqual(["https://api.example.com", "https://ci.example.com:8443"]);
  });

  it("defaults the optional lists of a minimal plugin to empty", () => {
    const { plugins, problems } = validatePluginPackage(pkg({ id: "hello", name: "Hello", entry: "index.html" }));
    expect(problems).toEqual([]);
    expect(plugins).toEqual([
      {
        id: "hello",
        name: "Hello",
        entry: "index.html",
        permissions: [],
        settings: [],
        secrets: [],
        network: [],
        contributions: { panels: [], actions: [], statusLabels: [] },
      },
    ]);
  });

  it("names the package, the plugin and the field path in an actionable message", () => {
    const { plugins, problems } = withChanges({ entry: "../x.js" });
    expect(plugins).toEqual([]);
    expect(problems).toEqual([
      {
        package: "@acme/plugin-build",
        plugin: "build-status",
        path: "plugins[0].entry",
        message: 'must be a relative path inside the package, got "../x.js"',
      },
    ]);
    expect(formatManifestProblem(problems[0]!)).toBe(
      'plugin "build-status", plugins[0].entry: must be a relative path inside the package, got "../x.js"',
    );
  });

  it.each([
    "../x.html",
    "a/../../b.html",
    "/etc/passwd.html",
    "a\\..\\b.html",
    "https://evil.example/x.html",
    "javascript:alert(1).html",
    "C:/x.html",
    "a\u0000.html",
    "a//b.html",
    "./",
    "%2e%2e/x.html",
    "a/./b.html",
    ".git/index.html",
    "index.js",
    "",
    "x".repeat(600) + ".html",
    42,
    null,
  ])("refuses the entry %j", (entry) => {
    const { plugins, problems } = withChanges({ entry });
    expect(plugins).toEqual([]);
    expect(problems.map((p) => p.path)).toEqual(["plugins[0].entry"]);
  });

  it.each(["Hello", "1abc", "a b", "a/b", "-a", "a".repeat(65), "", 7])("refuses the id %j", (id) => {
    const { plugins, problems } = withChanges({ id });
    expect(plugins).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: "plugins[0].id" });
    expect(problems[0]?.plugin).toBeUndefined();
  });

  it("reports a missing required field with what to write", () => {
    const { name: _name, ...rest } = validPlugin();
    const { problems } = validatePluginPackage(pkg(rest));
    expect(problems).toEqual([
      expect.objectContaining({ path: "plugins[0].name", message: expect.stringContaining("is required") }),
    ]);
  });

  it("reports unknown fields at every level", () => {
    const plugin = validPlugin();
    const { plugins, problems } = validatePluginPackage({
      name: "p",
      taiku: {
        extra: 1,
        plugins: [
          {
            ...plugin,
            icon: "x.png",
            settings: [{ ...plugin.settings[0], hint: "x" }],
            contributions: { ...plugin.contributions, menus: [], panels: [{ id: "a", title: "A", width: 3 }] },
          },
        ],
      },
    });
    expect(plugins).toEqual([]);
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        "taiku.extra",
        "plugins[0].icon",
        "plugins[0].settings[0].hint",
        "plugins[0].contributions.menus",
        "plugins[0].contributions.panels[0].width",
      ].sort(),
    );
  });

  it("refuses unknown and repeated permissions, listing the known ones", () => {
    const { problems } = withChanges({ permissions: ["ui.panel", "root", "ui.panel"] });
    expect(problems.map((p) => p.path)).toEqual(["plugins[0].permissions[1]", "plugins[0].permissions[2]"]);
    expect(problems[0]?.message).toContain("session.read");
  });

  it.each([
    "http://api.example.com",
    "https://api.example.com/",
    "https://api.example.com/v1",
    "https://API.example.com",
    "https://api.example.com; script-src *",
    "https://a;b.example.com",
    "https://a,b.example.com",
    "https://user:pw@api.example.com",
    "https://'unsafe-inline'",
    "*",
    "https://",
    "x".repeat(10_000),
  ])("refuses the network origin %j", (origin) => {
    const { problems } = withChanges({ network: [origin] });
    expect(problems.map((p) => p.path)).toEqual(["plugins[0].network[0]"]);
  });

  it("accepts origins with ports, wildcard subdomains and IPv6 hosts, and says how to write a near miss", () => {
    const network = ["https://api.example.com:8443", "https://*.example.com", "https://[::1]:9000", "https://xn--bcher-kva.example"];
    expect(withChanges({ network }).plugins[0]?.network).toEqual(network);
    expect(withChanges({ network: ["https://API.example.com/"] }).problems[0]?.message).toContain('write it as "https://api.example.com"');
  });

  it("checks each setting's default against its type and options", () => {
    const { problems } = withChanges({
      settings: [
        { key: "a", type: "number", label: "A", default: "3" },
        { key: "b", type: "select", label: "B", default: "blue", options: ["red", "green"] },
        { key: "c", type: "string", label: "C", default: "x", options: ["x"] },
        { key: "d", type: "color", label: "D", default: "#fff" },
        { key: "a", type: "boolean", label: "A again", default: true },
        { key: "e", type: "number", label: "E" },
        { key: "f", type: "select", label: "F", default: "x", options: ["x", "x"] },
      ],
    });
    expect(problems.map((p) => p.path)).toEqual([
      "plugins[0].settings[0].default",
      "plugins[0].settings[1].default",
      "plugins[0].settings[2].options",
      "plugins[0].settings[3].type",
      "plugins[0].settings[4].key",
      "plugins[0].settings[5].default",
      "plugins[0].settings[6].options[1]",
    ]);
    expect(problems[1]?.message).toContain('"red"');
  });

  it("refuses repeated contribution ids and status links that are not http(s)", () => {
    const { problems } = withChanges({
      contributions: {
        panels: [{ id: "a", title: "A" }, { id: "a", title: "B" }],
        statusLabels: [
          { id: "js", text: "x", href: "javascript:alert(1)" },
          { id: "data", href: "data:text/html,<script>alert(1)</script>" },
          { id: "rel", href: "/relative" },
        ],
        actions: [{ id: "ok", title: "Fine" }],
      },
    });
    expect(problems.map((p) => p.path)).toEqual([
      "plugins[0].contributions.panels[1].id",
      "plugins[0].contributions.statusLabels[0].href",
      "plugins[0].contributions.statusLabels[1].href",
      "plugins[0].contributions.statusLabels[2].href",
    ]);
  });

  it("keeps the first of two plugins with one id and reports the second", () => {
    const { plugins, problems } = validatePluginPackage(pkg(validPlugin(), { ...validPlugin(), name: "Copy" }));
    expect(plugins.map((p) => p.name)).toEqual(["Build status"]);
    expect(problems).toEqual([expect.objectContaining({ plugin: "build-status", path: "plugins[1].id" })]);
  });

  it("keeps valid plugins of a package when a sibling is broken", () => {
    const { plugins, problems } = validatePluginPackage(pkg(validPlugin(), { id: "second", name: "Second", entry: "../x.html" }));
    expect(plugins.map((p) => p.id)).toEqual(["build-status"]);
    expect(problems).toEqual([expect.objectContaining({ plugin: "second", path: "plugins[1].entry" })]);
  });
});

describe("validatePluginPackage on hostile input", () => {
  it.each([
    null,
    undefined,
    42,
    "package",
    true,
    [],
    [pkg(validPlugin())],
    {},
    { taiku: null },
    { taiku: [] },
    { taiku: "plugins" },
    { taiku: { plugins: {} } },
    { taiku: { plugins: [] } },
    { taiku: { plugins: [null, 1, "x", []] } },
    { taiku: { plugins: [{}] } },
  ])("returns problems and no plugins for %j", (input) => {
    const { plugins, problems } = validatePluginPackage(input);
    expect(plugins).toEqual([]);
    expect(problems.length).toBeGreaterThan(0);
  });

  it("never reads fields through the prototype chain", () => {
    const inherited = Object.create({ taiku: { plugins: [validPlugin()] } }) as object;
    expect(validatePluginPackage(inherited).plugins).toEqual([]);

    const viaProtoKey = JSON.parse(`{"taiku": {"__proto__": {"plugins": [${JSON.stringify(validPlugin())}]}}}`) as unknown;
    const result = validatePluginPackage(viaProtoKey);
    expect(result.plugins).toEqual([]);
    expect(result.problems.map((p) => p.path)).toContain("taiku.__proto__");

    const pluginWithProto = JSON.parse(`{"id": "p", "name": "P", "__proto__": {"entry": "index.html"}}`) as unknown;
    const nested = validatePluginPackage(pkg(pluginWithProto));
    expect(nested.plugins).toEqual([]);
    expect(nested.problems.map((p) => p.path).sort()).toEqual(["plugins[0].__proto__", "plugins[0].entry"]);
    expect(({} as Record<string, unknown>).entry).toBeUndefined();
  });

  it("does not throw on throwing getters or proxies", () => {
    const trap = new Proxy({}, { ownKeys: () => { throw new Error("trap"); }, get: () => { throw new Error("trap"); } });
    const getter = { get taiku(): never { throw new Error("boom"); } };
    const odd = { get taiku(): never { throw { toString: () => { throw new Error("again"); } }; } };
    for (const input of [trap, getter, odd, pkg(trap), { taiku: { plugins: [getter] } }]) {
      const { plugins, problems } = validatePluginPackage(input);
      expect(plugins).toEqual([]);
      expect(problems.length).toBeGreaterThan(0);
    }
  });

  it("keeps messages short when values are huge", () => {
    const huge = "a".repeat(1_000_000);
    const { problems } = withChanges({ id: huge, name: huge, entry: huge, network: [huge] });
    expect(problems.length).toBe(4);
    for (const problem of problems) expect(problem.message.length).toBeLessThan(300);
  });

  it("refuses huge lists with one problem instead of one per entry", () => {
    const many = Array.from({ length: 100_000 }, (_, i) => ({ key: `k${i}`, type: "string", label: "x", default: "" }));
    expect(withChanges({ settings: many }).problems).toHaveLength(1);
    expect(validatePluginPackage({ taiku: { plugins: many } }).problems).toHaveLength(1);
  });

  it("caps the number of problems and says how many more there are", () => {
    const noisy = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`junk${i}`, i]));
    const { problems } = withChanges(noisy);
    expect(problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(problems.at(-1)?.message).toMatch(/^450 more problem/);
  });

  it("never throws on randomly mangled manifests, and whatever it accepts re-validates clean", () => {
    let seed = Number(process.env.TAIKU_MANIFEST_SEED ?? 1234);
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const junk = [null, 0, -1, 1e308, NaN, "", "../", "__proto__", [], {}, true, "x".repeat(300), ["ui.panel"]];
    const mangle = (value: unknown, depth: number): unknown => {
      if (random() < 0.08) return junk[Math.floor(random() * junk.length)];
      if (Array.isArray(value)) return value.map((v) => mangle(v, depth + 1));
      if (value !== null && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) if (random() > 0.05) out[random() < 0.02 ? `${k}x` : k] = mangle(v, depth + 1);
        return out;
      }
      return value;
    };
    for (let i = 0; i < 400; i++) {
      const input = mangle(pkg(validPlugin(), { id: "other", name: "Other", entry: "o.html" }), 0);
      const { plugins } = validatePluginPackage(input);
      const again = validatePluginPackage({ taiku: { plugins: plugins.map((p) => JSON.parse(JSON.stringify(p)) as unknown) } });
      if (plugins.length > 0) expect(again.problems, `seed iteration ${i}`).toEqual([]);
    }
  });
});
