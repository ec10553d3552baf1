#!/usr/bin/env node
// The installed `planvakt` command: runs the TypeScript sources through tsx, as `npm start` does.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/index.ts');
runCli(process.argv.slice(2));
