/**
 * Entry point: styles, the offline service worker, and the app.
 */
import { render } from "solid-js/web";
import { App } from "./app/App";
import "./styles.css";

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch((cause: unknown) => console.warn(`taiku: offline support unavailable: ${String(cause)}`));
}

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root");
render(() => <App />, root);
