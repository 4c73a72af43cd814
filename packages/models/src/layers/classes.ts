import type { Tf } from '@machop/core/base';
import { quantizedActivationClass, type QuantizedActivationClass } from './quantized-activation.js';
import { quantizedDenseClass, type QuantizedDenseClass } from './quantized-dense.js';

/** The tfjs layer classes of this package, built from one tfjs namespace. */
export interface LayerClasses {
  QuantizedDense: QuantizedDenseClass;
  QuantizedActivation: QuantizedActivationClass;
}

// One set of classes per tfjs namespace: a subclass must extend the very tfjs it runs on.
const built = new WeakMap<Tf, LayerClasses>();

/**
 * This package's layer classes for the tfjs namespace `tf`, built on first use and registered
 * with tfjs' serialization, so `tf.loadLayersModel` of a checkpoint with quantized layers gives
 * quantized layers back. They register under tfjs' own class names (`Dense`, `Activation`),
 * which they extend without changing a float layer, so plain tfjs loads the same checkpoint as
 * the float model. Classes are built lazily so that importing the package does not load tfjs.
 */
export function layerClasses(tf: Tf): LayerClasses {
  let classes = built.get(tf);
  if (classes === undefined) {
    classes = {
      QuantizedDense: quantizedDenseClass(tf),
      QuantizedActivation: quantizedActivationClass(tf),
    };
    tf.serialization.registerClass(classes.QuantizedDense);
    tf.serialization.registerClass(classes.QuantizedActivation);
    built.set(tf, classes);
  }
  return classes;
}

/**
 * Register this package's layers with tfjs' serialization, for a process that loads a
 * checkpoint (`tf.loadLayersModel`, core's `loadModel`) before it has built any model with
 * {@link buildSequential}; building registers them too.
 */
export function registerLayers(tf: Tf): void {
  layerClasses(tf);
}
