/**
 * Notes: one text shared by the session, kept in this plugin's session KV
 * document as the Y.Text `body` through `sharedDoc()`, so concurrent edits
 * from every participant merge character by character and offline edits
 * merge on reconnect. The textarea is bound to the text: local edits become
 * the smallest insert/delete, remote edits update the textarea while keeping
 * the caret where it was.
 */
import { TaikuPlugin, QuotaExceededError } from "/sdk/plugin-sdk.js";

const plugin = await new TaikuPlugin().ready();
const doc = await plugin.sharedDoc();
const text = doc.getText("body");
const area = document.getElementById("notes");
const info = document.getElementById("info");

/** The smallest edit turning `before` into `after`: `{ index, remove, insert }`. */
function diff(before, after) {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { index: start, remove: before.length - start - end, insert: after.slice(start, after.length - end) };
}

function showUsage() {
  void plugin.getPluginDataUsage().then((usage) => {
    info.textContent = `${text.length} characters · ${usage.used} of ${usage.limit} bytes`;
  });
}

area.value = text.toString();
area.addEventListener("input", () => {
  const { index, remove, insert } = diff(text.toString(), area.value);
  try {
    doc.transact(() => {
      if (remove > 0) text.delete(index, remove);
      if (insert !== "") text.insert(index, insert);
    });
  } catch (error) {
    area.value = text.toString();
    info.textContent = error instanceof QuotaExceededError ? `Not saved: the notes would use ${error.attempted} of ${error.limit} bytes.` : String(error);
    return;
  }
  showUsage();
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
      position += length;
    } else if (op.delete !== undefined) {
      if (position < selectionStart) selectionStart -= Math.min(op.delete, selectionStart - position);
      if (position < selectionEnd) selectionEnd -= Math.min(op.delete, selectionEnd - position);
    }
  }
  area.value = text.toString();
  area.setSelectionRange(selectionStart, selectionEnd);
  showUsage();
});

plugin.on("action:run", (event) => {
  if (event.data.actionId !== "stamp") return;
  doc.transact(() => text.insert(text.length, `${text.length === 0 ? "" : "\n"}— ${new Date().toLocaleString()}\n`));
  area.value = text.toString();
  showUsage();
});

showUsage();
document.body.dataset.ready = "true";
