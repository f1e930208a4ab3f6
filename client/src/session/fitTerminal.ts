/**
 * Sizing an xterm.js terminal to its container: the number of columns and
 * rows of the terminal's font that fit, measured once per font with a
 * hidden probe element.
 */

const measured = new Map<string, { width: number; height: number }>();

function cellSize(fontFamily: string, fontSize: number): { width: number; height: number } {
  const key = `${fontSize}px ${fontFamily}`;
  const known = measured.get(key);
  if (known !== undefined) return known;
  const probe = document.createElement("span");
  probe.style.cssText = `position:absolute;visibility:hidden;white-space:pre;font-family:${fontFamily};font-size:${fontSize}px;line-height:normal`;
  probe.textContent = "W".repeat(50);
  document.body.append(probe);
  const rect = probe.getBoundingClientRect();
  probe.remove();
  const size = { width: rect.width / 50 || 8, height: rect.height || fontSize * 1.2 };
  measured.set(key, size);
  return size;
}

/** Columns and rows of `fontFamily` at `fontSize` that fit in `element` (at least 20×5, at most 1000×1000). */
export function fittingSize(element: HTMLElement, fontFamily: string, fontSize: number): { cols: number; rows: number } {
  const { width, height } = cellSize(fontFamily, fontSize);
  const box = element.getBoundingClientRect();
  const clamp = (value: number, min: number) => Math.max(min, Math.min(1000, Math.floor(value)));
  return { cols: clamp((box.width - 16) / width, 20), rows: clamp((box.height - 8) / height, 5) };
}
