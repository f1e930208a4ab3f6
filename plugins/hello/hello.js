// The hello plugin: greets as soon as its script runs, then connects to the
// host through the SDK, greets with the user's "greeting" setting and waves
// (a toast) whenever its palette action runs.
const greeting = document.getElementById("greeting");
const status = document.getElementById("status");
greeting.textContent = "Hello from a taiku plugin";

try {
  const { TaikuPlugin } = await import("/sdk/plugin-sdk.js");
  const plugin = await new TaikuPlugin().ready();
  const word = await plugin.getSetting("greeting");
  greeting.textContent = `${typeof word === "string" ? word : "Hello"}, session ${plugin.sessionId}`;
  status.textContent = "Connected.";
  plugin.on("action:run", (event) => {
    if (event.data?.actionId === "wave") void plugin.showToast("👋 Hello!");
  });
} catch (error) {
  status.textContent = `Not connected to a host: ${error instanceof Error ? error.message : String(error)}`;
}
