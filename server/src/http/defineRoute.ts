/**
 * How a route is declared: once, as data. A route names its method, path,
 * whether it needs a signed-in caller, a one-line summary, zod schemas for
 * its params, query, body and response, and its handler. The server mounts
 * these objects (validating every request and response against them) and
 * `scripts/api-docs.mjs` generates the API reference from the very same
 * objects, so the docs cannot drift from what the server enforces.
 */
import type { z } from "zod";
import type { User } from "../auth/userStore";
import type { TaikuLimits } from "../config";
import type { Services } from "./services";

/** Marks a raw-bytes body (request or response) instead of JSON. */
export const BYTES = { kind: "bytes" } as const;
/** The type of {@link BYTES}. */
export type Bytes = typeof BYTES;

/** True when a body spec is {@link BYTES} rather than a schema. */
export function isBytes(spec: z.ZodType | Bytes): spec is Bytes {
  return spec === BYTES;
}

/** HTTP methods routes use. */
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** The declarative part of a route (everything but the handler). */
export interface RouteShape {
  /** HTTP method. */
  readonly method: HttpMethod;
  /** Path in router syntax, e.g. `/api/sessions/:sid`. */
  readonly path: string;
  /**
   * `"user"`: needs `Authorization: Bearer <token>`, or from this server's
   * own pages the session cookie (`sessionCookie.ts`); `"public"`: open to
   * anyone; `"operator"`: the operator's scraper — `Authorization: Bearer
   * $TAIKU_METRICS_TOKEN` when that is set, else only a request made on this
   * machine (from a loopback address, not forwarded by a proxy).
   */
  readonly auth: "user" | "public" | "operator";
  /** One line for the reference. */
  readonly summary: string;
  /** What the request must carry. */
  readonly request: {
    readonly params?: z.ZodType;
    readonly query?: z.ZodType;
    readonly body?: z.ZodType | Bytes;
    /** Which limit caps the body size (default `jsonBodyBytes`). */
    readonly bodyLimit?: (limits: TaikuLimits) => number;
  };
  /** What a successful answer carries. */
  readonly response: {
    readonly status: number;
    readonly body: z.ZodType | Bytes;
    /** Content type of a bytes or text answer (JSON otherwise). */
    readonly contentType?: string;
    /** Extra headers on every successful answer. */
    readonly headers?: Readonly<Record<string, string>>;
    /**
     * Another status the same body may be answered with (e.g. `503` from
     * `/readyz`), and when; `statusOf` picks the status from the body.
     */
    readonly alsoAnswers?: { readonly status: number; readonly when: string };
    /** The status for a given (validated) body; `status` when absent. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    readonly statusOf?: (body: any) => number;
  };
}

type Infer<T> = T extends z.ZodType ? z.output<T> : T extends Bytes ? Buffer : undefined;

/** How the caller signed in, and the browser's session cookie (`sessionCookie.ts`) for routes that set it. */
export interface CallerSession {
  /** The token the caller authenticated with; `undefined` on a route that needs none. */
  readonly token: string | undefined;
  /** Where it came from: the `Authorization` header or the session cookie. */
  readonly via: "bearer" | "cookie" | undefined;
  /** Whether a page of this server made the request, so that it may be given the cookie. */
  readonly browser: boolean;
  /** Sets the session cookie to `token`, expiring at `expiresAt` (ms since the Unix epoch). */
  setCookie(token: string, expiresAt: number): void;
  /** Removes the session cookie. */
  clearCookie(): void;
}

/** What a handler receives: validated params, query and body, the caller, and how the caller signed in. */
export interface RouteInput<S extends RouteShape> {
  readonly params: Infer<S["request"]["params"]>;
  readonly query: Infer<S["request"]["query"]>;
  readonly body: Infer<S["request"]["body"]>;
  readonly user: S["auth"] extends "user" ? User : User | undefined;
  readonly session: CallerSession;
}

/** What a handler returns: the response body (validated against the response schema before sending). */
export type RouteOutput<S extends RouteShape> = S["response"]["body"] extends z.ZodType
  ? z.input<S["response"]["body"]>
  : S["response"]["body"] extends Bytes
    ? Uint8Array | string
    : never;

/** A route: its shape plus its handler. */
export interface Route<S extends RouteShape = RouteShape> extends RouteShape {
  readonly method: S["method"];
  /** Answers a validated request; throws {@link HttpError} to refuse. */
  readonly handle: (input: RouteInput<S>, services: Services) => Promise<RouteOutput<S>>;
}

/** Declares a route: its shape, then its handler (typed from the shape's schemas). */
export function defineRoute<const S extends RouteShape>(
  shape: S,
  handle: (input: RouteInput<S>, services: Services) => Promise<RouteOutput<S>>,
): Route {
  return { ...shape, handle } as unknown as Route;
}
