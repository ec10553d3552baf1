/** `planvakt simulate`: the real workflows of a plan on the time-skipping server, and their report. */
export * from './format';
export * from './scenario';
export * from './simulate';
export * from './runs';
export * from './years';
