/**
 * Public service routes: liveness (`/healthz`), readiness (`/readyz`),
 * Prometheus metrics (`/metrics`) and the plugin SDK module
 * (`/sdk/plugin-sdk.js`).
 *
 * `/healthz` says that the process answers and reads its database (one
 * cheap read; 503 when it fails, or when damage is known). `/readyz` says whether it serves every
 * stored document and can read its store: a document whose stored records
 * are damaged is refused (and listed), and a damaged database file found by
 * the start-up integrity check or met by a read since is listed by store
 * and file, until the operator repairs the data and restarts.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ErrorCode } from "@taiku/engine";
import { BYTES, defineRoute } from "../defineRoute";
import { HttpError } from "../httpError";

/** `GET /healthz`: liveness. */
export const healthRoute = defineRoute(
  {
    method: "GET",
    path: "/healthz",
    auth: "public",
    summary:
      "Liveness: answers while the server is up and reads its database (one cheap read); 503 when the read fails or the database is known to be damaged (`/readyz` lists what).",
    request: {},
    response: {
      status: 200,
      body: z.object({ ok: z.literal(true), uptimeSeconds: z.number() }),
      alsoAnswers: { status: 503, when: "the database cannot be read, or is damaged (the error names why)" },
    },
  },
  async (_input, { health }) => {
    const failure = await health.probe();
    if (failure !== null) throw new HttpError(ErrorCode.Unavailable, `the database cannot be read: ${failure}`);
    const [damage] = health.found();
    if (damage !== undefined) throw new HttpError(ErrorCode.Unavailable, `the database is damaged: ${damage.reason} (see /readyz)`);
    return { ok: true as const, uptimeSeconds: Math.round(process.uptime()) };
  },
);

const refusedSchema = z.object({
  doc: z.string().meta({ description: "The refused document" }),
  record: z.string().meta({ description: "The damaged stored record: its key (`e!<doc>!<seq>` an event, `u!<doc>!<seq>` the snapshot)" }),
  seq: z.number().int().positive().optional().meta({ description: "The seq of that event or snapshot" }),
  reason: z.string().meta({ description: "What is wrong with the record" }),
});

const damagedSchema = z.object({
  store: z.string().meta({ description: "The damaged store: its folder under the data directory (`db`)" }),
  file: z.string().optional().meta({ description: "The damaged file in that folder (a LevelDB table, `*.ldb`), when known" }),
  reason: z.string().meta({ description: "What is wrong with it" }),
});

/** `GET /readyz`: readiness; 503 with the refused documents and damaged store files while there are any. */
export const readyRoute = defineRoute(
  {
    method: "GET",
    path: "/readyz",
    auth: "public",
    summary:
      "Readiness: `{ ready: true }` while every stored document opened so far is served and the database reads; 503 listing the documents refused because a stored record of theirs is damaged, and the damaged store files (the start-up integrity check reads every LevelDB table, and any read meeting damage adds to the list). Both stay until the data is repaired and the server restarted.",
    request: {},
    response: {
      status: 200,
      body: z.object({ ready: z.boolean(), refused: z.array(refusedSchema).optional(), damaged: z.array(damagedSchema).optional() }),
      alsoAnswers: { status: 503, when: "with `ready: false`, the refused documents and the damaged store files" },
      statusOf: (body: { ready: boolean }) => (body.ready ? 200 : 503),
    },
  },
  async (_input, { relay, health }) => {
    const failure = await health.probe();
    const refused = relay.refused();
    const damaged = health.found();
    if (refused.length === 0 && damaged.length === 0 && failure === null) return { ready: true };
    const damage = failure !== null && damaged.length === 0 ? [{ store: health.store, reason: failure }] : [...damaged];
    return { ready: false, ...(refused.length > 0 ? { refused } : {}), ...(damage.length > 0 ? { damaged: damage } : {}) };
  },
);

/** `GET /metrics`: Prometheus text. */
export const metricsRoute = defineRoute(
  {
    method: "GET",
    path: "/metrics",
    auth: "operator",
    summary:
      "Prometheus text: connections, loaded, built and refused documents, updates, quota rejections, compensations, persist duration histogram (seconds), HTTP requests by route and status, process metrics.",
    request: {},
    response: { status: 200, body: BYTES, contentType: "text/plain; version=0.0.4; charset=utf-8" },
  },
  async (_input, { metrics, relay }) => {
    return metrics.render(relay.metrics());
  },
);

/** `GET /sdk/plugin-sdk.js`: the plugin SDK as one ES module (503 until it is built). */
export const sdkBundleRoute = defineRoute(
  {
    method: "GET",
    path: "/sdk/plugin-sdk.js",
    auth: "public",
    summary: "The plugin SDK as one ES module, loadable from sandboxed plugin frames (503 until built).",
    request: {},
    response: {
      status: 200,
      body: BYTES,
      contentType: "text/javascript; charset=utf-8",
      // Sandboxed plugin frames have an opaque origin and load modules in CORS mode.
      headers: { "Access-Control-Allow-Origin": "*", "Cache-Control": "no-cache" },
    },
  },
  async (_input, { config }) => {
    return readFile(config.sdkBundlePath).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
      throw new HttpError(ErrorCode.Unavailable, "the plugin SDK bundle is not built yet: run `node sdk/scripts/build.mjs` (or `npm start`)");
    });
  },
);
