/**
 * One row of the fault matrix: what a scenario produced, what reached the collector (unique, after dedupe),
 * the duplicates it absorbed, and every drop the SDK counted. Unexplained loss must be 0.
 */
export interface MatrixRow {
  scenario: string;
  produced: number;
  delivered: number;
  duplicates: number;
  dropped: Record<string, number>;
  unexplained: number;
}

export function matrixRow(scenario: string, produced: number, delivered: number, duplicates: number, dropped: Record<string, number>): MatrixRow {
  const counted = Object.values(dropped).reduce((sum, n) => sum + n, 0);
  return { scenario, produced, delivered, duplicates, dropped, unexplained: produced - delivered - counted };
}

export function renderMatrix(title: string, rows: MatrixRow[]): string {
  const lines = [
    `${title}`,
    '| scenario | produced | delivered (unique) | duplicates absorbed | counted drops | unexplained loss |',
    '| --- | ---: | ---: | ---: | --- | ---: |',
    ...rows.map((row) => {
      const drops = Object.entries(row.dropped).map(([reason, n]) => `${reason} ${n}`).join(', ') || '0';
      return `| ${row.scenario} | ${row.produced} | ${row.delivered} | ${row.duplicates} | ${drops} | ${row.unexplained} |`;
    }),
  ];
  return lines.join('\n');
}
