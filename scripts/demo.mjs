// `npm run demo`: builds and packages the extension, starts moto seeded with the seed document's
// starting point (a VPC, an app-server EC2 instance, an Aurora MySQL cluster with two instances),
// and a real VS Code (code-server) with the .vsix installed and pointed at it. Prints the URL.
//
//   npm run demo                 local emulator (moto) unless --aws is given
//   npm run demo -- --aws        your own AWS account instead (AWS_PROFILE / AWS_REGION or the default profile)
//   npm run demo -- --port 8080  the port for VS Code (default 8080, or a free one)
//   npm run demo -- --smoke      start everything, check the workbench answers, then stop (used by tests)
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const useAws = argv.includes('--aws');
const smoke = argv.includes('--smoke');
const portArg = argv.includes('--port') ? Number(argv[argv.indexOf('--port') + 1]) : undefined;

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const sh = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit', env: process.env });

console.log('[demo] installing what VS Code and the emulator need (skipped when present)…');
sh('bash scripts/install-test-deps.sh');
if (!fs.existsSync(path.join(root, 'node_modules', '.bin', 'esbuild'))) sh('npm ci --no-audit --no-fund');
console.log('[demo] building and packaging the extension…');
sh('npm run --silent build -- --production');
sh('npm run --silent compile-tests');
sh('npx vsce package --no-dependencies --no-rewrite-relative-links --out aurora-sg.vsix');

const { startMoto, motoEnv, freePort } = require(path.join(root, 'out/test/harness/moto.js'));
const { seedScenarioStart } = require(path.join(root, 'out/test/harness/seed.js'));
const { startCodeServer } = require(path.join(root, 'out/test/harness/codeServer.js'));
const { startFaultProxy } = require(path.join(root, 'out/test/harness/faultProxy.js'));

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aurora-sg-demo-'));
const workspace = path.join(scratch, 'workspace');
fs.mkdirSync(workspace, { recursive: true });
fs.writeFileSync(path.join(workspace, 'README.md'), '# Aurora Security Groups demo\n\nOpen the shield icon in the activity bar.\n');

let moto;
let awsRules;
let env = {};
let settings = {};
const region = process.env.AWS_REGION ?? 'us-east-1';
if (useAws) {
  console.log(`[demo] using your AWS account (profile ${process.env.AWS_PROFILE ?? 'default'}, Region ${region})`);
  settings = { 'auroraSg.regions': [region], ...(process.env.AWS_PROFILE ? { 'auroraSg.profile': process.env.AWS_PROFILE } : {}) };
} else {
  moto = await startMoto();
  const ids = await seedScenarioStart(moto.url, region);
  console.log(
    `[demo] moto at ${moto.url}, seeded: VPC ${ids.vpcId}, app server ${ids.appServerInstanceId}, Aurora MySQL cluster ${ids.clusterId} (${ids.clusterInstanceIds.join(', ')})`,
  );
  // The extension talks to moto through the AWS-rules layer (test/harness/awsRules.ts), as in the
  // tests: it refuses what AWS refuses and answers the calls moto cannot (stale rules, references).
  awsRules = await startFaultProxy(moto.url);
  env = motoEnv(moto.url, scratch);
  settings = { 'auroraSg.endpoint': awsRules.url, 'auroraSg.regions': [region] };
}

let port = portArg;
if (!port) {
  port = 8080;
  const net = await import('node:net');
  const busy = await new Promise((resolve) => {
    const s = net
      .createServer()
      .once('error', () => resolve(true))
      .once('listening', () => s.close(() => resolve(false)));
    s.listen(port, '127.0.0.1');
  });
  if (busy) port = await freePort();
}
const cs = await startCodeServer({ workspace, settings, env, scratchDir: scratch, port, vsix: path.join(root, 'aurora-sg.vsix') });
const url = `${cs.url}/?folder=${encodeURIComponent(workspace)}`;

const stop = async () => {
  await cs.stop();
  await awsRules?.close();
  await moto?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
};

if (smoke) {
  const r = await fetch(url);
  const ok = r.ok && (await r.text()).includes('workbench');
  const installed = fs.readdirSync(cs.extensionsDir).some((d) => d.startsWith('aurora-sg.aurora-sg-'));
  console.log(`[demo] smoke: workbench ${ok ? 'answers' : 'DID NOT ANSWER'}, extension ${installed ? 'installed' : 'NOT INSTALLED'}`);
  await stop();
  process.exit(ok && installed ? 0 : 1);
}

console.log('\n  VS Code with Aurora Security Groups is running. Open:\n');
console.log(`    ${url}\n`);
console.log('  Then click the shield icon in the activity bar. Press Ctrl+C to stop.\n');
process.on('SIGINT', () => void stop().then(() => process.exit(0)));
process.on('SIGTERM', () => void stop().then(() => process.exit(0)));
