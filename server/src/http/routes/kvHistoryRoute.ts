/**
 * `GET /api/sessions/:sid/kv/:pluginId/history?key=`: every write of one
 * key of a plugin's session KV — who, when, from what to what, and whether
 * it lost to a concurrent write — read from the document's event log
 * (members only). Once retention pruned the log, history starts at
 * `historyStartsAt`, from the state the pruned events left. A document the
 * relay refused (a stored record of it is damaged) answers 503 naming the
 * record, as does a damaged event this read comes across.
 */
import { z } from "zod";
import { ErrorCode, TaikuError, keyHistory, kvDocName } from "@taiku/engine";
import type { DocEvent, DocName, EventStore, PluginId, SessionId, Snapshot, UserId } from "@taiku/engine";
import { defineRoute } from "../defineRoute";
import { sessionPluginParams, userIdSchema } from "../schemas";
import { requireMember } from "./sessionAccess";

const changeSchema = z.object({
  seq: z.number().int().positive().meta({ description: "The event's position in the document's log" }),
  ts: z.number().meta({ description: "When the relay accepted it (ms since the Unix epoch)" }),
  kind: z.enum(["update", "compensation", "server"]),
  userId: userIdSchema.nullable().meta({ description: "Who made it; null for the server" }),
  userName: z.string().nullable(),
  plugin: z.string().optional(),
  from: z.unknown().optional().meta({ description: "Value on the relay just before the write; omitted when the key was absent" }),
  to: z.unknown().optional().meta({ description: "Value the write set (a superseded set: the value it tried to set); omitted for a delete" }),
  superseded: z.boolean().meta({ description: "True when the write lost to a concurrent one (Yjs map semantics) and does not show on any replica" }),
  supersededBy: z
    .number()
    .int()
    .positive()
    .nullable()
    .meta({ description: "The seq of the write that won over this one; null when not superseded (or the winner was pruned)" }),
});

/**
 * `doc`'s history base and the events after it. A prune between the two
 * reads would leave a gap after the base, so the pair is read again then.
 */
async function readFromBase(store: EventStore, doc: DocName): Promise<{ base: Snapshot | null; events: DocEvent[] }> {
  for (let attempt = 0; ; attempt++) {
    const base = await store.historyBase(doc);
    const from = (base?.seq ?? 0) + 1;
    const events = await store.read(doc, { from });
    if (events.length === 0 || events[0]!.seq === from) return { base, events };
    if (attempt === 2) throw new TaikuError(ErrorCode.Unavailable, `${doc}'s log was pruned while its history was read; try again`);
  }
}

/** `GET /api/sessions/:sid/kv/:pluginId/history?key=`. */
export const kvHistoryRoute = defineRoute(
  {
    method: "GET",
    path: "/api/sessions/:sid/kv/:pluginId/history",
    auth: "user",
    summary: "Per-key change history of a plugin's session KV, oldest first (members only).",
    request: { params: sessionPluginParams, query: z.object({ key: z.string().min(1).max(512) }) },
    response: {
      status: 200,
      body: z.object({
        key: z.string(),
        historyStartsAt: z
          .number()
          .int()
          .positive()
          .meta({ description: "The first seq the log still holds (1 unless retention pruned it); changes before it are not listed" }),
        changes: z.array(changeSchema),
      }),
    },
  },
  async ({ params, query, user }, services) => {
    const record = await requireMember(services, params.sid as SessionId, user);
    const doc = kvDocName(record.sessionId, params.pluginId as PluginId);
    const refusal = services.relay.refusal(doc);
    if (refusal !== undefined) throw refusal;
    const { base, events } = await readFromBase(services.events, doc);
    const names = new Map<UserId, string | null>();
    const nameOf = async (userId: UserId | null): Promise<string | null> => {
      if (userId === null) return null;
      if (!names.has(userId)) names.set(userId, (await services.users.get(userId))?.name ?? null);
      return names.get(userId) ?? null;
    };
    const changes = [];
    for (const change of keyHistory(events, query.key, base)) {
      changes.push({
        seq: change.seq,
        ts: change.ts,
        kind: change.kind,
        userId: change.origin.userId,
        userName: await nameOf(change.origin.userId),
        ...(change.origin.plugin === undefined ? {} : { plugin: change.origin.plugin }),
        ...(change.from === undefined ? {} : { from: change.from }),
        ...(change.to === undefined ? {} : { to: change.to }),
        superseded: change.superseded,
        supersededBy: change.supersededBy,
      });
    }
    return { key: query.key, historyStartsAt: (base?.seq ?? 0) + 1, changes };
  },
);
