/** What an import or a rules change does to what runs. */
export * from './apply-plan';
export * from './rules-rollout';
export * from './by-hand';
