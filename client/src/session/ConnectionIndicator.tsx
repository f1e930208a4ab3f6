/**
 * The connection indicator: offline, the server out of reach, syncing, or
 * all changes saved, and when something has not reached the relay, what is
 * waiting (per document: chat and session state, or a plugin's data).
 */
import { createMemo, type JSX } from "solid-js";
import { parseDocName } from "@taiku/engine";
import { pending } from "../sync/pendingChanges";
import type { SyncedDoc } from "../sync/syncedDoc";
import { findPlugin } from "../plugins/pluginCatalog";

/** What the indicator shows. */
export interface ConnectionSummary {
  readonly state: "offline" | "unreachable" | "syncing" | "saved";
  /** Human-readable names of documents with changes waiting, with counts. */
  readonly waiting: readonly string[];
}

/** Summarises the state of a session's documents. */
export function summariseConnection(sessionId: string, docs: readonly SyncedDoc[], online: boolean): ConnectionSummary {
  const waiting: string[] = [];
  for (const [name, count] of Object.entries(pending())) {
    const parsed = parseDocName(name);
    if (parsed === undefined || parsed.sessionId !== sessionId) continue;
    const what = parsed.kind === "session" ? "session" : (findPlugin(parsed.pluginId)?.name ?? parsed.pluginId);
    waiting.push(`${what} (${count})`);
  }
  const states = docs.map((doc) => doc.state());
  if (!online || states.some((state) => state === "offline")) return { state: "offline", waiting };
  if (states.some((state) => state === "unreachable")) return { state: "unreachable", waiting };
  if (waiting.length > 0 || states.some((state) => state !== "synced")) return { state: "syncing", waiting };
  return { state: "saved", waiting };
}

/** What the indicator says in each state. */
export const HEADLINE: Readonly<Record<ConnectionSummary["state"], string>> = {
  offline: "Offline",
  unreachable: "Cannot reach the server — your changes are kept and will sync",
  syncing: "Syncing…",
  saved: "All changes saved",
};

/** The indicator for a session's documents. */
export function ConnectionIndicator(props: { sessionId: string; docs: readonly SyncedDoc[]; online: boolean }): JSX.Element {
  const summary = createMemo(() => summariseConnection(props.sessionId, props.docs, props.online));
  const label = (): string => {
    const { state, waiting } = summary();
    const head = HEADLINE[state];
    return waiting.length === 0 ? head : `${head} — waiting: ${waiting.join(", ")}`;
  };
  return (
    <span class={`connection connection-${summary().state}`} data-state={summary().state} title={label()} aria-live="polite">
      <span class="dot" aria-hidden="true" />
      {label()}
    </span>
  );
}
