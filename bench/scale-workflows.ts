// The worker of bench/scale.ts runs Planvakt's workflows plus one that does nothing, the baseline.
export { activityLifecycle } from '../src/lifecycle/workflow';

export async function empty(): Promise<void> {}
