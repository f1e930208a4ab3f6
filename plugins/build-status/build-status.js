/**
 * Build status: a build state shared by everyone in the session.
 *
 * Permissions: `ui.panel` (its label and badge) and `session.write` (its
 * `changed` event and the optional chat announcement); the events of its own
 * session KV and palette action need none.
 *
 * State lives in this plugin's session KV: `build` is
 * `{ status, ts }` and `log` is the shared build log text. Every
 * participant's instance writes there, and the session KV merges them. The
 * plugin mirrors the state into its status-bar label and panel badge,
 * announces changes as `plugin:build-status:changed` events, and cycles the
 * status when its palette action runs.
 */
import { TaikuPlugin, QuotaExceededError } from "/sdk/plugin-sdk.js";

const STATUSES = ["running", "passing", "failing"];
const plugin = await new TaikuPlugin().ready();

const statusEl = document.getElementById("status");
const changedEl = document.getElementById("changed");
const logEl = document.getElementById("log");
const errorEl = document.getElementById("error");
const usageEl = document.getElementById("usage");

/** Shows `build` in the panel, the label and the badge. */
async function render() {
  const build = (await plugin.getPluginData("build")) ?? { status: "unknown" };
  const status = STATUSES.includes(build.status) ? build.status : "unknown";
  statusEl.textContent = status;
  statusEl.dataset.status = status;
  changedEl.textContent = build.ts ? `Set to ${status} at ${new Date(build.ts).toLocaleTimeString()}.` : "Nobody has reported a build yet.";
  await plugin.setLabels([{ id: "status", text: `Build: ${status}` }]);
  await plugin.setBadge("build", status === "failing" ? "!" : status === "running" ? "…" : null);
  const log = await plugin.getPluginData("log");
  if (document.activeElement !== logEl && typeof log === "string") logEl.value = log;
  const usage = await plugin.getPluginDataUsage();
  usageEl.textContent = `${usage.used} of ${usage.limit} bytes shared`;
}

/** Records a new status for everyone and announces it. */
async function setStatus(status) {
  await plugin.setPluginData("build", { status, ts: Date.now() });
  await plugin.emit("changed", { status });
  const { announce } = await plugin.getSettings();
  if (announce === true) await plugin.sendChat(`Build is ${status}`);
}

document.querySelectorAll("[data-set]").forEach((button) => {
  button.addEventListener("click", () => void setStatus(button.dataset.set));
});

document.getElementById("save-log").addEventListener("click", async () => {
  errorEl.textContent = "";
  try {
    await plugin.setPluginData("log", logEl.value);
  } catch (error) {
    errorEl.textContent =
      error instanceof QuotaExceededError
        ? `Not shared: the log would use ${error.attempted} of ${error.limit} bytes.`
        : `Not shared: ${error.message}`;
  }
  await render();
});

plugin.on("kv:change", () => void render());
plugin.on("kv:rejected", (event) => {
  errorEl.textContent = `The session undid ${event.data.revertedKeys.join(", ")}: over ${event.data.limit} bytes.`;
  void render();
});
plugin.on("action:run", async (event) => {
  if (event.data.actionId !== "cycle") return;
  const current = (await plugin.getPluginData("build"))?.status;
  await setStatus(STATUSES[(STATUSES.indexOf(current) + 1) % STATUSES.length]);
});

await render();
document.body.dataset.ready = "true";
