/** Number formatting shared by the verdict and both renderers, so the text and HTML reports read the same. */
export const pct = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? '–' : `${(value * 100).toFixed(1)}%`);
export const num = (value: number): string => value.toLocaleString('en-US');
/** An ISO time as people read it in a report: `2026-11-22 10:00:00 UTC`. */
export const stamp = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
