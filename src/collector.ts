/**
 * `shadowcast/collector` (contract, Node only): the reference collector and the comparison report,
 * as functions for embedding. The CLI (`shadowcast collect`, `shadowcast report`) is a thin layer on these.
 */
export { createCollector, COLLECTOR_DEFAULTS, RETRY_AFTER_SECONDS } from './collector/server';
export type { Collector, CollectorOptions } from './collector/server';
export { buildReport, createReportBuilder } from './collector/report/build-report';
export type { ReportOptions } from './collector/report/build-report';
export { renderReportText } from './collector/report/render-text';
export { renderReportHtml } from './collector/report/render-html';
export { VERDICT_THRESHOLDS } from './collector/report/verdict';
export { wilson, psi } from './collector/report/statistics';
export type { Report, ExperimentReport, ModeReport, Slice, Shift, ModelHealth, LossAccount, Verdict } from './collector/report/types';
export type { Interval, Percentiles } from './collector/report/statistics';
export { DEDUPE_WINDOW_DAYS } from './collector/record-log';
