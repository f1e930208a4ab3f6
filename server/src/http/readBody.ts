/**
 * Reads a request body into memory with a byte limit, and parses JSON bodies.
 * Over the limit is a 413 raised as soon as the limit is passed (the rest is
 * not buffered); malformed JSON is a 400 naming the parse error.
 */
import type { IncomingMessage } from "node:http";
import { invalidParams, tooLarge } from "./httpError";

/** Reads the whole body, refusing with 413 once it passes `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    throw tooLarge(`request body is ${declared} bytes; the limit is ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw tooLarge(`request body is over the limit of ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, size);
}

/** Deepest nesting of arrays and objects a JSON body may have. */
export const MAX_JSON_DEPTH = 64;

/** The nesting depth of a parsed JSON value (iterative, so any depth is safe to measure). */
function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (item === null || typeof item !== "object") continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Parses a JSON body; an empty body reads as `{}`. Malformed or too deeply nested JSON is a 400. */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw invalidParams(`malformed JSON body: ${(error as Error).message}`);
  }
  if (jsonDepth(value) > MAX_JSON_DEPTH) throw invalidParams(`JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  return value;
}
