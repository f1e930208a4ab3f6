/**
 * The WebSocket implementation every bench client uses: the same `ws`
 * version as the taiku server (the repository root also holds an older copy
 * that the baseline package depends on).
 */
import { createRequire } from "node:module";

const requireFromServer = createRequire(new URL("../../server/package.json", import.meta.url));

/** The `ws` WebSocket constructor, typed loosely for `WebsocketProvider`'s `WebSocketPolyfill`. */
export const WebSocketImpl = requireFromServer("ws") as typeof WebSocket;
