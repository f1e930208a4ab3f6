/**
 * Reader for a plugin's `contributions`: panels `{ id, title, order?, badge? }`,
 * palette actions `{ id, title, description?, shortcut?, group? }` and status
 * labels `{ id, text?, href? }`. Missing lists default to empty; ids are
 * unique within each list; a status label's link is an absolute http(s) URL.
 */
import {
  checkKnownKeys,
  countingReport,
  describeValue,
  fieldPath,
  hasField,
  isRecord,
  ownField,
  readEntries,
  readKey,
  readList,
  readText,
  type JsonRecord,
  type Report,
} from "./manifestFields";
import type { PluginActionSpec, PluginContributions, PluginPanelSpec, PluginStatusLabelSpec } from "./manifestTypes";

/** Most panels one plugin may declare. */
export const MAX_PANELS = 32;
/** Most palette actions one plugin may declare. */
export const MAX_ACTIONS = 128;
/** Most status labels one plugin may declare. */
export const MAX_STATUS_LABELS = 32;
/** Longest status-label link, in characters. */
export const MAX_HREF_LENGTH = 2048;

const CONTRIBUTION_KEYS = ["panels", "actions", "statusLabels"] as const;
const PANEL_KEYS = ["id", "title", "order", "badge"] as const;
const ACTION_KEYS = ["id", "title", "description", "shortcut", "group"] as const;
const STATUS_LABEL_KEYS = ["id", "text", "href"] as const;
const TITLE = { max: 100, required: true } as const;

/** Reads `contributions` (the whole field value, possibly absent). */
export function readContributions(value: unknown, path: string, report: Report): PluginContributions | undefined {
  if (value === undefined) return { panels: [], actions: [], statusLabels: [] };
  if (!isRecord(value)) {
    report(path, `must be an object with panels, actions and statusLabels lists, got ${describeValue(value)}`);
    return undefined;
  }
  checkKnownKeys(value, CONTRIBUTION_KEYS, path, report);
  const panels = readList(value, "panels", path, MAX_PANELS, report);
  const actions = readList(value, "actions", path, MAX_ACTIONS, report);
  const statusLabels = readList(value, "statusLabels", path, MAX_STATUS_LABELS, report);
  if (panels === undefined || actions === undefined || statusLabels === undefined) return undefined;
  return {
    panels: readEntries(panels, fieldPath(path, "panels"), "id", report, (entry, at) => readPanel(entry, at, report)),
    actions: readEntries(actions, fieldPath(path, "actions"), "id", report, (entry, at) => readAction(entry, at, report)),
    statusLabels: readEntries(statusLabels, fieldPath(path, "statusLabels"), "id", report, (entry, at) =>
      readStatusLabel(entry, at, report),
    ),
  };
}

function readPanel(entry: JsonRecord, path: string, outer: Report): PluginPanelSpec | undefined {
  const { report, count } = countingReport(outer);
  checkKnownKeys(entry, PANEL_KEYS, path, report);
  const id = readKey(entry, "id", path, report);
  const title = readText(entry, "title", path, TITLE, report);
  const order = ownField(entry, "order");
  if (order !== undefined && !(typeof order === "number" && Number.isFinite(order))) {
    report(fieldPath(path, "order"), `must be a finite number, got ${describeValue(order)}`);
  }
  const badge = ownField(entry, "badge");
  const countBadge = typeof badge === "number" && Number.isSafeInteger(badge) && badge >= 0;
  const textBadge = typeof badge === "string" && badge.length <= 32 && !/[\u0000-\u001f\u007f]/.test(badge);
  if (badge !== undefined && !countBadge && !textBadge) {
    report(fieldPath(path, "badge"), `must be a whole number ≥ 0 or a one-line string of at most 32 characters, got ${describeValue(badge)}`);
  }
  if (count() > 0 || id === undefined || title === undefined) return undefined;
  return {
    id,
    title,
    ...(typeof order === "number" ? { order } : {}),
    ...(typeof badge === "number" || typeof badge === "string" ? { badge } : {}),
  };
}

function readAction(entry: JsonRecord, path: string, outer: Report): PluginActionSpec | undefined {
  const { report, count } = countingReport(outer);
  checkKnownKeys(entry, ACTION_KEYS, path, report);
  const id = readKey(entry, "id", path, report);
  const title = readText(entry, "title", path, TITLE, report);
  const description = readText(entry, "description", path, { max: 500, required: false }, report);
  const shortcut = readText(entry, "shortcut", path, { max: 32, required: false }, report);
  const group = readText(entry, "group", path, { max: 64, required: false }, report);
  if (count() > 0 || id === undefined || title === undefined) return undefined;
  return {
    id,
    title,
    ...(description === undefined ? {} : { description }),
    ...(shortcut === undefined ? {} : { shortcut }),
    ...(group === undefined ? {} : { group }),
  };
}

function readStatusLabel(entry: JsonRecord, path: string, outer: Report): PluginStatusLabelSpec | undefined {
  const { report, count } = countingReport(outer);
  checkKnownKeys(entry, STATUS_LABEL_KEYS, path, report);
  const id = readKey(entry, "id", path, report);
  const text = readText(entry, "text", path, { max: 100, required: false }, report);
  const href = hasField(entry, "href") ? readHref(ownField(entry, "href"), fieldPath(path, "href"), report) : undefined;
  if (count() > 0 || id === undefined) return undefined;
  return { id, ...(text === undefined ? {} : { text }), ...(href === undefined ? {} : { href }) };
}

function readHref(value: unknown, path: string, report: Report): string | undefined {
  const expected = `must be an absolute http: or https: URL of at most ${MAX_HREF_LENGTH} characters`;
  if (typeof value !== "string" || value.length > MAX_HREF_LENGTH || !/^https?:\/\//i.test(value)) {
    report(path, `${expected} (javascript:, data: and relative links are not allowed), got ${describeValue(value)}`);
    return undefined;
  }
  try {
    new URL(value);
  } catch (cause) {
    report(path, `${expected}; it does not parse (${cause instanceof Error ? cause.message : String(cause)})`);
    return undefined;
  }
  return value;
}
