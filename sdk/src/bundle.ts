/**
 * Entry of the one-file build served at `/sdk/plugin-sdk.js`: the public SDK
 * plus `Y`, the Yjs it bundles, so plain-HTML plugins can create nested Yjs
 * types (`new Y.Array()`) that belong to the same Yjs as `sharedDoc()`.
 */
export * from "./index";
export * as Y from "yjs";
