/**
 * Hash routes of the app, so the server only ever serves `/`:
 * `#/` sessions, `#/signin`, `#/s/<sid>` a session, `#/join/<sid>/<code>`.
 */
import { createSignal } from "solid-js";

/** Where the app is. */
export type Route =
  | { readonly name: "sessions" }
  | { readonly name: "signin" }
  | { readonly name: "session"; readonly sessionId: string }
  | { readonly name: "join"; readonly sessionId: string; readonly code: string };

/** Parses a location hash into a route; unknown hashes go to the session list. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  if (parts[0] === "signin") return { name: "signin" };
  if (parts[0] === "s" && parts[1]) return { name: "session", sessionId: parts[1] };
  if (parts[0] === "join" && parts[1] && parts[2]) return { name: "join", sessionId: parts[1], code: parts[2] };
  return { name: "sessions" };
}

/** The hash for a route. */
export function routeHash(route: Route): string {
  switch (route.name) {
    case "sessions":
      return "#/";
    case "signin":
      return "#/signin";
    case "session":
      return `#/s/${encodeURIComponent(route.sessionId)}`;
    case "join":
      return `#/join/${encodeURIComponent(route.sessionId)}/${encodeURIComponent(route.code)}`;
  }
}

const [route, setRoute] = createSignal<Route>(parseRoute(location.hash));
window.addEventListener("hashchange", () => setRoute(parseRoute(location.hash)));

/** The current route, reactive. */
export { route };

/** Goes to a route. */
export function navigate(next: Route): void {
  location.hash = routeHash(next);
}
