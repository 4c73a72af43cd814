import { describe, expect, it } from 'vitest';
import { closestNames, getRegistry, type ModelEntry } from './index.js';
// Internal: what loadPlugins hands a plugin's setup. Tested directly to keep these tests short.
import { scopedRegistry } from './registry.js';

const model = (description: string): ModelEntry => ({
  description,
  task: 'classification',
  create: () => {
    throw new Error('not built in this test');
  },
});

describe('registry', () => {
  it('stores entries with their name and the plugin that added them, listed by name', () => {
    scopedRegistry('plugin-a').models.add('zeta-net', model('Z'));
    scopedRegistry('plugin-a').models.add('alpha-net', model('A'));
    const registry = getRegistry();
    expect(registry.models.get('alpha-net')).toMatchObject({
      name: 'alpha-net',
      plugin: 'plugin-a',
      description: 'A',
    });
    const names = registry.models.list().map((entry) => entry.name);
    expect(names.indexOf('alpha-net')).toBeLessThan(names.indexOf('zeta-net'));
    expect(registry.models.has('zeta-net')).toBe(true);
    expect(registry.datasets.has('zeta-net')).toBe(false);
  });

  it('records entries added outside a plugin as added by <app>', () => {
    getRegistry().datasets.add('app-data', {
      description: 'd',
      task: 'classification',
      load: () => Promise.reject(new Error('unused')),
    });
    expect(getRegistry().datasets.get('app-data').plugin).toBe('<app>');
  });

  it('refuses a taken name with an error naming both plugins', () => {
    scopedRegistry('first-plugin').models.add('taken-net', model('first'));
    expect(() =>
      scopedRegistry('second-plugin').models.add('taken-net', model('second')),
    ).toThrowError(
      'model "taken-net" is already registered by plugin "first-plugin"; plugin "second-plugin" cannot add it again (rename one of them)',
    );
    expect(getRegistry().models.get('taken-net').description).toBe('first');
  });

  it('answers an unknown name with the closest known names', () => {
    scopedRegistry('p').models.add('jsc-tiny-test', model('t'));
    scopedRegistry('p').models.add('jsc-toy-test', model('t'));
    let message = '';
    try {
      getRegistry().models.get('jsc-tiny-tst');
    } catch (error) {
      message = (error as Error).message;
      expect((error as { code: string }).code).toBe('E_REGISTRY_UNKNOWN');
    }
    expect(message).toMatch(/^unknown model "jsc-tiny-tst": did you mean "jsc-tiny-test"/);
    expect(message).toContain('ch list models');
  });

  it('refuses names that would not work as command-line words', () => {
    expect(() => scopedRegistry('p').models.add('has space', model('x'))).toThrowError(
      /names use letters, digits/,
    );
    expect(() => scopedRegistry('p').models.add('a/b', model('x'))).toThrowError(
      /names use letters, digits/,
    );
  });

  it("keeps MASE's search space names, words joined by a slash, and finds them by name", () => {
    const space = {
      description: 'a space',
      build: () => ({ space: {}, realize: () => ({ candidate: 0, config: {} }) }),
    };
    scopedRegistry('p').searchSpaces.add('graph/quantize/test_space', space);
    expect(getRegistry().searchSpaces.get('graph/quantize/test_space').plugin).toBe('p');
    expect(() => scopedRegistry('p').searchSpaces.add('graph//x', space)).toThrowError(
      /"\/" between words/,
    );
    expect(() => getRegistry().searchSpaces.get('graph/quantize/test_spac')).toThrowError(
      /did you mean "graph\/quantize\/test_space"/,
    );
  });
});

describe('closestNames', () => {
  it('puts the fewest edits first and also offers names that contain the word', () => {
    expect(closestNames('jsc-tiy', ['jsc', 'jsc-tiny', 'jsc-toy', 'mlp'])).toEqual([
      'jsc-tiny',
      'jsc-toy',
      'jsc',
    ]);
    expect(closestNames('tiny', ['jsc-tiny', 'mlp'])).toEqual(['jsc-tiny']);
    expect(closestNames('zzzzzz', ['jsc-tiny', 'mlp'])).toEqual([]);
  });
});
