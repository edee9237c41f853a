// Two bundles: dist/extension.js (activation; no AWS SDK code) and dist/aws.js (the AWS layer,
// loaded on the first AWS call). `--main-fields=module,main` lets esbuild tree-shake the SDK's ES modules.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** extension.ts reaches the AWS layer only through `require('./aws/index')`: keep that a separate file. */
const awsExternal = {
  name: 'aws-layer-external',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/(.*\/)?aws\/index$/ }, () => ({ path: './aws.js', external: true }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  mainFields: ['module', 'main'],
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
};

const contexts = [
  await esbuild.context({
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    plugins: [awsExternal],
    // Mark when the bundle starts and ends loading, so activation time includes module evaluation.
    banner: { js: 'var __auroraSgLoadStart = typeof performance !== "undefined" ? performance.now() : undefined;' },
    footer: { js: 'var __auroraSgLoadEnd = typeof performance !== "undefined" ? performance.now() : undefined;' },
  }),
  await esbuild.context({ ...common, entryPoints: { aws: 'src/aws/index.ts' }, outdir: 'dist' }),
];
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  for (const c of contexts) {
    const r = await c.rebuild();
    const name = Object.keys(r.metafile.outputs).find((f) => f.endsWith('.js'));
    fs.writeFileSync(name.replace(/\.js$/, '.meta.json'), JSON.stringify(r.metafile));
    for (const [file, info] of Object.entries(r.metafile.outputs)) {
      if (file.endsWith('.js')) console.log(`[build] ${file} ${(info.bytes / 1024).toFixed(1)} KiB`);
    }
    await c.dispose();
  }
}
