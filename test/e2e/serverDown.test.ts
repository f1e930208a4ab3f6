/**
 * When the server goes away, the connection indicator says so plainly and
 * promises nothing is lost, in real Chromium against the real server
 * process: it is killed (SIGKILL), the indicator reads "Cannot reach the
 * server — your changes are kept and will sync" (not "Syncing…"), a chat
 * message sent meanwhile waits, and when the server is started again on the
 * same port and data the message reaches it and the indicator clears.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerProcess, type ServerProcess } from "../support/serverProcess";
import { buildArtifacts } from "./support/buildArtifacts";
import { launchUser, type BrowserUser } from "./support/browserUser";

const ENTRY = fileURLToPath(new URL("./support/e2eServerProcess.ts", import.meta.url));
const UNREACHABLE = "Cannot reach the server — your changes are kept and will sync";

describe("the server goes down and comes back", () => {
  let server: ServerProcess;
  let env: Record<string, string>;
  let ada: BrowserUser;

  beforeAll(async () => {
    const { clientDir, sdkBundlePath } = await buildArtifacts();
    env = { TAIKU_E2E_CLIENT_DIR: clientDir, TAIKU_E2E_SDK_BUNDLE: sdkBundlePath, TAIKU_RATE_BURST: "1000", TAIKU_RATE_PER_SECOND: "200" };
    server = await startServerProcess({ args: ["--import", "tsx", ENTRY], env });
    ada = await launchUser(server.base, "ada");
    await ada.createSession("Outage");
  }, 120_000);

  afterAll(async () => {
    await ada?.close();
    await server?.stop();
  });

  it("says the server cannot be reached while it is down, keeps what was sent, and clears once it is back", async () => {
    await server.kill9();
    const indicator = await ada.page.waitForSelector(".connection[data-state=unreachable]", { timeout: 20_000 });
    expect(await indicator.textContent()).toContain(UNREACHABLE);
    expect(await indicator.textContent()).not.toContain("Syncing");
    await ada.page.fill("input[name=chat]", "typed during the outage");
    await ada.page.click(".chat >> text=Send");
    await ada.page.waitForSelector(".connection:has-text('waiting: session')");
    expect(await ada.page.textContent(".connection")).toContain(UNREACHABLE);
    await ada.screenshot("server-unreachable");

    server = await startServerProcess({ args: ["--import", "tsx", ENTRY], env, port: server.port, dataDir: server.dataDir });
    await ada.page.waitForSelector(".connection[data-state=saved]", { timeout: 30_000 });
    expect(await ada.page.textContent(".connection")).not.toContain("Cannot reach");

    await ada.page.reload();
    await ada.page.waitForSelector(".connection[data-state=saved]");
    await ada.page.waitForSelector(".chat-message >> text=typed during the outage");
  }, 90_000);
});
