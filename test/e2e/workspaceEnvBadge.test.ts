/**
 * The Pi Web seed's first example request, end to end in a real Chromium: a
 * trusted module installed by symlink into the data dir's plugins folder
 * shows a workspace badge with the dev server URL it reads from the
 * workspace's `.env` with a plain same-origin `fetch()` (signed in by the
 * session cookie, no token in sight), answered by the real `taiku share
 * --fs` host; and the same badge says so, instead of showing anything,
 * when the host shares no files.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionId } from "@taiku/engine";
import { createConfig } from "../../server/src/config";
import { createTaikuServer, type TaikuServer } from "../../server/src/createTaikuServer";
import { createShareHost, type ShareHost } from "../../server/src/share/createShareHost";
import { buildArtifacts } from "./support/buildArtifacts";
import { launchUser, type BrowserUser } from "./support/browserUser";

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "envbadge");

describe("a module's workspace badge read from .env", () => {
  let server: TaikuServer;
  let url: string;
  let ada: BrowserUser;
  const hosts: ShareHost[] = [];
  let root: string;

  async function share(cwd: string, fs: boolean): Promise<void> {
    const token = await ada.page.evaluate(() => (JSON.parse(localStorage.getItem("taiku:auth") ?? "{}") as { token: string }).token);
    const created = await fetch(`${url}/api/sessions/${ada.sessionId}/host-tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({}),
    });
    const hostToken = ((await created.json()) as { token: string }).token;
    const host = createShareHost({ server: url, token: hostToken, sessionId: ada.sessionId as SessionId, cwd, fs, initialShells: 0, hostName: "ada@laptop", workspacePollMs: 0 });
    hosts.push(host);
    await host.ready;
  }

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(os.tmpdir(), "taiku-envbadge-")));
    for (const name of ["shop", "notes"]) {
      execFileSync("git", ["init", "--quiet", "--initial-branch=main", path.join(root, name)]);
    }
    await writeFile(path.join(root, "shop", ".env"), "PORT=5173\nDEV_URL=http://localhost:5173\n");
    const dataDir = path.join(root, "data");
    await mkdir(path.join(dataDir, "plugins"), { recursive: true });
    await symlink(FIXTURE, path.join(dataDir, "plugins", "envbadge"));
    const { clientDir, sdkBundlePath } = await buildArtifacts();
    server = await createTaikuServer({
      config: createConfig({ host: "127.0.0.1", port: 0, dataDir, logLevel: "silent", clientDir, sdkBundlePath, limits: { rateBurst: 1000, ratePerSecond: 200 } }),
    });
    url = `http://127.0.0.1:${(await server.listen()).port}`;
    ada = await launchUser(url, "ada");
    await ada.createSession("Env badge");
  }, 120_000);

  afterAll(async () => {
    await Promise.all(hosts.map((host) => host.close()));
    await ada?.close();
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("shows the dev server URL from the workspace's .env, read by a plain fetch through the sharing host", async () => {
    await share(path.join(root, "shop"), true);
    const badge = ada.page.locator('.workspace-item[data-workspace] [data-contribution="envbadge:dev-url"] env-badge').first();
    await badge.waitFor();
    await ada.page.waitForFunction(() => document.querySelector('.workspace-item [data-contribution="envbadge:dev-url"] env-badge')?.textContent === "dev: http://localhost:5173");
    // The page holds no token for fetch(): the session cookie signed the request in.
    expect(await ada.page.evaluate(() => document.cookie)).not.toContain("taiku_session");
    await ada.screenshot("env-badge");
  }, 60_000);

  it("says the file could not be read when the host shares no files", async () => {
    await share(path.join(root, "notes"), false);
    await ada.page.waitForFunction(
      () => [...document.querySelectorAll('.workspace-item [data-contribution="envbadge:dev-url"] env-badge')].some((badge) => badge.textContent === "dev: Failed to read .env: 503"),
      undefined,
      { timeout: 20_000 },
    );
  }, 60_000);
});
