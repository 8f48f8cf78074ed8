// Lints emails against the caniemail database (@jsx-email/doiuse-email)
// for the clients vellum cares about, and renders the MJML yardstick.
//
//   node check.mjs lint <file.html>...      one JSON object on stdout:
//       { "<file>": { "errors": N, "clients": {client: N}, "features": {feature: N} } }
//   node check.mjs mjml <file.mjml> <out.html>   renders MJML (then lint the output)
//
// Run by tests/it/email_lint.rs; `npm ci` in this folder installs what it needs.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { doIUseEmail } from '@jsx-email/doiuse-email';

export const CLIENTS = ['gmail.*', 'outlook.*', 'apple-mail.*', 'yahoo.*'];

// One error message per use of a feature a client does not support:
// "`opacity` is not supported by `yahoo.android`".
const ERROR = /^`(.+)` is not supported by `([^`]+)`/;

export function lint(html) {
  const result = doIUseEmail(html, { emailClients: CLIENTS });
  const errors = result.success ? [] : result.errors;
  const clients = {};
  const features = {};
  for (const e of errors) {
    const m = ERROR.exec(e);
    const client = m ? m[2] : 'unknown';
    const feature = m ? m[1] : e;
    clients[client] = (clients[client] || 0) + 1;
    features[feature] = (features[feature] || 0) + 1;
  }
  return { errors: errors.length, clients, features };
}

async function main() {
  const [cmd, ...args] = process.argv.slice(2);
  if (cmd === 'lint' && args.length > 0) {
    const out = {};
    for (const f of args) out[f] = lint(fs.readFileSync(f, 'utf8'));
    process.stdout.write(JSON.stringify(out, null, 1) + '\n');
  } else if (cmd === 'mjml' && args.length === 2) {
    const require = createRequire(import.meta.url);
    const mjml = require('mjml');
    const version = require('mjml/package.json').version;
    // `fonts: {}`: MJML would otherwise add a Google Fonts <link> and
    // @import for the Roboto in the brand's system font stack (9 errors each);
    // without them its figure is lower, the stricter yardstick.
    let r = mjml(fs.readFileSync(args[0], 'utf8'), { validationLevel: 'strict', fonts: {} });
    if (r && typeof r.then === 'function') r = await r;
    fs.writeFileSync(args[1], r.html);
    process.stdout.write(JSON.stringify({ mjml: version }) + '\n');
  } else {
    process.stderr.write('usage: node check.mjs lint <file.html>... | mjml <in.mjml> <out.html>\n');
    process.exit(2);
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});
