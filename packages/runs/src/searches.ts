import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { closestNames, ConfigError, IoError, unknownName } from '@machop/core/base';
import type { SearchStudy } from './search-trials.js';

/** Where `ch search` keeps a project's searches, one folder per search id. */
export const SEARCHES_DIR = path.join('software', 'search_ckpts');
const STUDY_FILE = 'study.json';

/** A search folder as readers see it. */
export interface SearchInfo {
  id: string;
  project: string;
  dir: string;
  study: SearchStudy;
  /**
   * Whether the search ended: `ch search` writes `log.json` with every trial when it stops, so
   * a study with more trials than its log (or no log) is still running, or was killed.
   */
  ended: boolean;
}

async function readStudy(file: string): Promise<SearchStudy | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw IoError.from(error, 'read', file);
  }
  try {
    const study = JSON.parse(text) as SearchStudy & { format?: string };
    if (study.format !== 'machop-search-study' || !Array.isArray(study.trials)) return undefined;
    return study;
  } catch {
    // Written by temp file and rename, a state is whole or absent; anything else is not ours.
    return undefined;
  }
}

/**
 * The searches of `project` under `projectDir`, by id: folders of
 * `<project>/software/search_ckpts/` holding a search state. A search still running is listed
 * with the trials it has saved so far.
 */
export async function listSearches(projectDir: string, project: string): Promise<SearchInfo[]> {
  const root = path.join(projectDir, project, SEARCHES_DIR);
  let names: string[];
  try {
    names = (await readdir(root, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw IoError.from(error, 'read', root);
  }
  const searches: SearchInfo[] = [];
  for (const id of names.sort()) {
    const dir = path.join(root, id);
    const study = await readStudy(path.join(dir, STUDY_FILE));
    if (!study) continue;
    const log = await readFile(path.join(dir, 'log.json'), 'utf8').catch(() => undefined);
    let logged = -1;
    try {
      if (log !== undefined) logged = Object.keys(JSON.parse(log) as object).length;
    } catch {
      // A damaged log is as good as none: the search has not ended cleanly.
    }
    searches.push({
      id,
      project,
      dir,
      study: { ...study, id },
      ended: logged === study.trials.length,
    });
  }
  return searches;
}

/** The projects under `projectDir` (its folders), for finding a search by id alone. */
async function projects(projectDir: string): Promise<string[]> {
  try {
    return (await readdir(projectDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw IoError.from(error, 'read', projectDir);
  }
}

/**
 * The search `id` of `project` (or of any project under `projectDir` when none is named). An
 * unknown id is one line naming the closest known ids.
 */
export async function readSearch(
  projectDir: string,
  id: string,
  project?: string,
): Promise<SearchInfo> {
  const known: SearchInfo[] = [];
  for (const name of project === undefined ? await projects(projectDir) : [project])
    known.push(...(await listSearches(projectDir, name)));
  const found = known.find((search) => search.id === id);
  if (found) return found;
  const ids = known.map((search) => search.id).sort();
  const where = project === undefined ? projectDir : path.join(projectDir, project);
  const next =
    ids.length === 0
      ? `there are no searches in ${where}; run "ch search" first`
      : `known: ${ids.join(', ')}`;
  throw new ConfigError(unknownName(`no search "${id}" in ${where}`, closestNames(id, ids), next));
}
