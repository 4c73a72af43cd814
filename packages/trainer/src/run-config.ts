import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tf } from '@machop/core';

const requireHere = createRequire(import.meta.url);

function versionOf(name: string): string | null {
  try {
    return (requireHere(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

/** Versions that decide a run's numbers: Machop.ts packages, tfjs and Node. */
export function runVersions(): Record<string, string | null> {
  return {
    '@machop/trainer': versionOf('@machop/trainer'),
    '@machop/core': versionOf('@machop/core'),
    '@machop/metrics': versionOf('@machop/metrics'),
    tfjs: tf.version_core,
    node: process.version,
  };
}

/** The git commit of the working directory and whether tracked files changed, or null outside a repository. */
export function gitInfo(cwd = process.cwd()): { commit: string; dirty: boolean } | null {
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
  try {
    const commit = git('rev-parse', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return { commit, dirty };
  } catch {
    return null;
  }
}
