// The worker of bench/scale.ts runs Planvakt's workflows plus one that does nothing, the baseline.
export { activityLifecycle } from '../src/workflows/activity-lifecycle';

export async function empty(): Promise<void> {}
