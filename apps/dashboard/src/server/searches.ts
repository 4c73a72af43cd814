import { readdir } from 'node:fs/promises';
import { listSearches } from '@machop/runs';
import type { SearchView } from '../api-types.js';

/**
 * The searches of every project under `projectDir`, read afresh on each request: a study is
 * saved after each trial, so a search still running shows the trials it has so far.
 */
export async function searchViews(projectDir: string): Promise<SearchView[]> {
  const projects = await readdir(projectDir, { withFileTypes: true }).catch(() => []);
  const views: SearchView[] = [];
  for (const entry of projects.filter((entry) => entry.isDirectory()))
    for (const search of await listSearches(projectDir, entry.name))
      views.push({
        id: `${search.project}/${search.id}`,
        project: search.project,
        search: search.id,
        ended: search.ended,
        study: search.study,
      });
  return views;
}
