#!/usr/bin/env node
// Generates the API reference under docs/api/ from the code's own declarations.
// HTTP routes: docs/api/routes.md and docs/api/routes.schema.json, from the
// zod schemas the server validates with (server/src/http/routesReference.ts).
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, "docs", "api");
await mkdir(outDir, { recursive: true });

const { routesMarkdown, routesReference } = await import("../server/src/http/routesReference.ts");
const reference = routesReference();
await writeFile(path.join(outDir, "routes.md"), routesMarkdown(reference));
await writeFile(path.join(outDir, "routes.schema.json"), `${JSON.stringify(reference, null, 2)}\n`);
console.log(`wrote docs/api/routes.md and docs/api/routes.schema.json (${reference.routes.length} routes)`);
