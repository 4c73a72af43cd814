/** A publishable workspace package and the workspace packages it needs at install time. */
export interface PublishEntry {
  name: string;
  version: string;
  dir: string;
  needs: string[];
}

export function publishOrder(root: string): PublishEntry[];
