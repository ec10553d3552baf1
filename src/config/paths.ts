import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root: config/, .tools/ and .data/ default to folders below it. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
