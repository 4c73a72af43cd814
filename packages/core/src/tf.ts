// The one TensorFlow.js namespace every Machop.ts package and plugin uses: core ops plus layers.
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
