// Bundles the CLI and the library with esbuild. Dependencies stay external (installed by npm).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts', 'lab-service': 'src/lab/service/main.ts' },
  outdir: 'dist',
});
