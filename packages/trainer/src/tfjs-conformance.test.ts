// The engine conformance suite of @machop/core/testing, which every engine runs: here tfjs.
import { tf } from '@machop/core';
import { describeEngineConformance } from '@machop/core/testing';
import { buildSequential } from '@machop/models';
import { setUp } from '../fixtures/helpers.js';
import { TfjsEngine } from './tfjs-engine.js';

describeEngineConformance('tfjs', {
  setup: setUp,
  create: ({ layers, features, seed, optimizer }) =>
    new TfjsEngine(buildSequential(layers, { features, seed, tf }), optimizer),
});
