import { createRequire } from 'node:module';

/** Versions of the packages behind a `ch`, for `--version` and run records. */
export function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const versions: Record<string, string> = {};
  for (const name of [
    '@machop/cli',
    '@machop/core',
    '@machop/datasets',
    '@machop/models',
    '@machop/metrics',
    '@machop/trainer',
  ]) {
    try {
      versions[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      // A package that is not installed has no version to report.
    }
  }
  return versions;
}
