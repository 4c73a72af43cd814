import {
  ConfigError,
  resolveEntryOptions as resolveOptions,
  type OptionSpec,
  type Registered,
  type Registry,
} from '@machop/core/base';
import { convertValue, kebabCase, type FlagSpec } from './args.js';

interface OwnedOption {
  kind: 'model' | 'dataset';
  entry: string;
  spec: OptionSpec;
}

function ownedOptions(registry: Registry): OwnedOption[] {
  return [
    ...registry.models
      .list()
      .flatMap((entry) =>
        (entry.options ?? []).map((spec) => ({ kind: 'model' as const, entry: entry.name, spec })),
      ),
    ...registry.datasets.list().flatMap((entry) =>
      (entry.options ?? []).map((spec) => ({
        kind: 'dataset' as const,
        entry: entry.name,
        spec,
      })),
    ),
  ];
}

/**
 * Flags for every option of every registered model and data set (`labelColumn` becomes
 * `--label-column`). Values stay raw here: each is converted by the spec of the entry the user
 * picked, since two entries may declare the same option differently.
 */
export function entryOptionFlags(registry: Registry, taken: readonly FlagSpec[]): FlagSpec[] {
  const byFlag = new Map<string, OwnedOption[]>();
  for (const owned of ownedOptions(registry)) {
    const flag = kebabCase(owned.spec.name);
    byFlag.set(flag, [...(byFlag.get(flag) ?? []), owned]);
  }
  const takenNames = new Set(taken.map((spec) => spec.name));
  return [...byFlag.entries()]
    .filter(([flag]) => !takenNames.has(flag))
    .map(([flag, owners]) => ({
      name: flag,
      type: owners.every((owner) => owner.spec.type === 'boolean')
        ? ('boolean' as const)
        : ('string' as const),
      description: owners
        .map((owner) => `${owner.kind} ${owner.entry}: ${owner.spec.description}`)
        .join('; '),
    }));
}

/** A resolved option value and where it came from. */
export interface ResolvedOption {
  value: unknown;
  source: 'flag' | 'config' | 'default';
}

/**
 * The options of one chosen entry: values given as flags or config-file keys (text converted by
 * the entry's option specs), then core's resolution for defaults and required options.
 */
export function resolveEntryOptions(
  kind: 'model' | 'dataset',
  entry: Registered<{ options?: readonly OptionSpec[] }>,
  given: ReadonlyMap<string, { value: unknown; source: 'flag' | 'config'; where: string }>,
): Map<string, ResolvedOption> {
  const typed = givenOptionValues(entry, given);
  const values = resolveOptions(kind, entry, typed);
  return new Map(
    Object.entries(values).map(([name, value]) => [
      name,
      { value, source: name in typed ? given.get(kebabCase(name))!.source : 'default' },
    ]),
  );
}

/** Only the options given as flags or config keys, converted by the entry's specs (no defaults). */
export function givenOptionValues(
  entry: { options?: readonly OptionSpec[] },
  given: ReadonlyMap<string, { value: unknown; where: string }>,
): Record<string, unknown> {
  const typed: Record<string, unknown> = {};
  for (const spec of entry.options ?? []) {
    const found = given.get(kebabCase(spec.name));
    if (found !== undefined)
      typed[spec.name] = convertValue(
        {
          name: kebabCase(spec.name),
          type: spec.type,
          description: spec.description,
          choices: spec.choices,
        },
        found.value,
        found.where,
      );
  }
  return typed;
}

/** Refuse entry flags that belong to none of the chosen entries (e.g. `--hidden` with jsc-tiny). */
export function checkStrayOptions(
  registry: Registry,
  given: Iterable<string>,
  chosen: readonly Registered<{ options?: readonly OptionSpec[] }>[],
): void {
  const accepted = new Set(
    chosen.flatMap((entry) => (entry.options ?? []).map((spec) => kebabCase(spec.name))),
  );
  const owners = ownedOptions(registry);
  for (const flag of given) {
    if (accepted.has(flag)) continue;
    const owner = owners
      .filter((owned) => kebabCase(owned.spec.name) === flag)
      .map((owned) => `${owned.kind} ${owned.entry}`);
    if (owner.length === 0) continue;
    throw new ConfigError(
      `--${flag} is an option of ${owner.join(', ')}, not of ${chosen.map((entry) => entry.name).join(' or ')}; remove it`,
    );
  }
}

/** Plain values of resolved options, for passing to an entry. */
export function optionValues(
  resolved: ReadonlyMap<string, ResolvedOption>,
): Record<string, unknown> {
  return Object.fromEntries([...resolved].map(([name, option]) => [name, option.value]));
}
