/**
 * Bridge handlers for the plugin's health, which the host cannot see inside
 * the sandboxed frame: `reportError` hands an uncaught error to the panel
 * (the plugin keeps running), `pong` answers the liveness monitor's
 * `host:ping`. Neither needs a permission: both are about the caller only.
 */
import type { MethodGroup } from "./methodHandlers";

/** Handlers for `reportError` and `pong`. */
export const healthMethods: MethodGroup = {
  reportError: ({ message, stack, starting }, { instance }) => {
    instance.reportError(stack === undefined ? { message } : { message, stack }, starting === true);
    return null;
  },
  pong: ({ n }, { instance }) => {
    instance.pong(n);
    return null;
  },
};
