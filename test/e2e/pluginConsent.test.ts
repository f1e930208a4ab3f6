/**
 * Enabling a plugin for a whole session asks first, in real Chromium with
 * two users: ticking "Enable for everyone in this session" enables nothing
 * until the owner has seen the permissions and pressed "Allow and enable";
 * a member then sees what the owner's plugin may do, and each plugin card
 * shows exactly one state, and the first time it runs for a member they
 * are told what it may do. The `probe` fixture asks for `ui.panel` and
 * `session.read`.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "probe");
const CARD = '.plugin-card[data-plugin="probe"]';

/** The signed-in user's bearer token, as the app keeps it. */
const TOKEN = () => (JSON.parse(localStorage.getItem("taiku:auth") ?? "{}") as { token?: string }).token ?? "";

/** What the server says about the probe in this session, asked as the signed-in user of `page`. */
async function serverSays(page: Page, sessionId: string): Promise<{ status: number; enabled: unknown }> {
  return page.evaluate(async ([sid, token]) => {
    const response = await fetch(`/api/sessions/${encodeURIComponent(sid)}/plugins/probe`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { enabled?: unknown };
    return { status: response.status, enabled: body.enabled };
  }, [sessionId, await page.evaluate(TOKEN)] as const);
}

describe("consent before a plugin is enabled for everyone in a session", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let bo: BrowserUser;

  beforeAll(async () => {
    server = await startE2eServer([PROBE]);
    [ada, bo] = await Promise.all([launchUser(server.url, "ada"), launchUser(server.url, "bo")]);
    await ada.createSession("Consent");
    await bo.join(await ada.invite());
  }, 120_000);

  afterAll(async () => {
    await Promise.all([ada?.close(), bo?.close()]);
    await server?.stop();
  });

  it("ticking the session box shows the permissions and enables nothing until Allow and enable; Cancel leaves it off", async () => {
    await ada.page.click(".session-header >> text=Plugins");
    const card = ada.page.locator(CARD);
    await card.locator(".session-managed").check();
    await card.locator(".confirm-enable").waitFor();
    expect(await card.locator(".permissions-intro").textContent()).toContain("for everyone in this session");
    expect(await card.locator(".permissions").textContent()).toContain("session.read");
    expect(await card.getAttribute("data-state")).toBe("off");
    expect(await serverSays(ada.page, ada.sessionId)).toEqual({ status: 200, enabled: false });
    expect(await ada.page.locator('[data-panel="probe/probe"]').count()).toBe(0);

    await card.locator("text=Cancel").click();
    expect(await card.locator(".session-managed").isChecked()).toBe(false);
    expect(await card.locator(".confirm-enable").count()).toBe(0);
    expect(await serverSays(ada.page, ada.sessionId)).toEqual({ status: 200, enabled: false });
    await ada.page.click(".plugin-manager >> text=Close");
    expect(await bo.page.locator('[data-panel="probe/probe"]').count()).toBe(0);
  });

  it("after Allow and enable, both users run it, and the member sees its permissions and one state without Enable…", async () => {
    await ada.enableForSession("probe");
    expect(await serverSays(ada.page, ada.sessionId)).toMatchObject({ status: 200, enabled: true });
    await ada.page.waitForSelector('[data-panel="probe/probe"]');
    await bo.page.waitForSelector('[data-panel="probe/probe"]');

    // The member is told, once, what the owner's plugin may do in their browser; the owner is not.
    const notice = bo.page.locator('.session-plugin-notice li[data-plugin="probe"]');
    expect(await notice.textContent()).toContain("Probe may:");
    expect(await notice.textContent()).toContain("See the session");
    expect(await ada.page.locator(".session-plugin-notice").count()).toBe(0);
    await bo.page.click(".session-plugin-notice >> text=Got it");
    await bo.page.waitForSelector(".session-plugin-notice", { state: "detached" });
    await bo.page.reload();
    await bo.page.waitForSelector('[data-panel="probe/probe"]');
    expect(await bo.page.locator(".session-plugin-notice").count()).toBe(0);

    await bo.page.click(".session-header >> text=Plugins");
    const card = bo.page.locator(CARD);
    expect(await card.getAttribute("data-state")).toBe("session");
    expect(await card.locator(".plugin-state").textContent()).toBe("Enabled for this session by its owner");
    expect(await card.locator(".permissions").textContent()).toContain("See the session");
    expect(await card.locator("text=Enable…").count()).toBe(0);
    expect(await card.locator("text=Disable for me").count()).toBe(0);
    expect(await card.locator(".session-managed").count()).toBe(0);
    await bo.screenshot("member-sees-owner-plugin");
    await bo.page.click(".plugin-manager >> text=Close");
  });

  it("a member cannot enable or disable a plugin for the session, and nothing changes", async () => {
    const outcome = await bo.page.evaluate(
      async ([sid, token]) => {
        const response = await fetch(`/api/sessions/${encodeURIComponent(sid)}/plugins/probe`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } });
        return response.status;
      },
      [bo.sessionId, await bo.page.evaluate(TOKEN)] as const,
    );
    expect(outcome).toBe(403);
    expect(await serverSays(bo.page, bo.sessionId)).toMatchObject({ status: 200, enabled: true });
  });

  it("unticking the box stops it for everyone at once", async () => {
    await ada.page.click(".session-header >> text=Plugins");
    await ada.page.locator(`${CARD} .session-managed`).uncheck();
    await ada.page.locator(`${CARD}[data-state=off]`).waitFor();
    await ada.page.click(".plugin-manager >> text=Close");
    await bo.page.waitForSelector('[data-panel="probe/probe"]', { state: "detached" });
    expect(await serverSays(ada.page, ada.sessionId)).toEqual({ status: 200, enabled: false });
  });
});
