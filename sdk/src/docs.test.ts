// @vitest-environment happy-dom
/**
 * Every code sample in docs/plugins/ runs here, against MockHost:
 *
 * - a `ts` or `js` sample that imports from `vitest` is a test file of its
 *   own; its tests run here, each sample in its own `describe`;
 * - any other `ts` or `js` sample is plugin code: it runs as a module with a
 *   fresh MockHost (unless it makes its own) given the plugin of the nearest
 *   `json` package sample above it as its manifest, with the body of the
 *   nearest `html` sample above it as the page, must finish without an error, and
 *   the host must have refused none of its calls but those listed in
 *   {@link EXPECTED_REFUSALS};
 * - a `json` sample with a `"taiku"` field must be a valid plugin package.
 *
 * Every `ts` sample must also type-check under the repository's strict
 * compiler options. Imports of `/sdk/plugin-sdk.js` (how plain-HTML plugins load the SDK) are
 * pointed at the bundle's source. `sh`, `css` and `text` samples are not
 * code a plugin runs.
 */
import { validatePluginPackage } from "@taiku/engine";
import { MockHost } from "@taiku/plugin-sdk/testing";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const docsDir = resolve(here, "../../docs/plugins");
const samplesDir = resolve(here, "../dist/doc-samples");
const bundleSource = resolve(here, "bundle.ts");
mkdirSync(samplesDir, { recursive: true });

interface Sample {
  readonly doc: string;
  readonly index: number;
  readonly lang: string;
  readonly code: string;
  /** Body of the nearest `html` sample above this one in the same document. */
  readonly page: string;
  /** The first plugin of the nearest `json` package sample above this one, if any: the sample's manifest. */
  readonly manifest: Record<string, unknown> | undefined;
}

function samplesOf(doc: string): Sample[] {
  const text = readFileSync(join(docsDir, doc), "utf8");
  const samples: Sample[] = [];
  let page = "";
  let manifest: Record<string, unknown> | undefined;
  let index = 0;
  for (const match of text.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)) {
    const lang = match[1] ?? "";
    const code = match[2] ?? "";
    index++;
    if (lang === "html") page = (/<body>([\s\S]*)<\/body>/.exec(code)?.[1] ?? "").replace(/<script[\s\S]*?<\/script>/g, "");
    if (lang === "json" && code.includes('"taiku"')) manifest = (JSON.parse(code) as { taiku: { plugins: Record<string, unknown>[] } }).taiku.plugins[0];
    samples.push({ doc, index, lang, code, page, manifest });
  }
  return samples;
}

function writeSample(sample: Sample): string {
  const file = join(samplesDir, `${sample.doc.replace(/\.md$/, "")}-${sample.index}.${sample.lang}`);
  writeFileSync(file, sample.code.replaceAll('"/sdk/plugin-sdk.js"', JSON.stringify(bundleSource)));
  return pathToFileURL(file).href;
}

/** Calls a plugin-code sample makes on purpose to show a refusal, by sample name (`doc-index`). */
const EXPECTED_REFUSALS: Readonly<Record<string, readonly string[]>> = {};

const docs = readdirSync(docsDir).filter((name) => name.endsWith(".md")).sort();
const all = docs.flatMap(samplesOf);

it("the plugin docs are all there and carry runnable samples", () => {
  expect(docs).toEqual(["building.md", "overview.md", "patterns.md", "pi-web-modules.md", "testing.md", "troubleshooting.md", "with-an-agent.md"]);
  const runnable = all.filter((sample) => sample.lang === "ts" || sample.lang === "js");
  expect(runnable.length).toBeGreaterThanOrEqual(10);
  expect(new Set(all.map((sample) => sample.lang))).toEqual(new Set(["json", "html", "js", "sh", "ts", "text", "css"]));
});

for (const sample of all) {
  const name = `${sample.doc} sample ${sample.index} (${sample.lang})`;
  if (sample.lang === "json" && sample.code.includes('"taiku"')) {
    it(`${name} is a valid plugin package`, () => {
      const { plugins, problems } = validatePluginPackage(JSON.parse(sample.code));
      expect(problems).toEqual([]);
      expect(plugins.length).toBeGreaterThan(0);
    });
  } else if ((sample.lang === "ts" || sample.lang === "js") && /from "vitest"/.test(sample.code)) {
    const url = writeSample(sample);
    describe(name, async () => {
      await import(/* @vite-ignore */ url);
    });
  } else if (sample.lang === "ts" || sample.lang === "js") {
    const url = writeSample(sample);
    it(`${name} runs against MockHost`, async () => {
      document.body.innerHTML = sample.page;
      const host = sample.code.includes("@taiku/plugin-sdk/testing") ? null : new MockHost(sample.manifest === undefined ? {} : { manifest: sample.manifest });
      try {
        await import(/* @vite-ignore */ url);
        await host?.settle();
        if (host !== null) {
          const refused = host.calls.filter((call) => call.error !== undefined).map((call) => `${call.method}: ${call.error}`);
          expect(refused).toEqual(EXPECTED_REFUSALS[`${sample.doc}-${sample.index}`] ?? []);
        }
      } finally {
        host?.dispose();
        document.body.innerHTML = "";
      }
    });
  }
}

it("every ts sample type-checks under the repository's strict options", () => {
  const files = all.filter((sample) => sample.lang === "ts").map((sample) => fileURLToPath(writeSample(sample)));
  const config = ts.readConfigFile(resolve(here, "../../tsconfig.json"), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, resolve(here, "../.."));
  const program = ts.createProgram(files, { ...options, noEmit: true });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file === undefined || files.includes(resolve(diagnostic.file.fileName)))
    .map((diagnostic) => `${diagnostic.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
  expect(problems).toEqual([]);
});
