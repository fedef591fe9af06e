import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@litewal/source'] } },
  test: { include: ['test/**/*.test.ts'] },
});
