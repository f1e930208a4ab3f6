/**
 * Entry point: styles, the offline service worker, and the app.
 */
import { render } from "solid-js/web";
import { auth } from "./api/authStore";
import { ensureSessionCookie } from "./api/taikuApi";
import { App } from "./app/App";
import "./styles.css";

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch((cause: unknown) => console.warn(`taiku: offline support unavailable: ${String(cause)}`));
}

// Signed in from an earlier visit: the session cookie may be missing or older than the token.
if (auth() !== undefined) void ensureSessionCookie();

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root");
render(() => <App />, root);
