import { describe, expect, it } from 'vitest';
import { formatTable } from './table.js';

const header = ['NAME', 'PLUGIN', 'DESCRIPTION'];
const rows = [
  ['jsc-tiny', '@machop/models', "MASE's JSC-Tiny: BN, ReLU, Linear, ReLU; 117 params on jsc"],
  ['mlp', '@machop/models', 'Configurable MLP'],
];

describe('formatTable', () => {
  it('pads columns to their widest cell and keeps every cell whole without a width', () => {
    expect(formatTable(header, rows).split('\n')).toEqual([
      'NAME      PLUGIN          DESCRIPTION',
      "jsc-tiny  @machop/models  MASE's JSC-Tiny: BN, ReLU, Linear, ReLU; 117 params on jsc",
      'mlp       @machop/models  Configurable MLP',
      '',
    ]);
  });

  it('cuts only the last column to the width, ending a cut cell in an ellipsis', () => {
    const lines = formatTable(header, rows, { width: 50 }).trimEnd().split('\n');
    expect(lines).toEqual([
      'NAME      PLUGIN          DESCRIPTION',
      "jsc-tiny  @machop/models  MASE's JSC-Tiny: BN, Re…",
      'mlp       @machop/models  Configurable MLP',
    ]);
    expect(Math.max(...lines.map((line) => line.length))).toBe(50);
  });

  it('right-aligns the columns asked for', () => {
    expect(
      formatTable(
        ['K', 'N'],
        [
          ['a', '7'],
          ['b', '120'],
        ],
        { align: ['left', 'right'] },
      ),
    ).toBe('K    N\na    7\nb  120\n');
  });
});
