// A person's session in the web console, in Debian's Chromium (headless) driven by playwright-core: no browser is
// downloaded, the system's is given as executablePath. Prints what it saw as one JSON line for ConsoleEndToEndTest
// to judge, and writes a screenshot of each page under SCREENSHOTS.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

// DELETED_JOB: a succeeded job whose result the test marked deleted (its retention over).
const { GATEWAY_URL, TESSERA_API_KEY, CHROMIUM, SCREENSHOTS, DELETED_JOB } = process.env;
for (const [name, value] of Object.entries({ GATEWAY_URL, TESSERA_API_KEY, CHROMIUM, SCREENSHOTS, DELETED_JOB })) {
  if (!value) throw new Error(`${name} is not set`);
}
mkdirSync(SCREENSHOTS, { recursive: true });

const JOB_WAIT_MS = 4 * 60_000;
const seen = { steps: [] };
const step = (name) => { seen.steps.push(name); process.stderr.write(`console: ${name}\n`); };

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  timeout: 60_000,
  // As root (CI containers) Chromium refuses its sandbox; the pages here are the farm's own.
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.setDefaultTimeout(60_000);
const errors = [];
page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
// A refused request is logged by Chromium too (the wrong key's 401 is one): those are judged by their status.
page.on('console', (m) => {
  if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
});
page.on('response', (r) => {
  if (r.status() >= 500 || (r.status() === 404 && r.url().startsWith(GATEWAY_URL))) errors.push(`${r.status()} ${r.url()}`);
});
const urls = [];
page.on('request', (r) => urls.push(r.url()));
try {
  const shot = (name) => page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });

  step('sign-in page');
  await page.goto(`${GATEWAY_URL}/`);
  await page.getByLabel('API key').waitFor();
  seen.lang = await page.evaluate(() => document.documentElement.lang);
  seen.unlabelled = { signIn: await unlabelled(page) };
  seen.focus = await tabThrough(page, 3);
  await shot('sign-in');

  step('a wrong key is refused');
  await page.getByLabel('API key').fill('tsk_not-a-key-of-this-farm');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#sign-in-error:not(:empty)').waitFor();
  seen.wrongKey = await page.locator('#sign-in-error').textContent();

  step('sign in with the keyboard');
  await page.getByLabel('API key').fill(TESSERA_API_KEY);
  await page.getByLabel('API key').press('Enter');
  await page.locator('#who:not(:empty)').waitFor();
  seen.who = await page.locator('#who').textContent();
  seen.storage = await page.evaluate(() => ({
    session: sessionStorage.getItem('tessera.apiKey') !== null,
    local: localStorage.length,
    cookie: document.cookie,
  }));

  step('submit a job');
  await page.waitForURL(/#submit$/);
  await page.locator('#f-model option').first().waitFor({ state: 'attached' });
  await page.getByLabel('Prompt', { exact: true }).fill('a lighthouse at dusk, from the console');
  await page.getByLabel('Seed').fill('42');
  await page.getByLabel('Steps').fill('300');
  await page.getByLabel('Upscale').selectOption('sr');
  seen.unlabelled.submit = await unlabelled(page);
  await shot('submit');
  await page.getByRole('button', { name: 'Submit job' }).click();
  await page.waitForURL(/#jobs$/);
  const first = page.locator('#jobs tbody tr').first();
  await first.waitFor();
  seen.job = (await first.getAttribute('id')).replace(/^job-/, '');

  step('watch its progress bar reach done');
  seen.progress = [];
  const deadline = Date.now() + JOB_WAIT_MS;
  for (;;) {
    const now = await page.locator(`#job-${seen.job}`).evaluate((row) => {
      const bar = row.querySelector('progress');
      return { state: row.dataset.state, value: bar.hasAttribute('value') ? bar.value : null, max: bar.max,
               text: row.querySelector('.progress-text').textContent };
    });
    const last = seen.progress[seen.progress.length - 1];
    if (!last || last.state !== now.state || last.value !== now.value || last.max !== now.max) seen.progress.push(now);
    if (['SUCCEEDED', 'FAILED', 'CANCELED'].includes(now.state)) break;
    if (Date.now() > deadline) throw new Error(`job ${seen.job} did not end: ${JSON.stringify(seen.progress)}`);
    await page.waitForTimeout(100);
  }
  await page.locator(`#job-${seen.job} .timings:not(:empty)`).waitFor();
  seen.timings = await page.locator(`#job-${seen.job} .timings`).textContent();
  seen.unlabelled.jobs = await unlabelled(page);
  await shot('jobs');

  step('the gallery shows its preview');
  await page.getByRole('link', { name: 'Gallery' }).click();
  const thumb = page.locator(`#gallery img[data-job="${seen.job}"]`);
  await thumb.waitFor();
  await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await thumb.elementHandle());
  seen.thumbnail = await thumb.evaluate((img) => ({ src: img.src.slice(0, 5), width: img.naturalWidth, height: img.naturalHeight, alt: img.alt }));
  seen.unlabelled.gallery = await unlabelled(page);
  await shot('gallery');

  step('a deleted result shows its parameters, no image');
  const deletedTile = page.locator('#gallery button').filter({ has: page.locator('.deleted') });
  seen.deleted = { tiles: await deletedTile.count(), text: await deletedTile.first().innerText() };
  await deletedTile.first().click();
  seen.deleted.viewerImageHidden = await page.locator('#viewer-image').isHidden();
  seen.deleted.downloadHidden = await page.locator('#download').isHidden();
  seen.deleted.parameters = await page.locator('#viewer-parameters').innerText();
  await page.keyboard.press('Escape');
  seen.deleted.thumbnailRequested = urls.some((u) => u.includes(`/v1/jobs/${DELETED_JOB}/thumbnail`));

  step('open the image');
  await thumb.click();
  const full = page.locator('#viewer-image');
  await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await full.elementHandle());
  seen.full = await full.evaluate((img) => ({ width: img.naturalWidth, height: img.naturalHeight }));
  seen.parameters = await page.locator('#viewer-parameters').innerText();
  seen.download = await page.locator('#download').getAttribute('href');
  seen.unlabelled.viewer = await unlabelled(page);
  await shot('viewer');

  step('render again with this seed');
  await page.getByRole('button', { name: 'Render again with this seed' }).click();
  await page.waitForURL(/#submit$/);
  seen.again = { seed: await page.getByLabel('Seed').inputValue(), prompt: await page.getByLabel('Prompt', { exact: true }).inputValue() };

  step('cancel a long job');
  await page.getByLabel('Prompt', { exact: true }).fill('a long render to cancel');
  await page.getByLabel('Steps').fill('500');
  await page.getByLabel('Width').fill('768');
  await page.getByLabel('Height').fill('768');
  await page.getByRole('button', { name: 'Submit job' }).click();
  await page.waitForURL(/#jobs$/);
  const newest = page.locator('#jobs tbody tr').first();
  await page.waitForFunction((id) => {
    const row = document.querySelector('#jobs tbody tr');
    return row && row.id !== `job-${id}`;
  }, seen.job);
  seen.cancelled = (await newest.getAttribute('id')).replace(/^job-/, '');
  await page.getByRole('button', { name: `Cancel job ${seen.cancelled.slice(-8)}` }).click();
  await page.locator(`#job-${seen.cancelled}[data-state="CANCELED"]`).waitFor({ timeout: JOB_WAIT_MS });
  await shot('jobs-cancelled');

  step('a batch with a bad line shows its errors by line');
  await page.getByRole('link', { name: 'Submit', exact: true }).click();
  const lines = [
    { custom_id: 'one', prompt: 'a quiet harbour', steps: 3 },
    { custom_id: 'two', prompt: 'a windmill', steps: 3 },
    { custom_id: 'three', prompt: 'a bridge', steps: 9999 },
  ].map((l) => JSON.stringify(l)).join('\n') + '\n';
  await page.getByLabel('Prompts file (JSON Lines or CSV)').setInputFiles({ name: 'prompts.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(lines) });
  await page.getByRole('button', { name: 'Upload batch' }).click();
  await page.locator('#batch-errors tr.error-line').first().waitFor();
  seen.batchErrors = await page.locator('#batch-errors tr.error-line').evaluateAll((rows) => rows.map((r) => ({
    line: Number(r.dataset.line), field: r.cells[1].textContent, problem: r.cells[2].textContent, text: r.cells[3].textContent })));
  await shot('batch-errors');

  step('a good CSV batch is accepted and watched');
  const csv = 'custom_id,prompt,steps,upscale\nc1,"a field, in rain",3,none\nc2,a harbour at night,3,none\n';
  await page.getByLabel('Prompts file (JSON Lines or CSV)').setInputFiles({ name: 'prompts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload batch' }).click();
  await page.waitForURL(/#jobs$/);
  await page.locator('#batches tbody tr[data-state="completed"]').waitFor({ timeout: JOB_WAIT_MS });
  seen.batch = await page.locator('#batches tbody tr[data-state="completed"]').first().innerText();
  await shot('jobs-batch');

  step('the operator board');
  await page.getByRole('link', { name: 'Operator' }).click();
  await page.locator('#workers tr[data-worker]').first().waitFor();
  seen.board = {
    workers: await page.locator('#workers tr[data-worker]').count(),
    throughput: await page.locator('#throughput svg').getAttribute('aria-label'),
    stages: await page.locator('#stages table').innerText(),
    tenants: await page.locator('#tenants table').innerText(),
  };
  seen.unlabelled.operator = await unlabelled(page);
  await shot('operator');

  step('sign out forgets the key');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API key').waitFor();
  seen.afterSignOut = await page.evaluate(() => sessionStorage.getItem('tessera.apiKey'));

  seen.keyInUrl = urls.some((u) => u.includes(TESSERA_API_KEY));
  seen.errors = errors;
} catch (e) {
  // What the page showed when a step failed, for the test's report.
  await page.screenshot({ path: `${SCREENSHOTS}/failure.png`, fullPage: true }).catch(() => {});
  const status = await page.locator('#status').textContent().catch(() => '?');
  process.stderr.write(`errors: ${JSON.stringify(errors)}\nfailed at "${seen.steps.at(-1)}"; page status: ${status}\nseen: ${JSON.stringify(seen)}\n`);
  throw e;
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));

/** Visible controls without an accessible name (label, aria-label(ledby), text or alt), described for a report. */
function unlabelled(page) {
  return page.evaluate(() => {
    const visible = (e) => e.offsetParent !== null || e.getClientRects().length > 0;
    const named = (e) => {
      if (e.getAttribute('aria-label')?.trim()) return true;
      const by = e.getAttribute('aria-labelledby');
      if (by && by.split(' ').some((id) => document.getElementById(id)?.textContent.trim())) return true;
      if (e.labels && [...e.labels].some((l) => l.textContent.trim())) return true;
      if (['BUTTON', 'A'].includes(e.tagName)) {
        return Boolean(e.textContent.trim() || [...e.querySelectorAll('img')].some((i) => i.alt.trim()));
      }
      return false;
    };
    const controls = [...document.querySelectorAll('input, select, textarea, button, a[href], progress')].filter(visible);
    const images = [...document.querySelectorAll('img')].filter(visible).filter((i) => !i.hasAttribute('alt'));
    return [...controls.filter((e) => !named(e)), ...images]
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className ? `.${e.className}` : ''}`);
  });
}

/** Tabs through the page from its start: each stop's element and its focus outline. */
async function tabThrough(page, stops) {
  await page.evaluate(() => document.activeElement?.blur());
  const seenStops = [];
  for (let i = 0; i < stops; i++) {
    await page.keyboard.press('Tab');
    seenStops.push(await page.evaluate(() => {
      const e = document.activeElement;
      const style = getComputedStyle(e);
      return { element: `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}`, text: (e.textContent || '').trim().slice(0, 30),
               outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    }));
  }
  return seenStops;
}
