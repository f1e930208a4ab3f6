/**
 * The bridge API version. The host sends it in `taiku:init`; a plugin built
 * against a different major version may refuse to start. Bump it when a
 * bridge message or method changes incompatibly.
 */

/** Version of the host ↔ plugin bridge protocol spoken by this engine. */
export const API_VERSION = 1;
