/** Number formatting shared by the verdict and both renderers, so the text and HTML reports read the same. */
export const pct = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? '–' : `${(value * 100).toFixed(1)}%`);
export const num = (value: number): string => value.toLocaleString('en-US');
