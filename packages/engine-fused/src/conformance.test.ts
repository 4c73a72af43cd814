// The engine conformance suite of @machop/core/testing, which every engine runs.
import { describeEngineConformance } from '@machop/core/testing';
import { FusedEngine } from './fused-engine.js';

describeEngineConformance('fused', { create: (request) => new FusedEngine(request) });
describeEngineConformance('fused on two threads', {
  create: (request) => new FusedEngine({ ...request, threads: 2 }),
});
