// The workspace's rules, minus assembly/: AssemblyScript (f32x4, load<f32>) is compiled by asc,
// not by TypeScript, so the type-checked rules cannot read it.
import workspace from '../../eslint.config.mjs';

export default [{ ignores: ['assembly/**'] }, ...workspace];
