import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "machop",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
  },
});
