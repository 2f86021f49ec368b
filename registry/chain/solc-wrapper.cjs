#!/usr/bin/env node
// Answers py-solc-x as if it were a native solc, using the npm `solc` package (WebAssembly).
// Supported calls: `--version` and `--standard-json` (input on stdin, output on stdout).
// Other flags py-solc-x may add (--allow-paths, --base-path, ...) are accepted and ignored:
// every source is passed inline and imports are served by the callback below.
'use strict';

const fs = require('fs');
const path = require('path');

function findNodeModules() {
  if (process.env.DATARIGHTS_NODE_MODULES) return path.resolve(process.env.DATARIGHTS_NODE_MODULES);
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules');
      if (fs.existsSync(path.join(candidate, 'solc', 'package.json'))) return candidate;
      if (path.dirname(dir) === dir) break;
    }
  }
  process.stderr.write('solc-wrapper: no node_modules with the solc package found; set DATARIGHTS_NODE_MODULES\n');
  process.exit(2);
}

const nodeModules = findNodeModules();
const repoRoot = path.dirname(nodeModules);
const solc = require(path.join(nodeModules, 'solc'));

function importCallback(importPath) {
  const roots = importPath.startsWith('@')
    ? [nodeModules]
    : [process.env.DATARIGHTS_SOURCE_ROOT, repoRoot, nodeModules].filter(Boolean);
  for (const root of roots) {
    const file = path.resolve(root, importPath);
    if (fs.existsSync(file) && fs.statSync(file).isFile()) {
      return { contents: fs.readFileSync(file, 'utf8') };
    }
  }
  return { error: `File not found: ${importPath} (searched ${roots.join(', ')})` };
}

const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write('solc, the solidity compiler commandline interface\n');
  process.stdout.write(`Version: ${solc.version()}\n`);
} else if (args.includes('--standard-json')) {
  const input = fs.readFileSync(0, 'utf8');
  process.stdout.write(solc.compile(input, { import: importCallback }));
  process.stdout.write('\n');
} else {
  process.stderr.write(`solc-wrapper: unsupported arguments: ${args.join(' ')}\n`);
  process.exit(2);
}
