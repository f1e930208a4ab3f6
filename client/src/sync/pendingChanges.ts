/**
 * What is waiting to reach the relay: per document, the number of local
 * changes made while it was not synced. Kept in localStorage
 * (`taiku:pending`) so that after a reload with no network the indicator
 * still knows what has not been sent. A document's count clears when its
 * provider reports a completed sync.
 */
import { createSignal } from "solid-js";

const STORAGE_KEY = "taiku:pending";

function load(): Record<string, number> {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (raw === null) return {};
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
  const counts: Record<string, number> = {};
  for (const [doc, count] of Object.entries(parsed)) if (typeof count === "number" && count > 0) counts[doc] = count;
  return counts;
}

const [pending, setPending] = createSignal<Readonly<Record<string, number>>>(load());

function store(next: Record<string, number>): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  setPending(next);
}

/** Local changes waiting per document name, reactive. */
export { pending };

/** Records one more local change to `docName` that has not reached the relay. */
export function addPending(docName: string): void {
  const current = pending();
  store({ ...current, [docName]: (current[docName] ?? 0) + 1 });
}

/** Marks every change to `docName` as delivered. */
export function clearPending(docName: string): void {
  const current = pending();
  if (current[docName] === undefined) return;
  const next = { ...current };
  delete next[docName];
  store(next);
}
