/**
 * The optimizer hyper-parameters every engine shares (PyTorch's defaults): Adam's and AdamW's
 * betas and epsilon, and SGD's momentum and Nesterov switch when a run does not set them. The
 * fused engine's optimizer and the trainer's tfjs optimizer both read them from here, so the two
 * engines cannot drift apart and a checkpoint's optimizer state means the same to both.
 */
export const OPTIMIZER_DEFAULTS = {
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  momentum: 0.9,
  nesterov: true,
} as const;
