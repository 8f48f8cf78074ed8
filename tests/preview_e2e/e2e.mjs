// End-to-end test of the preview page (`preview serve`) in Debian's
// chromium, headless, driven by playwright-core. Run by
// tests/it/preview_e2e.rs, which starts the server over a copy of
// templates/ and writes the plan: `node e2e.mjs <plan.json>`.
//
// The plan: { url, chromium, shots, cases: [{design, sample, locale, name,
// first, amount, phone}], edit: {file, from, to, expect}, broken: {file,
// content, expect}, hostile: {design, sample, record, name} }.
// Prints one line per check and "E2E <json>" with the figures; exits 1 with
// the reason on the first failure.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const figures = {};
const norm = (s) => String(s || '').replace(/[\u00a0\u202f\u2009]/g, ' ').replace(/\s+/g, ' ');

function fail(why) {
  throw new Error(why);
}
function expectIn(haystack, needle, what) {
  if (!norm(haystack).includes(norm(needle))) {
    fail(`${what}: ${JSON.stringify(needle)} not found in ${JSON.stringify(norm(haystack).slice(0, 600))}`);
  }
}

async function waitFor(page, what, fn, timeout = 30000) {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeout) fail(`timed out waiting for ${what}`);
    await page.waitForTimeout(20);
  }
}

// The email iframe's text (sandboxed, no scripts: read through the browser).
async function emailText(page) {
  const frame = page.frames().find((f) => f !== page.mainFrame());
  if (!frame) return '';
  try {
    return await frame.evaluate(() => document.body ? document.body.innerText : '');
  } catch (e) {
    return '';
  }
}

async function rendered(page, before) {
  await page.waitForFunction((b) => document.body.dataset.rendered && document.body.dataset.rendered !== b, before, { timeout: 30000 });
}
const renderCount = (page) => page.evaluate(() => document.body.dataset.rendered || '');

async function choose(page, select, value) {
  const before = await renderCount(page);
  await page.selectOption(select, value);
  await rendered(page, before);
}

// Picks the design, customer and locale as a marketer would, in the selects.
async function show(page, design, sample, locale) {
  if ((await page.inputValue('#design')) !== design) await choose(page, '#design', design);
  if ((await page.inputValue('#sample')) !== sample) await choose(page, '#sample', sample);
  if ((await page.inputValue('#locale')) !== locale) await choose(page, '#locale', locale);
}

async function checkCase(page, c) {
  const where = `${c.design}/${c.sample}${c.locale ? ' in ' + c.locale : ''}`;
  await show(page, c.design, c.sample, c.locale);
  const error = await page.textContent('#error');
  if (error.trim()) fail(`${where}: the page shows an error: ${error}`);
  const text = await waitFor(page, `${where}: the email`, async () => {
    const t = await emailText(page);
    return norm(t).includes(norm(c.first)) ? t : null;
  });
  expectIn(await page.textContent('#email-to'), c.name, `${where}: the inbox line`);
  expectIn(await page.textContent('#letter-text'), c.name, `${where}: the letter`);
  const alts = await page.$$eval('#pages-list img', (imgs) => imgs.map((i) => i.alt));
  if (alts.length === 0) fail(`${where}: no letter pages`);
  const pages = Number((await page.textContent('#pages')).replace(/\D+/g, ''));
  if (alts.length !== pages) fail(`${where}: ${alts.length} page images for ${pages} pages`);
  expectIn(alts[0], c.name, `${where}: the first page's alt text`);
  const sms = await page.textContent('#sms-text');
  if (c.phone) expectIn(await page.textContent('#sms-to'), c.name, `${where}: the SMS recipient`);
  if (c.amount) {
    expectIn(text, c.amount, `${where}: the email's amount`);
    expectIn(sms, c.amount, `${where}: the SMS's amount`);
    expectIn(await page.textContent('#letter-text'), c.amount, `${where}: the letter's amount`);
  }
  if (c.locale && (await page.evaluate(() => location.hash)).indexOf('locale=' + c.locale) < 0) {
    fail(`${where}: the locale is not kept in the URL`);
  }
  console.log(`ok ${where}: ${c.name}${c.amount ? ', ' + c.amount : ''} in email, SMS and letter (${pages} page${pages === 1 ? '' : 's'})`);
}

// Save a design file and time how long until the page shows it.
async function liveEdit(page, e) {
  await show(page, e.design, e.sample, e.locale);
  const before = fs.readFileSync(e.file, 'utf8');
  if (!before.includes(e.from)) fail(`${e.file} has no ${JSON.stringify(e.from)}`);
  if (norm(await emailText(page)).includes(norm(e.expect))) fail(`the page shows ${JSON.stringify(e.expect)} before the edit`);
  const kept = await page.evaluate(() => location.hash);
  const saved = Date.now();
  fs.writeFileSync(e.file, before.replace(e.from, e.to));
  await waitFor(page, 'the edit to show', async () => norm(await emailText(page)).includes(norm(e.expect)), 60000);
  const ms = Date.now() - saved;
  figures.save_to_update_ms = ms;
  // A figure, not a timed assertion: on a loaded CI machine the render
  // behind the reload can take seconds (the wait above bounds it at 60 s).
  if ((await page.evaluate(() => location.hash)) !== kept) fail(`the live reload lost the view: ${kept}`);
  console.log(`ok live reload: ${path.basename(e.file)} saved, page updated after ${ms} ms, view kept (${kept})`);
}

