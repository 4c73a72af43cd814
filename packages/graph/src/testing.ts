/**
 * Test support for engines: the PyTorch fixture of MASE's integer quantizer and of quantized
 * jsc-tiny and jsc-custom (written by `fixtures/make-quant-fixture.py`, shipped with the package).
 *
 * @packageDocumentation
 */
export {
  readQuantFixture,
  type QuantFixture,
  type FixtureCase,
  type FixtureWeight,
} from './fixture.js';
