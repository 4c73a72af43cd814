#!/usr/bin/env node
// Print the workspace's publishable packages in the order they must be published, one a line.
import path from 'node:path';
import { publishOrder } from './publish-order.mjs';

const root = path.resolve(process.argv[2] ?? '.');
for (const { name, dir } of publishOrder(root))
  process.stdout.write(`${name}\t${path.relative(root, dir)}\n`);
