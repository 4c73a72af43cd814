#!/usr/bin/env node
import path from 'node:path';
import { checkWorkspace } from './check-deps.mjs';

const root = path.resolve(process.argv[2] ?? '.');
const problems = checkWorkspace(root);
for (const problem of problems) process.stderr.write(`error: ${problem}\n`);
process.stdout.write(
  `${problems.length === 0 ? 'every package declares what it imports' : `${problems.length} undeclared import(s)`}\n`,
);
process.exitCode = problems.length === 0 ? 0 : 1;
