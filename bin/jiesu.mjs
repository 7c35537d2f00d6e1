#!/usr/bin/env node
// `npx jiesu …`: runs the TypeScript CLI directly (no build step).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../app/cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
