/**
 * Notes: one text shared by the session, kept in this plugin's session KV
 * document as the Y.Text `body` through `sharedDoc()`, so concurrent edits
 * from every participant merge character by character and offline edits
 * merge on reconnect. The textarea is bound to the text: local edits become
 * the smallest insert/delete, remote edits update the textarea while keeping
 * the caret where it was.
 *
 * An edit the quota refuses (a paste that would take the notes past 64 KiB,
 * refused by this replica or undone by the host) is never thrown away: it
 * stays in the textarea, marked unsaved, with an error above the editor and
 * a label in the host's status bar, until it is shortened enough to save or
 * discarded. Others' edits meanwhile still arrive underneath it.
 */
import { TaikuPlugin, QuotaExceededError } from "/sdk/plugin-sdk.js";

const plugin = await new TaikuPlugin().ready();
const doc = await plugin.sharedDoc();
const text = doc.getText("body");
const area = document.getElementById("notes");
const info = document.getElementById("info");
const problem = document.getElementById("unsaved");
const problemText = document.getElementById("unsaved-text");
const discard = document.getElementById("discard");

/** The edit the quota refused, relative to the shared text: `{ index, remove, insert }`, or null when all is saved. */
let unsaved = null;
/** Bumped on every local edit, so an answer for an older edit does not undo a newer state. */
let edits = 0;

/** The smallest edit turning `before` into `after`: `{ index, remove, insert }`. */
function diff(before, after) {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { index: start, remove: before.length - start - end, insert: after.slice(start, after.length - end) };
}

/** `base` with `edit` applied (its range clamped to `base`). */
function applyEdit(base, edit) {
  const index = Math.min(edit.index, base.length);
  return base.slice(0, index) + edit.insert + base.slice(Math.min(index + edit.remove, base.length));
}

const bytes = (n) => n.toLocaleString("en");

function showUsage() {
  void plugin.getPluginDataUsage().then((usage) => {
    const head = `${text.length} characters · ${bytes(usage.used)} of ${bytes(usage.limit)} bytes`;
    info.textContent = unsaved === null ? head : `${head} · your last change is not saved`;
  });
}

/** Shows (or with null, clears) the unsaved state, near the editor and in the status bar. */
function markUnsaved(edit, error) {
  unsaved = edit;
  problem.hidden = edit === null;
  area.classList.toggle("unsaved", edit !== null);
  if (edit === null) {
    void plugin.setLabels([]).catch(() => undefined);
  } else {
    problemText.textContent =
      `Not saved: with this change the notes would use ${bytes(error.attempted)} of the ${bytes(error.limit)} bytes this session allows. ` +
      "Your text is still here, unsaved — shorten it and it saves, or discard the change.";
    void plugin
      .setLabels([{ id: "unsaved", text: "Notes: not saved — over the size limit", tooltip: "Your change is kept in the Notes panel until it fits." }])
      .catch(() => undefined);
  }
  showUsage();
}

/** Puts the shared text, with any unsaved edit on top, into the textarea. */
function render(selectionStart, selectionEnd) {
  const shared = text.toString();
  area.value = unsaved === null ? shared : applyEdit(shared, unsaved);
  if (selectionStart !== undefined) area.setSelectionRange(selectionStart, selectionEnd);
}

area.value = text.toString();
area.addEventListener("input", () => {
  const edit = diff(text.toString(), area.value);
  const mine = ++edits;
  const wasUnsaved = unsaved !== null;
  plugin
    .transact(() => {
      if (edit.remove > 0) text.delete(edit.index, edit.remove);
      if (edit.insert !== "") text.insert(edit.index, edit.insert);
    })
    .then(
      () => {
        if (mine === edits && (wasUnsaved || unsaved !== null)) markUnsaved(null);
        else showUsage();
      },
      (error) => {
        if (!(error instanceof QuotaExceededError)) {
          info.textContent = `Not saved: ${error instanceof Error ? error.message : String(error)}`;
          return;
        }
        if (mine !== edits) return;
        // Refused here or undone by the host: the shared text is as before, the user's text stays on top of it.
        const { selectionStart, selectionEnd } = area;
        markUnsaved(edit, error);
        render(selectionStart, selectionEnd);
      },
    );
});

discard.addEventListener("click", () => {
  edits++;
  markUnsaved(null);
  render();
});

text.observe((event, transaction) => {
  if (transaction.local) return;
  let { selectionStart, selectionEnd } = area;
  let position = 0;
  for (const op of event.delta) {
    if (op.retain !== undefined) position += op.retain;
    else if (op.insert !== undefined) {
      const length = op.insert.length;
      if (position <= selectionStart) selectionStart += length;
      if (position <= selectionEnd) selectionEnd += length;
      if (unsaved !== null && position <= unsaved.index) unsaved = { ...unsaved, index: unsaved.index + length };
      position += length;
    } else if (op.delete !== undefined) {
      if (position < selectionStart) selectionStart -= Math.min(op.delete, selectionStart - position);
      if (position < selectionEnd) selectionEnd -= Math.min(op.delete, selectionEnd - position);
      if (unsaved !== null && position < unsaved.index) unsaved = { ...unsaved, index: unsaved.index - Math.min(op.delete, unsaved.index - position) };
    }
  }
  render(selectionStart, selectionEnd);
  showUsage();
});

plugin.on("action:run", (event) => {
  if (event.data.actionId !== "stamp") return;
  void plugin
    .transact(() => text.insert(text.length, `${text.length === 0 ? "" : "\n"}— ${new Date().toLocaleString()}\n`))
    .catch((error) => {
      info.textContent = error instanceof QuotaExceededError ? "No room for a timestamp: the notes are at their size limit." : String(error);
    });
  render();
  showUsage();
});

showUsage();
document.body.dataset.ready = "true";
