export * from './schema';
export * from './rules-for';
export * from './load';
