/** OpenML id of `hls4ml_lhc_jets_hlf`, the JSC high-level features. */
export const JSC_OPENML_ID = 42468;

/** The 16 high-level jet features, in hls4ml's order. */
export const JSC_FEATURES: readonly string[] = [
  'j_zlogz',
  'j_c1_b0_mmdt',
  'j_c1_b1_mmdt',
  'j_c1_b2_mmdt',
  'j_c2_b1_mmdt',
  'j_c2_b2_mmdt',
  'j_d2_b1_mmdt',
  'j_d2_b2_mmdt',
  'j_d2_a1_b1_mmdt',
  'j_d2_a1_b2_mmdt',
  'j_m2_b1_mmdt',
  'j_m2_b2_mmdt',
  'j_n2_b1_mmdt',
  'j_n2_b2_mmdt',
  'j_mass_mmdt',
  'j_multiplicity',
];

/**
 * The 5 jet classes, indexed as MASE orders them (gluon, light quark, W, Z, top). The mapping
 * from file labels is explicit, so the file's own order (OpenML declares g, q, t, w, z) does not
 * change the class indices.
 */
export const JSC_CLASSES: readonly string[] = ['g', 'q', 'w', 'z', 't'];

export const JSC_DESCRIPTION =
  'hls4ml LHC jet substructure: 16 high-level features, 5 classes (g, q, w, z, t), ~830k jets (OpenML 42468)';
