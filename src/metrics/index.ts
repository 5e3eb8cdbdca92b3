export * from './purser-metrics.ts';
