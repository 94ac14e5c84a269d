// Builds dist/: the page's own files from src/, plus Chart.js vendored from node_modules (installed by `npm ci` from
// package-lock.json, so the exact version is pinned and nothing from node_modules is committed).
import { cpSync, mkdirSync, rmSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
// chart.js's exports map hides package.json from require.resolve, so its folder is taken as npm installs it.
const chartDir = join(here, 'node_modules', 'chart.js');
const chartVersion = JSON.parse(readFileSync(join(chartDir, 'package.json'), 'utf8')).version;

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'vendor'), { recursive: true });
cpSync(join(here, 'src'), dist, { recursive: true });
copyFileSync(join(chartDir, 'dist', 'chart.umd.min.js'), join(dist, 'vendor', 'chart.umd.min.js'));
copyFileSync(join(chartDir, 'LICENSE.md'), join(dist, 'vendor', 'chart.js-LICENSE.md'));
writeFileSync(join(dist, 'vendor', 'VERSIONS.json'), JSON.stringify({ 'chart.js': chartVersion }, null, 2) + '\n');
console.log(`dashboard: built ${dist} (chart.js ${chartVersion})`);
