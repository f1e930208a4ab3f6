import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { allRoutes } from "./routes/allRoutes";
import { routesMarkdown, routesReference } from "./routesReference";

const docsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../docs/api");

describe("the generated API reference", () => {
  it("documents every declared route with its request and response schemas", () => {
    const reference = routesReference();
    expect(reference.routes.map((r) => `${r.method} ${r.path}`)).toEqual(allRoutes.map((r) => `${r.method} ${r.path}`));
    const putUserKv = reference.routes.find((r) => r.method === "PUT" && r.path === "/api/user-kv/:pluginId/:key");
    expect(putUserKv?.body).toMatchObject({ type: "object", required: ["value"] });
    const register = reference.routes.find((r) => r.path === "/api/users");
    expect(register?.response).toMatchObject({ status: 201, body: { properties: { userId: { type: "string" } } } });
  });

  it("docs/api/routes.md is current (regenerate with `node scripts/api-docs.mjs`)", async () => {
    const written = await readFile(path.join(docsDir, "routes.md"), "utf8");
    expect(written).toBe(routesMarkdown());
  });
});
