// The one TensorFlow.js namespace every Machop.ts package and plugin uses: core ops plus layers.
// Layers' names are listed rather than star-exported so that declaration bundling can tell which
// package each name comes from.
export * from '@tensorflow/tfjs-core';
export {
  CallbackList,
  CustomCallback,
  History,
  Callback,
  callbacks,
  EarlyStopping,
  InputSpec,
  SymbolicTensor,
  LayersModel,
  input,
  loadLayersModel,
  model,
  registerCallbackConstructor,
  sequential,
  RNN,
  Sequential,
  LayerVariable,
  version_layers,
  constraints,
  initializers,
  layers,
  metrics,
  models,
  regularizers,
} from '@tensorflow/tfjs-layers';
export type {
  CustomCallbackArgs,
  EarlyStoppingCallbackArgs,
  ModelCompileArgs,
  ModelEvaluateArgs,
  ModelFitDatasetArgs,
  ModelFitArgs,
  ClassWeight,
  ClassWeightMap,
  Shape,
  Logs,
  ModelAndWeightsConfig,
  SequentialArgs,
} from '@tensorflow/tfjs-layers';