async function brokenDesign(page, b) {
  const before = fs.readFileSync(b.file, 'utf8');
  const saved = Date.now();
  fs.writeFileSync(b.file, b.content);
  const err = await waitFor(page, 'the design error', async () => {
    const t = await page.textContent('#error');
    return t.includes(b.expect) ? t : null;
  }, 10000);
  figures.error_shown_ms = Date.now() - saved;
  const line = err.split('\n').find((l) => l.includes(b.expect)) || err;
  console.log(`ok broken design: shown after ${figures.error_shown_ms} ms: ${JSON.stringify(line.trim().slice(0, 200))}`);
  await page.screenshot({ path: path.join(plan.shots, 'error.png'), fullPage: false });
  fs.writeFileSync(b.file, before);
  await waitFor(page, 'the error to go', async () => !(await page.textContent('#error')).trim(), 60000);
  console.log('ok broken design: fixed, the error is gone');
}

async function hostile(page, h) {
  await show(page, h.design, h.sample, '');
  const literal = async (how) => {
    const t = await waitFor(page, `${how}: the hostile name`, async () => {
      const t = await emailText(page);
      return norm(t).includes(norm(h.first)) ? t : null;
    });
    expectIn(await page.textContent('#email-to'), h.name, `${how}: the inbox line shows the name literally`);
    // The letter's text is laid out in columns: the markup and the first name, not the whole line.
    expectIn(await page.textContent('#letter-text'), '<script>alert(1)</script>', `${how}: the letter shows the markup literally`);
    expectIn(await page.textContent('#letter-text'), h.first, `${how}: the letter shows the first name literally`);
    const alts = await page.$$eval('#pages-list img', (imgs) => imgs.map((i) => i.alt));
    expectIn(alts[0], h.name, `${how}: the page image's alt text`);
    const injected = await page.$$('main img[src="x"], main script, main [onerror]');
    if (injected.length) fail(`${how}: the record's markup became elements of the page`);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    const inFrame = await frame.evaluate(() => document.querySelectorAll('script, img[src="x"], [onerror]').length);
    if (inFrame) fail(`${how}: the record's markup became elements of the email`);
    console.log(`ok ${how}: shown literally, nothing executed`);
    return t;
  };
  const text = JSON.stringify(h.record, null, 2);
  await page.fill('#record', text);
  let before = await renderCount(page);
  await page.click('#render-record');
  await rendered(page, before);
  await literal('pasted hostile record');
  before = await renderCount(page);
  await page.setInputFiles('#upload', { name: 'hostile.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await rendered(page, before);
  await literal('uploaded hostile record');
  await page.setInputFiles('#upload', { name: 'huge.json', mimeType: 'application/json', buffer: Buffer.alloc(300 * 1024, 32) });
  expectIn(await page.textContent('#error'), '256 KB', 'an oversized upload');
  console.log('ok oversized upload: refused with the limit');
  await page.fill('#record', '{"customer": {,}}');
  before = await renderCount(page);
  await page.click('#render-record');
  await rendered(page, before);
  expectIn(await page.textContent('#error'), 'line 1, column', 'a record that is not JSON');
  console.log('ok broken JSON: shown with line and column');
}

// Edit the customer's name in the form built from the declared fields.
async function form(page, f) {
  await page.click('#back-to-sample');
  await show(page, f.design, f.sample, '');
  const input = page.locator('#form-fields input[data-path="customer.name"]');
  const before = await renderCount(page);
  await input.fill(f.name);
  await input.dispatchEvent('change');
  await rendered(page, before);
  expectIn(await page.textContent('#email-to'), f.name, 'the form edit');
  expectIn(await page.textContent('#letter-text'), f.name, 'the form edit in the letter');
  console.log('ok form: editing customer.name re-renders every channel');
}

async function screenshots(page) {
  await page.setViewportSize({ width: 1280, height: 1000 });
  const designs = await page.$$eval('#design option', (os) => os.map((o) => o.value));
  for (const d of designs) {
    await choose(page, '#design', d);
    await page.waitForFunction(() => document.querySelector('#checks').dataset.done === document.body.dataset.rendered, null, { timeout: 60000 });
    const file = path.join(plan.shots, `preview-${d}.png`);
    // The whole page in one viewport (a fullPage capture leaves the iframe blank).
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: 1280, height: Math.min(height, 4000) });
    await page.waitForTimeout(400);
    await page.screenshot({ path: file });
    await page.setViewportSize({ width: 1280, height: 1000 });
    console.log(`screenshot ${file}`);
  }
  await page.click('[data-scheme="dark"]');
  await page.click('[data-width="375"]');
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(plan.shots, 'preview-dark-375.png'), fullPage: false });
  await page.click('[data-scheme="light"]');
  await page.click('[data-width="600"]');
}

async function main() {
  fs.mkdirSync(plan.shots, { recursive: true });
  const browser = await chromium.launch({ executablePath: plan.chromium, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('dialog', async (d) => {
      figures.dialog = d.message();
      await d.dismiss();
    });
    page.on('pageerror', (e) => { figures.pageerror = String(e); });
    await page.goto(plan.url);
    await page.waitForSelector('body[data-rendered]');
    for (const c of plan.cases) await checkCase(page, c);
    await liveEdit(page, plan.edit);
    await brokenDesign(page, plan.broken);
    await hostile(page, plan.hostile);
    await form(page, plan.form);
    await page.click('#back-to-sample');
    await screenshots(page);
    if (figures.dialog) fail(`a script ran: a dialog said ${JSON.stringify(figures.dialog)}`);
    if (figures.pageerror) fail(`the page's script failed: ${figures.pageerror}`);
  } finally {
    await browser.close();
  }
  console.log('E2E ' + JSON.stringify(figures));
}

main().catch((e) => {
  console.error(`FAILED: ${e.message || e}`);
  process.exit(1);
});
