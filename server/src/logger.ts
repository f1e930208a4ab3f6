/**
 * The server's structured logger (pino). The level comes from the config
 * (`LOG_LEVEL`, default `info`); tests use `silent`.
 */
import pino, { type Logger } from "pino";

/** A pino logger named `taiku` at `level`. */
export function createLogger(level: string): Logger {
  return pino({ name: "taiku", level });
}
