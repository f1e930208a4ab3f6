/**
 * A small hand-written horizontal bar chart in SVG: one bar per label, its
 * median as the bar and its min–max range as a whisker. Colours by system
 * name (taiku, baseline, floor) when the label starts with one.
 */
import type { BarChart } from "./benchResult";
import { fmt } from "./benchResult";

const COLOURS: Readonly<Record<string, string>> = { taiku: "#2f7ed8", baseline: "#d8732f", floor: "#8a8a8a" };
const ROW = 22;
const LABEL_WIDTH = 170;
const PLOT_WIDTH = 420;
const VALUE_WIDTH = 90;

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function colourOf(label: string): string {
  const system = label.split(" ")[0] ?? "";
  return COLOURS[system] ?? "#5b9b5b";
}

/** Renders `chart` as a standalone SVG document. */
export function renderBarChart(chart: BarChart): string {
  const bars = chart.bars;
  const top = 30;
  const height = top + bars.length * ROW + 10;
  const width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH;
  const largest = Math.max(1e-9, ...bars.map((bar) => (Number.isFinite(bar.max ?? Number.NaN) ? (bar.max ?? 0) : 0)), ...bars.map((bar) => (Number.isFinite(bar.value) ? bar.value : 0)));
  const scale = (value: number): number => (Number.isFinite(value) ? (Math.max(0, value) / largest) * PLOT_WIDTH : 0);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="6" y="18" font-size="13" font-weight="bold">${escapeXml(chart.title)}</text>`,
  ];
  bars.forEach((bar, index) => {
    const y = top + index * ROW;
    const barWidth = scale(bar.value);
    parts.push(`<text x="${LABEL_WIDTH - 6}" y="${y + 14}" text-anchor="end">${escapeXml(bar.label)}</text>`);
    parts.push(`<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${barWidth.toFixed(1)}" height="${ROW - 8}" fill="${colourOf(bar.label)}"/>`);
    if (bar.min !== undefined && bar.max !== undefined && Number.isFinite(bar.min) && Number.isFinite(bar.max)) {
      const x1 = LABEL_WIDTH + scale(bar.min);
      const x2 = LABEL_WIDTH + scale(bar.max);
      const mid = y + ROW / 2 - 1;
      parts.push(`<path d="M${x1.toFixed(1)} ${mid}H${x2.toFixed(1)}M${x1.toFixed(1)} ${mid - 4}V${mid + 4}M${x2.toFixed(1)} ${mid - 4}V${mid + 4}" stroke="#222" stroke-width="1"/>`);
    }
    const label = Number.isFinite(bar.value) ? `${fmt(bar.value)} ${chart.unit}` : "n/a";
    parts.push(`<text x="${LABEL_WIDTH + PLOT_WIDTH + 6}" y="${y + 14}">${escapeXml(label)}</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
