/**
 * Every code sample of the taiku plugin reference ("Technical reference":
 * the SDK client, MockHost, secrets and settings, session KV, user KV, plugin
 * files, bridge-first, graceful degradation, event-driven updates), as
 * written there, each wrapped in a function so a test can run it against a
 * host and check the outputs the reference shows in its comments. `tsc`
 * typechecks this file against the public SDK types (`@taiku/plugin-sdk`)
 * unchanged. Only what a sample leaves undefined is stubbed
 * (`fetchAudioBuffer`, `renderOutput`, `renderError`, `refreshShell`,
 * `renderShell`), in {@link SampleStubs}.
 *
 * The MockHost sample imports `@taiku/plugin-sdk/testing`, so it lives in
 * `mockHostSample.ts` (the browser cannot load it).
 */
import { TaikuPlugin } from "@taiku/plugin-sdk";

/** What the samples call but leave undefined. */
export interface SampleStubs {
  fetchAudioBuffer(): Promise<ArrayBuffer>;
  renderOutput(output: string): void;
  renderError(message: string): void;
  refreshShell(shellId: number): void;
  renderShell(shellId: number, output: string): void;
}

/** "The SDK client": connect, then read the session and its shells. */
export async function sdkClientSample() {
  const taiku = new TaikuPlugin({ timeout: 15_000 });
  await taiku.ready();
  // Every method returns a Promise that resolves when the host responds
  const session = await taiku.getSession();
  const shells = await taiku.getShells();
  return { session, shells };
}

/** "Local secrets and settings". Returns early, as written, when no API key is configured. */
export async function secretsAndSettingsSample(taiku: TaikuPlugin) {
  const seen: { apiKey?: string | null; refreshInterval?: unknown; settings?: unknown } = {};
  await (async () => {
    // Reading a secret (API key, token, etc.)
    const apiKey = await taiku.getSecret("api_key");
    seen.apiKey = apiKey;
    if (!apiKey) {
      await taiku.showToast(
        "Please configure your API key in plugin settings",
        "error",
      );
      return;
    }

    // Reading a setting with a manifest-defined default
    const refreshInterval = await taiku.getSetting("refresh_interval");
    // Returns the user's configured value, or the default from the manifest
    seen.refreshInterval = refreshInterval;

    // Reading all settings at once
    const settings = await taiku.getSettings();
    // { refresh_interval: 5000, theme: "dark", show_timestamps: true }
    seen.settings = settings;

    // Updating a setting programmatically
    await taiku.setSetting("last_used_shell", 3);
  })();
  return seen;
}

/** "Session KV". */
export async function sessionKvSample(taiku: TaikuPlugin) {
  // Store collaborative state
  await taiku.setPluginData("build_status", {
    state: "running",
    startedAt: Date.now(),
    startedBy: "user-42",
  });

  // Read it from any client in the session
  const status = await taiku.getPluginData("build_status");
  // { state: "running", startedAt: 1710000000000, startedBy: "user-42" }

  // Get all keys at once
  const allData = await taiku.getAllPluginData();
  // { build_status: { ... }, config: { ... } }

  // Delete a key
  await taiku.deletePluginData("build_status");

  // Read another plugin's KV data (requires kv.read permission)
  const otherData = await taiku.getOtherPluginData(
    "taiku.music-player",
    "now_playing",
  );
  return { status, allData, otherData, afterDelete: await taiku.getPluginData("build_status") };
}

/** "User KV". */
export async function userKvSample(taiku: TaikuPlugin) {
  // Save user preferences
  await taiku.setUserData("preferred_layout", "vertical-split");
  await taiku.setUserData("favorite_shells", [1, 3, 7]);

  // Read them back -- works in any session, on any device
  const layout = await taiku.getUserData("preferred_layout");
  // "vertical-split"

  // List all stored keys and values
  const allUserData = await taiku.listUserData();
  // { preferred_layout: "vertical-split", favorite_shells: [1, 3, 7] }

  // Delete a key
  await taiku.deleteUserData("favorite_shells");
  return { layout, allUserData, afterDelete: await taiku.listUserData() };
}

/** "Plugin file storage". */
export async function pluginFilesSample(taiku: TaikuPlugin, { fetchAudioBuffer }: SampleStubs) {
  // Write a text file
  await taiku.writePluginFile(
    "config.json",
    JSON.stringify({
      version: 2,
      rules: [{ pattern: "error", color: "red" }],
    }),
  );

  // Write a binary file (ArrayBuffer)
  const audioData = await fetchAudioBuffer();
  await taiku.writePluginFile("notification.wav", audioData);

  // List all stored files
  const files = await taiku.listPluginFiles();
  // [{ name: "config.json", size: 128 }, { name: "notification.wav", size: 44100 }]

  // Read a file back as ArrayBuffer
  const buffer = await taiku.readPluginFile("config.json");
  const text = new TextDecoder().decode(buffer);
  const config = JSON.parse(text);

  // Delete a file
  await taiku.deletePluginFile("notification.wav");

  // Check storage usage
  const usage = await taiku.getStorageUsage();
  // { totalBytes: 44228, fileCount: 1, files: [...] }
  return { files, config: config as unknown, usage };
}

/** "Bridge-first architecture": the good and the bad example, both run. */
export async function bridgeFirstSample(taiku: TaikuPlugin) {
  // Good: use session KV for ephemeral collaborative state
  await taiku.setPluginData("active_panel", { view: "logs", shellId: 3 });

  // Bad: use user KV for ephemeral state that does not need to persist
  await taiku.setUserData("preferred_panel", { view: "logs", shellId: 3 });
  // This makes a network round-trip for data that will be stale in seconds
  return { session: await taiku.getPluginData("active_panel"), user: await taiku.getUserData("preferred_panel") };
}

/** "Graceful degradation": reading a shell that may have closed never leaves the panel blank. */
export async function gracefulDegradationSample(taiku: TaikuPlugin, shellId: number, { renderOutput, renderError }: SampleStubs) {
  try {
    const output = await taiku.getShellOutput(shellId, 10);
    renderOutput(output);
  } catch (err) {
    renderError("Could not read shell output. The shell may have closed.");
  }
}

/** "Event-driven updates": the good example subscribes; returns its unsubscribe function. */
export function eventDrivenSample(taiku: TaikuPlugin, { refreshShell }: SampleStubs): () => void {
  // Good: react to events
  return taiku.on("shell:data", (event) => {
    refreshShell(event.data.shellId);
  });
}

/** "Event-driven updates", the bad example: one round of its polling loop (the sample runs it every second). */
export async function pollingSampleRound(taiku: TaikuPlugin, { renderShell }: SampleStubs) {
  const shells = await taiku.getShells();
  for (const shell of shells) {
    const output = await taiku.getShellOutput(shell.id, 5);
    renderShell(shell.id, output);
  }
}

/** "Event-driven updates", the bad example as written: polls every second until `stop` is called. */
export function pollingSample(taiku: TaikuPlugin, stubs: SampleStubs): () => void {
  const { renderShell } = stubs;
  // Bad: poll on a timer
  const timer = setInterval(async () => {
    const shells = await taiku.getShells();
    for (const shell of shells) {
      const output = await taiku.getShellOutput(shell.id, 5);
      renderShell(shell.id, output);
    }
  }, 1000);
  return () => clearInterval(timer);
}

/** The audio the files sample uploads: 44,100 bytes, as the reference's listing shows. */
export async function sampleAudio(): Promise<ArrayBuffer> {
  const bytes = new Uint8Array(44_100);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 255;
  return bytes.buffer;
}
