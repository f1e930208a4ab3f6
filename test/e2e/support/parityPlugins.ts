/**
 * Writes the two fixture plugins of the bridge parity and reference tests
 * into a temp folder, ready for `startE2eServer`: `parity` (every permission,
 * the reference's declared settings and an `api_key` secret) and
 * `parity-none` (no permission). Each page loads the SDK like any plugin,
 * then exposes to the test:
 *
 * - `window.raw(method, params)`: one raw `taiku:request` on the plugin's
 *   port, answered plain (see `test/bridge/parityCases.ts`);
 * - `window.rawEvents`: the type of every event the host sent;
 * - `window.taiku`: the plugin's `TaikuPlugin`;
 * - `window.reference()`: the reference samples module
 *   (`test/reference/runReferenceSamples.ts` over the samples, bundled with esbuild, the SDK
 *   import pointed at `/sdk/plugin-sdk.js`).
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { PARITY_MANIFESTS, RAW_CALLER_SOURCE } from "../../bridge/parityCases";
import { REPO_ROOT } from "./buildArtifacts";

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Parity</title>
  </head>
  <body>
    <p>Parity fixture</p>
    <script type="module" src="./parity.js"></script>
  </body>
</html>
`;

const SCRIPT = `import { TaikuPlugin } from "/sdk/plugin-sdk.js";
${RAW_CALLER_SOURCE}
let port = null;
window.rawEvents = [];
const onPortMessage = (event) => {
  if (event.data !== null && typeof event.data === "object" && event.data.type === "taiku:event") window.rawEvents.push(event.data.event.type);
};
window.addEventListener("message", (event) => {
  if (event.data === null || typeof event.data !== "object" || event.data.type !== "taiku:init" || event.ports.length !== 1) return;
  port?.removeEventListener("message", onPortMessage);
  port = event.ports[0];
  port.addEventListener("message", onPortMessage);
});
window.taiku = await new TaikuPlugin({ timeout: 15000 }).ready();
window.raw = (method, params) => rawCall(port, method, params);
window.reference = () => import("./reference.js");
document.body.dataset.ready = "true";
`;

/** The folders of the two fixture plugins. */
export async function writeParityPlugins(): Promise<string[]> {
  const root = await mkdtemp(path.join(os.tmpdir(), "taiku-parity-"));
  const reference = await build({
    entryPoints: [path.join(REPO_ROOT, "test", "reference", "runReferenceSamples.ts")],
    bundle: true,
    format: "esm",
    write: false,
    logLevel: "silent",
    plugins: [
      {
        name: "sdk-from-host",
        setup(on) {
          on.onResolve({ filter: /^@taiku\/plugin-sdk$/ }, () => ({ path: "/sdk/plugin-sdk.js", external: true }));
        },
      },
    ],
  });
  const referenceJs = reference.outputFiles[0]?.text ?? "";
  const folders: string[] = [];
  for (const manifest of Object.values(PARITY_MANIFESTS)) {
    const folder = path.join(root, manifest.id);
    await mkdir(folder, { recursive: true });
    const plugin = manifest.id === "parity" ? { ...manifest, secrets: [{ key: "api_key", label: "API key" }] } : manifest;
    const pkg = { name: `taiku-${manifest.id}-fixture`, version: "0.0.1", private: true, type: "module", taiku: { plugins: [plugin] } };
    await writeFile(path.join(folder, "package.json"), JSON.stringify(pkg, null, 2));
    await writeFile(path.join(folder, "index.html"), PAGE);
    await writeFile(path.join(folder, "parity.js"), SCRIPT);
    await writeFile(path.join(folder, "reference.js"), referenceJs);
    folders.push(folder);
  }
  return folders;
}
