/** Retention and erasure of personal data. */
export * from './erase';
export * from './prune';
