// The preview's caniemail check: reads one email's HTML on stdin and prints
// what Gmail, Outlook, Apple Mail and Yahoo do not support, by family, from
// the caniemail database (@jsx-email/doiuse-email, installed by `npm ci` in
// the folder given as the argument: tests/email_lint).
//
//   node lint.mjs <tests/email_lint> < email.html
//   -> { "total": N, "families": { "gmail": [{ "feature": "...", "clients": [...] }], ... } }
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const FAMILIES = ['gmail', 'outlook', 'apple-mail', 'yahoo'];
const ERROR = /^`(.+)` is not supported by `([^`]+)`/;

async function main() {
  const dir = process.argv[2];
  const require = createRequire(path.join(path.resolve(dir), 'package.json'));
  let entry;
  try {
    entry = require.resolve('@jsx-email/doiuse-email');
  } catch (e) {
    process.stderr.write(`the caniemail packages are not installed: run \`npm ci\` in ${dir}\n`);
    process.exit(3);
  }
  const mjs = entry.replace(/index\.js$/, 'index.mjs');
  const { doIUseEmail } = await import(pathToFileURL(fs.existsSync(mjs) ? mjs : entry).href);
  const html = fs.readFileSync(0, 'utf8');
  const result = doIUseEmail(html, { emailClients: FAMILIES.map((f) => `${f}.*`) });
  const errors = result.success ? [] : result.errors;
  const families = Object.fromEntries(FAMILIES.map((f) => [f, new Map()]));
  for (const e of errors) {
    const m = ERROR.exec(e);
    const feature = m ? m[1] : e;
    const client = m ? m[2] : 'unknown';
    const family = FAMILIES.find((f) => client.startsWith(f + '.'));
    if (!family) continue;
    const clients = families[family].get(feature) || new Set();
    clients.add(client);
    families[family].set(feature, clients);
  }
  const out = { total: errors.length, families: {} };
  for (const f of FAMILIES) {
    out.families[f] = [...families[f]].map(([feature, clients]) => ({ feature, clients: [...clients].sort() }));
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});
