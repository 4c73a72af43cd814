import type { Lane } from './layers/layer.js';
import type { ShardLink } from './shard-link.js';

/** Arrays a lane contributes to a sum: float32 gradients, or float64 loss sums. */
export type Summed = Float32Array | Float64Array;

/**
 * How the lanes of one batch meet: the layers and the step call it at every point where the
 * batch's statistics or gradients are the sum of the lanes' parts, and never ask how many lanes
 * there are (as Lightning's `all_reduce` is the identity on one device). Every implementation
 * adds the same float32 values as doubles in lane order, so a step's numbers do not depend on
 * where the lanes ran.
 */
export interface Reducer {
  /** Lanes a batch is split into: 1, or 2. */
  readonly lanes: number;
  /**
   * Replace each array `parts(lane)` lists by its sum over the lanes: in every active lane with
   * `everyLane`, else in the first active lane only.
   */
  sum(active: Lane[], parts: (lane: Lane) => Summed[], everyLane: boolean): void;
  /**
   * Each lane writes its part with `write`; returns lane 0's and lane 1's parts (float64). Only
   * for two lanes.
   */
  gather(
    active: Lane[],
    write: (lane: Lane, part: Float64Array) => void,
  ): [Float64Array, Float64Array];
}

/** One lane: its values are the batch's already. */
export const oneLane: Reducer = {
  lanes: 1,
  sum: () => {},
  gather: () => {
    throw new Error('a one-lane batch has nothing to gather');
  },
};

/** Both lanes of a two-lane batch on this thread. */
export class LanesHere implements Reducer {
  readonly lanes = 2;
  private readonly scratch: [Float64Array, Float64Array];

  /** @param capacity float64 values the largest gathered part holds. */
  constructor(capacity: number) {
    this.scratch = [new Float64Array(capacity), new Float64Array(capacity)];
  }

  sum(active: Lane[], parts: (lane: Lane) => Summed[], everyLane: boolean): void {
    const [into, other] = active.map(parts);
    into.forEach((target, array) => {
      const part = other[array];
      for (let value = 0; value < target.length; value++) target[value] += part[value];
      if (everyLane) part.set(target);
    });
  }

  gather(
    active: Lane[],
    write: (lane: Lane, part: Float64Array) => void,
  ): [Float64Array, Float64Array] {
    active.forEach((lane, index) => write(lane, this.scratch[index]));
    return this.scratch;
  }
}

/** One lane here, the other on the other thread: parts meet over the shared link. */
export class LanesLinked implements Reducer {
  readonly lanes = 2;

  constructor(private readonly link: ShardLink) {}

  sum(active: Lane[], parts: (lane: Lane) => Summed[], everyLane: boolean): void {
    const [first, second] = this.gather(active, (lane, part) => {
      let at = 0;
      for (const array of parts(lane)) {
        part.set(array, at);
        at += array.length;
      }
    });
    for (const lane of everyLane ? active : active.slice(0, 1)) {
      let at = 0;
      for (const array of parts(lane)) {
        for (let value = 0; value < array.length; value++)
          array[value] = first[at + value] + second[at + value];
        at += array.length;
      }
    }
  }

  gather(
    active: Lane[],
    write: (lane: Lane, part: Float64Array) => void,
  ): [Float64Array, Float64Array] {
    write(active[0], this.link.outbox());
    return this.link.exchange();
  }
}
