/** Environment, paths, configuration versions and the YAML loader that names file, line and field. */
export * from './env';
export * from './paths';
export * from './source-error';
export * from './versions';
export * from './yaml';
