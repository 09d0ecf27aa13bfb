/**
 * Inline SVG charts for the HTML report: no script, no fonts, no network. Each returns an <svg> string
 * whose text is escaped; colours come from the page's CSS variables.
 */

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const W = 560;
const H = 200;
const PAD = { left: 44, right: 12, top: 14, bottom: 42 };

export interface BarSeries {
  name: string;
  /** A CSS colour or variable, e.g. `var(--live)`. */
  color: string;
  values: number[];
}

/** Grouped bars: one group per label, one bar per series. Values are shares (0..1) or counts. */
export function groupedBars(labels: string[], series: BarSeries[], options: { percent?: boolean; title: string }): string {
  const max = niceMax(Math.max(1e-9, ...series.flatMap((s) => s.values)), options.percent === true);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const groupW = plotW / Math.max(1, labels.length);
  const barW = Math.max(2, (groupW * 0.8) / series.length);
  const parts: string[] = [];
  for (let tick = 0; tick <= 4; tick++) {
    const y = PAD.top + plotH - (tick / 4) * plotH;
    const value = (tick / 4) * max;
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" class="grid"/><text x="${PAD.left - 6}" y="${y + 4}" class="axis" text-anchor="end">${options.percent ? `${Math.round(value * 100)}%` : fmtCount(value)}</text>`);
  }
  labels.forEach((label, i) => {
    series.forEach((s, j) => {
      const value = s.values[i] ?? 0;
      const h = (value / max) * plotH;
      const x = PAD.left + i * groupW + groupW * 0.1 + j * barW;
      parts.push(`<rect x="${x.toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"><title>${escapeHtml(`${s.name} · ${label}: ${options.percent ? `${(value * 100).toFixed(1)}%` : fmtCount(value)}`)}</title></rect>`);
    });
    const x = PAD.left + i * groupW + groupW / 2;
    parts.push(`<text x="${x.toFixed(1)}" y="${H - PAD.bottom + 14}" class="axis" text-anchor="middle">${escapeHtml(truncate(label, Math.max(4, Math.floor(groupW / 6))))}</text>`);
  });
  return svg(options.title, parts.join(''), legend(series));
}

/** A line over time with an optional dashed threshold; nulls are gaps. */
export function lineChart(values: (number | null)[], options: { title: string; threshold?: number; from: string; to: string }): string {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (values.length <= 1 ? 0 : (i / (values.length - 1)) * plotW);
  const y = (value: number) => PAD.top + plotH - value * plotH;
  const parts: string[] = [];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(tick)}" y2="${y(tick)}" class="grid"/><text x="${PAD.left - 6}" y="${y(tick) + 4}" class="axis" text-anchor="end">${tick * 100}%</text>`);
  }
  if (options.threshold !== undefined) parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(options.threshold)}" y2="${y(options.threshold)}" class="threshold"/>`);
  let path = '';
  values.forEach((value, i) => {
    if (value === null) return;
    path += `${path && values[i - 1] !== null ? 'L' : 'M'}${x(i).toFixed(1)},${y(value).toFixed(1)}`;
    parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(value).toFixed(1)}" r="2.5" fill="var(--shadow)"><title>${(value * 100).toFixed(1)}%</title></circle>`);
  });
  parts.push(`<path d="${path}" fill="none" stroke="var(--shadow)" stroke-width="2"/>`);
  parts.push(`<text x="${PAD.left}" y="${H - PAD.bottom + 14}" class="axis">${escapeHtml(options.from)}</text><text x="${W - PAD.right}" y="${H - PAD.bottom + 14}" class="axis" text-anchor="end">${escapeHtml(options.to)}</text>`);
  return svg(options.title, parts.join(''), '');
}

function legend(series: BarSeries[]): string {
  return series.map((s, i) => `<rect x="${PAD.left + i * 150}" y="${H - 16}" width="10" height="10" fill="${s.color}"/><text x="${PAD.left + i * 150 + 14}" y="${H - 7}" class="axis">${escapeHtml(s.name)}</text>`).join('');
}

function svg(title: string, body: string, footer: string): string {
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${body}${footer}</svg>`;
}

/** Rounds an axis maximum up to 1, 2, 2.5 or 5 × a power of ten (shares: to the next 10%), so ticks read cleanly. */
function niceMax(value: number, percent: boolean): number {
  if (percent) return Math.min(1, Math.ceil(value * 10) / 10);
  const power = 10 ** Math.floor(Math.log10(value));
  return (([1, 2, 2.5, 5, 10].find((step) => step * power >= value) ?? 10) * power);
}

function fmtCount(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(value >= 10_000 ? 0 : 1)}k` : String(Math.round(value));
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
