/** The words every capability shares: vocabulary, notices, plan clock, workflow ids, links, escaping, the html tag, the traffic light. Pure and workflow-safe. */
export * from './escape';
export * from './html';
export * from './links';
export * from './notice';
export * from './plan-clock';
export * from './traffic-light';
export * from './vocabulary';
export * from './workflow-ids';
export * from './swedish';
