/** The worker bootstrap: every workflow and activity on one task queue. */
export * from './worker';
export * from './activities';
export * from './bundle';
