// Runs before `npm start`, `npm test` and the other scripts (npm's pre-scripts), in plain JavaScript
// so that it runs on any Node: the project's own files are TypeScript run natively, which needs
// Node.js 24, and an older Node would fail on them with an error that does not say why.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(
    `Node.js 24 or newer is needed (found v${process.versions.node}). Get it with nvm (\`nvm install\`, which reads .nvmrc), ` +
      'or without a version manager: `npm install --prefix .tools/node24 node@24 && export PATH="$PWD/.tools/node24/node_modules/.bin:$PATH"`.',
  );
  process.exit(1);
}
