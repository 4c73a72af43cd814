/** `count` and `noun`, the noun plural unless the count is one: `1 worker`, `2 workers`. */
export function counted(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}
