/** Temporal binaries, the embedded dev server, connections, retention and search attribute registration. */
export * from './binaries';
export * from './connection';
export * from './dev-server';
export * from './ports';
export * from './retention';
export * from './runtime';
export * from './search-attributes';
export * from './test-server';
