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

/** Parses a JSON body; an empty body reads as `{}`. Malformed JSON is a 400. */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw invalidParams(`malformed JSON body: ${(error as Error).message}`);
  }
}
