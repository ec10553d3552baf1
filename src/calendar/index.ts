/** The calendar: pure and deterministic, safe to import from Temporal workflow code. */
export * from './dates';
export * from './holidays';
export * from './stockholm';
export * from './working-days';
export * from './quiet-days';
export * from './periods';
export * from './schedule';
