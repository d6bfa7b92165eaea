// Tessera's web console: one hand-written ES module, no build step and no third-party code.
// It calls the gateway's own JSON API with the tenant's key in the Authorization header; the key lives in this
// tab's sessionStorage only (never in a URL, a cookie or a log). Everything shown is built with DOM calls and
// textContent, never from HTML strings, so a prompt cannot inject markup.

const KEY = 'tessera.apiKey';
const ENDED = new Set(['SUCCEEDED', 'FAILED', 'CANCELED']);
const MAX_STREAMS = 4; // a browser opens about 6 connections per origin; leave room for the other requests
const POLL_MS = 3000;
const BOARD_MS = 5000;
const SVG = 'http://www.w3.org/2000/svg';

const $ = (selector) => document.querySelector(selector);

/** An element with attributes (on* never used) and children (strings become text). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

function say(text, isError = false) {
  const status = $('#status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

// Job ids are UUIDv7: their first digits are a timestamp shared by jobs of the same moment, their last ones random.
const shortId = (id) => (id ? id.slice(-8) : '');
const seconds = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`);

function since(iso, until = Date.now()) {
  const s = Math.max(0, Math.round((until - Date.parse(iso)) / 1000));
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

// ---------------------------------------------------------------- the API

class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** fetch() with the key; a 401 signs out (the key was revoked, or mistyped). */
async function api(path, options = {}) {
  const key = sessionStorage.getItem(KEY);
  if (!key) throw new ApiError(401, { detail: 'not signed in' });
  const headers = new Headers(options.headers || {});
  headers.set('Authorization', `Bearer ${key}`);
  // Answers are read fresh; a caller that may use the browser's cache (previews) says so.
  const response = await fetch(path, { cache: 'no-store', ...options, headers });
  if (response.status === 401) {
    signOut('The API key was refused (unknown or revoked). Sign in again.');
  }
  return response;
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return { title: response.statusText, detail: `HTTP ${response.status}` };
  }
}

async function json(path, options) {
  const response = await api(path, options);
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return response.json();
}

/**
 * Follows a server-sent event stream with fetch(), since EventSource cannot send the Authorization header.
 * Calls onEvent(name, data) per event; resolves when the server ends the stream.
 */
async function follow(path, onEvent, signal) {
  const response = await api(path, { headers: { Accept: 'text/event-stream' }, signal });
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue; // keep-alive comment
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') name = text;
        else if (field === 'data') data.push(text);
      }
      if (data.length) onEvent(name, JSON.parse(data.join('\n')));
    }
  }
}

// ---------------------------------------------------------------- signing in, pages

let me = null;
let leavePage = () => {};

function signOut(message = '') {
  sessionStorage.removeItem(KEY);
  me = null;
  stopStreams();
  $('#nav').hidden = true;
  $('#sign-out').hidden = true;
  $('#who').textContent = '';
  $('#sign-in-error').textContent = message;
  location.hash = '#sign-in';
  route();
}

async function signIn(event) {
  event.preventDefault();
  const input = $('#api-key');
  const key = input.value.trim();
  if (!key) {
    $('#sign-in-error').textContent = 'Enter your API key.';
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  sessionStorage.setItem(KEY, key);
  input.value = '';
  try {
    await welcome();
    location.hash = '#submit';
  } catch (e) {
    sessionStorage.removeItem(KEY);
    input.setAttribute('aria-invalid', 'true');
    $('#sign-in-error').textContent = `Sign-in failed: ${e.message}`;
    input.focus();
  }
}

async function welcome() {
  me = await json('/v1/me');
  $('#api-key').removeAttribute('aria-invalid');
  $('#sign-in-error').textContent = '';
  $('#who').textContent = `Signed in as ${me.tenant}${me.operator ? ' (operator)' : ''}`;
  $('#nav').hidden = false;
  $('#nav-operator').hidden = !me.operator;
  $('#sign-out').hidden = false;
  await loadModels();
}

const PAGES = {
  'sign-in': { enter: () => {} },
  submit: { enter: () => {} },
  jobs: { enter: enterJobs },
  gallery: { enter: enterGallery },
  operator: { enter: enterOperator },
};

function route() {
  let page = location.hash.replace(/^#/, '') || 'submit';
  if (!PAGES[page]) page = 'submit';
  if (!sessionStorage.getItem(KEY) || !me) page = 'sign-in';
  if (page === 'operator' && !me.operator) page = 'submit';
  leavePage();
  leavePage = () => {};
  for (const name of Object.keys(PAGES)) $(`#page-${name}`).hidden = name !== page;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === `#${page}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `Tessera console: ${$(`#page-${page} h2`).textContent}`;
  const result = PAGES[page].enter();
  if (result && result.catch) result.catch((e) => say(e.message, true));
}

// ---------------------------------------------------------------- submit

async function loadModels() {
  const select = $('#f-model');
  if (select.options.length) return;
  const list = await json('/v1/models');
  const aliases = new Set(['dall-e-2', 'dall-e-3', 'gpt-image-1']);
  for (const model of list.data.filter((m) => !aliases.has(m.id))) {
    select.append(el('option', { value: model.id, text: model.id }));
  }
}

function clearFieldErrors(form) {
  for (const field of form.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
  for (const note of form.querySelectorAll('.field-error')) {
    const field = document.getElementById(note.id.replace(/-error$/, ''));
    if (field) {
      const rest = (field.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && id !== note.id);
      if (rest.length) field.setAttribute('aria-describedby', rest.join(' '));
      else field.removeAttribute('aria-describedby');
    }
    note.remove();
  }
}

const NUMBERS = ['seed', 'steps', 'guidance', 'width', 'height', 'priority'];

function jobBody(form) {
  const body = { prompt: form.prompt.value };
  if (form.negative_prompt.value) body.negative_prompt = form.negative_prompt.value;
  for (const name of NUMBERS) {
    const text = form[name].value.trim();
    if (text !== '') body[name] = Number(text);
  }
  body.scheduler = form.scheduler.value;
  body.karras = form.karras.checked;
  body.upscale = form.upscale.value;
  if (form.model.value) body.model = form.model.value;
  return body;
}

async function submitJob(event) {
  event.preventDefault();
  const form = event.target;
  const summary = $('#job-errors');
  clearFieldErrors(form);
  summary.replaceChildren();
  if (!form.prompt.value.trim()) {
    markField('prompt', 'Write a prompt.');
    summary.append(el('p', { text: 'The job was not submitted: write a prompt.' }));
    $('#f-prompt').focus();
    return;
  }
  $('#submit-job').disabled = true;
  try {
    const response = await api('/v1/jobs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(jobBody(form)),
    });
    if (response.status === 202) {
      const job = await response.json();
      say(`Job ${shortId(job.id)} queued (seed ${job.request.seed}). Follow it under Jobs.`);
      location.hash = '#jobs';
      return;
    }
    const problem = await problemOf(response);
    summary.append(el('p', { text: `The job was not submitted: ${problem.detail || problem.title}` }));
    const list = el('ul');
    for (const error of problem.errors || []) {
      markField(error.field, error.detail);
      list.append(el('li', { text: `${error.field}: ${error.detail}` }));
    }
    if (list.children.length) summary.append(list);
    const first = form.querySelector('[aria-invalid="true"]');
    if (first) first.focus();
  } catch (e) {
    summary.append(el('p', { text: `The job was not submitted: ${e.message}` }));
  } finally {
    $('#submit-job').disabled = false;
  }
}

function markField(name, detail) {
  const field = document.getElementById(`f-${name}`);
  if (!field) return;
  field.setAttribute('aria-invalid', 'true');
  const note = el('span', { class: 'field-error', id: `f-${name}-error`, text: detail });
  field.closest('.field').append(note);
  const described = field.getAttribute('aria-describedby');
  field.setAttribute('aria-describedby', described ? `${described} ${note.id}` : note.id);
}

/** Fills the form with a job's request (its seed included) and opens the submit page. */
function renderAgain(request) {
  const form = $('#job-form');
  form.prompt.value = request.prompt || '';
  form.negative_prompt.value = request.negative_prompt || '';
  for (const name of NUMBERS) if (request[name] !== undefined && request[name] !== null) form[name].value = request[name];
  for (const name of ['scheduler', 'upscale', 'model']) if (request[name]) form[name].value = request[name];
  form.karras.checked = Boolean(request.karras);
  location.hash = '#submit';
  say(`The form holds that job's settings and seed ${request.seed}: submit to render it again.`);
  $('#f-prompt').focus();
}

// ---------------------------------------------------------------- batches: JSON Lines or CSV

/** CSV (RFC 4180: quoted fields, doubled quotes, newlines in quotes) as records with their first line's number. */
function parseCsv(text) {
  const records = [];
  let record = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else { if (c === '\n') line++; field += c; }
    } else if (c === '"') quoted = true;
    else if (c === ',') { record.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push({ line: start, cells: record });
      record = []; field = ''; line++; start = line;
    } else field += c;
  }
  if (field !== '' || record.length) { record.push(field); records.push({ line: start, cells: record }); }
  return records.filter((r) => r.cells.some((cell) => cell.trim() !== ''));
}

/** A CSV file as JSON Lines, with the CSV line each JSON line came from. */
function csvToJsonLines(text) {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new Error('the CSV file is empty');
  const names = header.cells.map((n) => n.trim());
  const lines = [];
  const origin = [];
  for (const row of rows) {
    const job = {};
    names.forEach((name, i) => {
      const value = (row.cells[i] ?? '').trim();
      if (value === '' || !name) return;
      if (NUMBERS.includes(name) && /^-?\d+(\.\d+)?$/.test(value)) job[name] = Number(value);
      else if (name === 'karras' && /^(true|false)$/i.test(value)) job[name] = value.toLowerCase() === 'true';
      else if (/^[[{]/.test(value)) { try { job[name] = JSON.parse(value); } catch { job[name] = value; } }
      else job[name] = value;
    });
    lines.push(JSON.stringify(job));
    origin.push(row.line);
  }
  return { body: lines.join('\n') + '\n', lineOf: (n) => origin[n - 1], fileLines: text.split(/\r?\n/) };
}

async function uploadBatch(event) {
  event.preventDefault();
  const input = $('#batch-file');
  const out = $('#batch-errors');
  out.replaceChildren();
  input.removeAttribute('aria-invalid');
  const file = input.files[0];
  if (!file) {
    input.setAttribute('aria-invalid', 'true');
    out.append(el('p', { text: 'Choose a JSON Lines or CSV file first.' }));
    input.focus();
    return;
  }
  const text = await file.text();
  let upload;
  try {
    upload = /\.csv$/i.test(file.name) || file.type === 'text/csv'
      ? csvToJsonLines(text)
      : { body: text, lineOf: (n) => n, fileLines: text.split(/\r?\n/) };
  } catch (e) {
    out.append(el('p', { text: `${file.name}: ${e.message}` }));
    return;
  }
  $('#upload-batch').disabled = true;
  try {
    const response = await api('/v1/batches', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-ndjson', Accept: 'application/json' },
      body: upload.body,
    });
    if (response.status === 202) {
      const batch = await response.json();
      say(`Batch ${shortId(batch.id)} accepted: ${batch.request_counts.total} jobs.`);
      input.value = '';
      location.hash = '#jobs';
      return;
    }
    const problem = await problemOf(response);
    input.setAttribute('aria-invalid', 'true');
    out.append(el('p', { text: `${file.name} was refused, nothing was queued: ${problem.detail || problem.title}` }));
    if (problem.errors && problem.errors.length) out.append(errorLines(problem.errors, upload));
  } catch (e) {
    out.append(el('p', { text: `${file.name} was not uploaded: ${e.message}` }));
  } finally {
    $('#upload-batch').disabled = false;
  }
}

/** The 422's problems beside the lines of the file they name. */
function errorLines(errors, upload) {
  const body = el('tbody');
  for (const error of errors) {
    const match = /^lines\[(\d+)\]\.?(.*)$/.exec(error.field || '');
    const line = match ? upload.lineOf(Number(match[1])) : null;
    const field = match ? match[2] || '(the line)' : error.field;
    body.append(el('tr', { class: 'error-line', 'data-line': line ?? '' },
      el('td', { class: 'num', text: line ?? '–' }),
      el('td', { text: field }),
      el('td', { text: error.detail }),
      el('td', {}, el('pre', { class: 'line', text: line ? upload.fileLines[line - 1] ?? '' : '' }))));
  }
  return el('table', { class: 'errors-table' },
    el('caption', { text: 'Problems, by line of the file' }),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col', class: 'num', text: 'Line' }), el('th', { scope: 'col', text: 'Field' }),
      el('th', { scope: 'col', text: 'Problem' }), el('th', { scope: 'col', text: 'Line as sent' }))),
    body);
}

// ---------------------------------------------------------------- jobs, live

const jobs = new Map();
const streams = new Map();
let jobsTimer = null;

function stopStreams() {
  for (const controller of streams.values()) controller.abort();
  streams.clear();
  clearInterval(jobsTimer);
  jobsTimer = null;
}

async function enterJobs() {
  leavePage = stopStreams;
  await loadJobs();
  jobsTimer = setInterval(() => {
    tickWaits();
    const uncovered = [...jobs.values()].some((j) => !ENDED.has(j.state) && !streams.has(j.id) && !streams.has(j.batch_id));
    if (uncovered) loadJobs().catch((e) => say(e.message, true));
  }, POLL_MS);
}

async function loadJobs() {
  const page = await json('/v1/jobs?limit=50');
  const tbody = $('#jobs tbody');
  const seen = new Set();
  for (const job of page.data) {
    seen.add(job.id);
    jobs.set(job.id, job);
    tbody.append(jobRow(job)); // newest first: appending in order keeps the API's order
  }
  for (const id of [...jobs.keys()]) {
    if (!seen.has(id)) { jobs.delete(id); document.getElementById(`job-${id}`)?.remove(); }
  }
  await loadBatches([...new Set(page.data.map((j) => j.batch_id).filter(Boolean))].slice(0, 10));
  openStreams();
}

function jobRow(job) {
  const row = document.getElementById(`job-${job.id}`) || el('tr', { id: `job-${job.id}` });
  row.dataset.state = job.state;
  const progress = job.progress;
  const done = job.state === 'SUCCEEDED';
  const bar = el('progress', {
    max: done ? 1 : progress ? progress.total : 1,
    value: done ? 1 : progress ? progress.step : 0,
    'aria-label': `Progress of job ${shortId(job.id)}`,
  });
  if (!progress && !done && !ENDED.has(job.state)) bar.removeAttribute('value'); // indeterminate while waiting
  const progressText = done ? 'done' : progress ? `${progress.step}/${progress.total}` : ENDED.has(job.state) ? '' : 'waiting';
  const actions = el('td', { class: 'row-actions' });
  if (!ENDED.has(job.state)) {
    const cancel = el('button', {
      type: 'button', class: 'secondary cancel', 'aria-label': `Cancel job ${shortId(job.id)}`,
      text: job.cancel_requested_at ? 'Cancelling…' : 'Cancel',
      disabled: Boolean(job.cancel_requested_at),
    });
    cancel.addEventListener('click', () => cancelJob(job.id));
    actions.append(cancel);
  }
  if (done) {
    const view = el('button', { type: 'button', class: 'secondary', 'aria-label': `View image of job ${shortId(job.id)}`, text: 'View' });
    view.addEventListener('click', () => openViewer(jobs.get(job.id)));
    actions.append(view);
  }
  const timings = ENDED.has(job.state) && job.timings.length
    ? job.timings.map((t) => `${t.stage} ${seconds(t.millis)}`).join(' · ')
    : '';
  row.replaceChildren(
    el('td', {}, el('code', { text: shortId(job.id) }), ' ', el('span', { text: job.request.prompt.slice(0, 60) })),
    el('td', { class: `state state-${job.state}`, text: job.state + (job.error ? `: ${job.error}` : '') }),
    el('td', {}, bar, ' ', el('span', { class: 'progress-text', text: progressText })),
    el('td', { class: 'wait', 'data-created': job.created_at, 'data-started': job.started_at ?? '', text: waitText(job) }),
    el('td', { class: 'timings', text: timings }),
    actions);
  return row;
}

function waitText(job) {
  if (job.state === 'QUEUED' || job.state === 'DISPATCHED') return `waiting ${since(job.created_at)}`;
  if (job.started_at) return `waited ${since(job.created_at, Date.parse(job.started_at))}`;
  return '';
}

function tickWaits() {
  for (const job of jobs.values()) {
    if (job.state === 'QUEUED' || job.state === 'DISPATCHED') {
      const cell = document.querySelector(`#job-${CSS.escape(job.id)} .wait`);
      if (cell) cell.textContent = waitText(job);
    }
  }
}

function openStreams() {
  for (const job of jobs.values()) {
    if (streams.size >= MAX_STREAMS) return;
    if (ENDED.has(job.state) || streams.has(job.id) || (job.batch_id && streams.has(job.batch_id))) continue;
    const controller = new AbortController();
    streams.set(job.id, controller);
    follow(`/v1/jobs/${job.id}/events`, (name, data) => onJobEvent(job.id, name, data), controller.signal)
      .catch((e) => { if (e.name !== 'AbortError') say(`Job ${shortId(job.id)}: ${e.message}`, true); })
      .finally(() => {
        if (streams.get(job.id) === controller) streams.delete(job.id);
        if (!controller.signal.aborted) refreshJob(job.id).then(openStreams);
      });
  }
}

function onJobEvent(id, name, data) {
  const job = jobs.get(id);
  if (!job) return;
  if (name === 'progress') job.progress = data.progress;
  if (name === 'state') { job.state = data.state; job.attempts = data.attempts; if (data.progress !== undefined) job.progress = data.progress; }
  if (name === 'succeeded' || name === 'failed' || name === 'cancelled') { job.state = data.state; refreshJob(id); }
  jobRow(job);
}

async function refreshJob(id) {
  try {
    const job = await json(`/v1/jobs/${id}`);
    jobs.set(id, job);
    jobRow(job);
  } catch (e) {
    if (e.status !== 401) say(e.message, true);
  }
}

async function cancelJob(id) {
  const response = await api(`/v1/jobs/${id}/cancel`, { method: 'POST', headers: { Accept: 'application/json' } });
  if (response.status === 202) {
    const job = await response.json();
    jobs.set(id, job);
    jobRow(job);
    say(`Cancel of job ${shortId(id)} requested.`);
  } else {
    say(`Job ${shortId(id)} was not cancelled: ${(await problemOf(response)).detail}`, true);
  }
}

async function loadBatches(ids) {
  const tbody = $('#batches tbody');
  for (const id of ids) {
    const batch = await json(`/v1/batches/${id}`);
    batchRow(batch);
    if (batch.state === 'in_progress' && !streams.has(id) && streams.size < MAX_STREAMS) {
      const controller = new AbortController();
      streams.set(id, controller);
      follow(`/v1/batches/${id}/events`, (name, data) => {
        if (name === 'state') batchRow(data);
        if (name === 'progress' && jobs.has(data.job_id)) { const job = jobs.get(data.job_id); job.progress = data.progress; job.state = 'RUNNING'; jobRow(job); }
      }, controller.signal)
        .catch((e) => { if (e.name !== 'AbortError') say(`Batch ${shortId(id)}: ${e.message}`, true); })
        .finally(() => {
          if (streams.get(id) === controller) streams.delete(id);
          if (!controller.signal.aborted) loadJobs().catch((e) => say(e.message, true));
        });
    }
  }
  if (!ids.length) tbody.replaceChildren(el('tr', {}, el('td', { colspan: 5, text: 'No batches among the latest jobs.' })));
  else for (const row of [...tbody.children]) if (!row.id) row.remove();
}

function batchRow(batch) {
  const tbody = $('#batches tbody');
  const row = document.getElementById(`batch-${batch.id}`) || tbody.appendChild(el('tr', { id: `batch-${batch.id}` }));
  const c = batch.request_counts;
  const ended = c.succeeded + c.failed + c.canceled;
  const actions = el('td');
  if (batch.state === 'in_progress') {
    const cancel = el('button', { type: 'button', class: 'secondary', 'aria-label': `Cancel batch ${shortId(batch.id)}`, text: 'Cancel batch' });
    cancel.addEventListener('click', async () => {
      const response = await api(`/v1/batches/${batch.id}/cancel`, { method: 'POST', headers: { Accept: 'application/json' } });
      if (response.status === 202) batchRow(await response.json());
      else say(`Batch not cancelled: ${(await problemOf(response)).detail}`, true);
    });
    actions.append(cancel);
  }
  row.dataset.state = batch.state;
  row.replaceChildren(
    el('td', {}, el('code', { text: shortId(batch.id) })),
    el('td', { text: batch.state }),
    el('td', {}, el('progress', { max: c.total, value: ended, 'aria-label': `Jobs ended in batch ${shortId(batch.id)}` }), ` ${ended}/${c.total}`),
    el('td', { text: `${c.queued + c.dispatched} waiting · ${c.running} running · ${c.succeeded} succeeded · ${c.failed} failed · ${c.canceled} cancelled` }),
    actions);
}

// ---------------------------------------------------------------- gallery

let thumbnailUrls = [];

async function enterGallery() {
  const page = await json('/v1/jobs?state=SUCCEEDED&limit=24');
  for (const url of thumbnailUrls) URL.revokeObjectURL(url);
  thumbnailUrls = [];
  const list = $('#gallery');
  list.replaceChildren();
  if (!page.data.length) list.append(el('li', { text: 'No finished images yet.' }));
  for (const job of page.data) {
    jobs.set(job.id, job);
    const deleted = Boolean(job.result_deleted_at);
    // A result past the farm's retention is gone: its parameters stay, to render it again.
    const image = deleted
      ? el('span', { class: 'deleted', text: 'Image deleted (retention over)' })
      : el('img', { alt: job.request.prompt, width: 256, height: 256, 'data-job': job.id });
    const open = el('button', { type: 'button', class: 'thumb' }, image, el('span', { text: job.request.prompt }));
    open.addEventListener('click', () => openViewer(job));
    list.append(el('li', {}, open));
    if (!deleted) thumbnail(job.id).then((url) => { image.src = url; }).catch((e) => say(e.message, true));
  }
}

/** The job's preview (made by the gateway, about 256 px) as an object URL: an <img> cannot send the key. */
async function thumbnail(id) {
  const response = await api(`/v1/jobs/${id}/thumbnail`, { cache: 'default' });
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  const url = URL.createObjectURL(await response.blob());
  thumbnailUrls.push(url);
  return url;
}

function openViewer(job) {
  const dialog = $('#viewer');
  const request = job.request;
  $('#viewer-title').textContent = `Job ${shortId(job.id)}`;
  const image = $('#viewer-image');
  image.alt = request.prompt;
  image.hidden = !job.result_url;
  $('#download').hidden = !job.result_url;
  if (job.result_url) {
    image.src = job.result_url; // the store's presigned link: no key in it
    $('#download').href = job.result_url;
    $('#download').setAttribute('download', `${job.id}.png`);
  }
  const rows = [
    ['Prompt', request.prompt], ['Negative prompt', request.negative_prompt || '—'], ['Seed', request.seed],
    ['Steps', request.steps], ['Guidance', request.guidance], ['Scheduler', request.scheduler + (request.karras ? ' (Karras)' : '')],
    ['Size', `${request.width}×${request.height}`], ['Upscale', request.upscale], ['Model', request.model],
    ['Priority', job.priority],
    ['LoRA adapters', (request.loras || []).map((l) => `${l.name}:${l.scale}`).join(', ') || '—'],
    ['Finished', job.finished_at],
    ...(job.result_deleted_at ? [['Image deleted', job.result_deleted_at]] : []),
  ];
  $('#viewer-parameters tbody').replaceChildren(...rows.map(([name, value]) =>
    el('tr', {}, el('th', { scope: 'row', text: name }), el('td', { text: String(value ?? '') }))));
  $('#render-again').onclick = () => { dialog.close(); renderAgain(request); };
  dialog.showModal();
}

// ---------------------------------------------------------------- operator board

let boardTimer = null;

async function enterOperator() {
  leavePage = () => { clearInterval(boardTimer); boardTimer = null; };
  await loadBoard();
  boardTimer = setInterval(() => loadBoard().catch((e) => say(e.message, true)), BOARD_MS);
}

async function loadBoard() {
  const board = await json('/v1/board');
  $('#board-at').textContent = `As of ${new Date(board.at).toLocaleTimeString()}, read from the farm's database; refreshed every ${BOARD_MS / 1000} s.`;
  $('#backlog').replaceChildren(backlogChart(board.backlog), table(['Model', 'Queued', 'Dispatched', 'Running'],
    board.backlog.map((b) => [b.model, b.queued, b.dispatched, b.running]), 'Backlog per model'));
  $('#workers').replaceChildren(workersTable(board.workers));
  $('#throughput').replaceChildren(throughputChart(board.throughput));
  $('#failures').replaceChildren(board.failures.length
    ? table(['Reason', 'Jobs', 'Last', 'Last job'], board.failures.map((f) => [f.error, f.jobs, new Date(f.last).toLocaleTimeString(), shortId(f.last_job)]), 'Failures by reason')
    : el('p', { text: 'No job failed in the last hour.' }));
  $('#stages').replaceChildren(stagesChart(board.stages), table(['Stage', 'Jobs', 'p50', 'p90', 'p99', 'Max'],
    board.stages.map((s) => [s.stage, s.jobs, seconds(s.p50), seconds(s.p90), seconds(s.p99), seconds(s.max)]), 'Stage times'));
  $('#tenants').replaceChildren(table(['Tenant', 'Waiting', 'Running', 'Succeeded (24 h)', 'Failed (24 h)', 'Cancelled (24 h)', 'Render time (24 h)'],
    board.tenants.map((t) => [t.tenant, t.waiting, t.running, t.succeeded, t.failed, t.canceled, seconds(t.render_seconds * 1000)]), 'Usage per tenant'));
}

function table(headers, rows, caption) {
  return el('table', {},
    el('caption', { class: 'visually-hidden', text: caption }),
    el('thead', {}, el('tr', {}, ...headers.map((h, i) => el('th', { scope: 'col', class: i ? 'num' : null, text: h })))),
    el('tbody', {}, ...(rows.length ? rows : [['none']]).map((r) =>
      el('tr', {}, ...r.map((cell, i) => el('td', { class: i ? 'num' : null, text: String(cell) }))))));
}

function workersTable(workers) {
  const rows = workers.map((w) => el('tr', { 'data-worker': w.id },
    el('td', { text: w.id }), el('td', { text: w.models.join(', ') }), el('td', { text: w.state }),
    el('td', { text: w.job_id ? `${shortId(w.job_id)} (${w.job_tenant ?? '?'})` : '' }),
    el('td', {}, w.job_id && w.total ? el('progress', { max: w.total, value: w.step, 'aria-label': `Progress of worker ${w.id}` }) : ''),
    el('td', { text: `${since(w.last_seen)} ago` })));
  return el('table', {},
    el('caption', { class: 'visually-hidden', text: 'Workers and their jobs' }),
    el('thead', {}, el('tr', {}, ...['Worker', 'Models', 'State', 'Job', 'Progress', 'Last heard'].map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, ...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 6, text: 'No worker has reported yet.' }))])));
}

/** Horizontal stacked bars: queued, dispatched, running per model. */
function backlogChart(backlog) {
  const width = 420; const rowHeight = 22; const left = 130;
  const max = Math.max(1, ...backlog.map((b) => b.queued + b.dispatched + b.running));
  const chart = svg('svg', { viewBox: `0 0 ${width} ${Math.max(1, backlog.length) * rowHeight + 20}`, role: 'img',
    'aria-label': `Backlog: ${backlog.map((b) => `${b.model} ${b.queued} queued, ${b.dispatched} dispatched, ${b.running} running`).join('; ') || 'empty'}` });
  backlog.forEach((b, i) => {
    const y = i * rowHeight;
    chart.append(svg('text', { x: 0, y: y + 15 }, b.model));
    let x = left;
    for (const part of ['queued', 'dispatched', 'running']) {
      const w = (b[part] / max) * (width - left - 40);
      chart.append(svg('rect', { x, y: y + 4, width: w, height: rowHeight - 8, class: `bar-${part}` }));
      x += w;
    }
    chart.append(svg('text', { x: x + 4, y: y + 15 }, String(b.queued + b.dispatched + b.running)));
  });
  chart.append(legend(['queued', 'dispatched', 'running'], Math.max(1, backlog.length) * rowHeight + 4));
  return chart;
}

function legend(parts, y) {
  const group = svg('g', { 'aria-hidden': 'true' });
  parts.forEach((part, i) => {
    group.append(svg('rect', { x: i * 90, y, width: 10, height: 10, class: `bar-${part}` }),
      svg('text', { x: i * 90 + 14, y: y + 9 }, part));
  });
  return group;
}

/** Stacked columns per minute: succeeded, failed, cancelled. */
function throughputChart(minutes) {
  const width = 420; const height = 120; const bottom = 18;
  const totals = minutes.map((m) => m.succeeded + m.failed + m.canceled);
  const max = Math.max(1, ...totals);
  const column = width / Math.max(1, minutes.length);
  const sum = totals.reduce((a, b) => a + b, 0);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height + bottom + 16}`, role: 'img',
    'aria-label': `Jobs ended per minute over ${minutes.length} minutes: ${sum} in all, at most ${Math.max(0, ...totals)} in a minute` });
  minutes.forEach((m, i) => {
    let y = height;
    for (const part of ['succeeded', 'failed', 'canceled']) {
      const h = (m[part] / max) * (height - 12);
      y -= h;
      chart.append(svg('rect', { x: i * column + 1, y, width: column - 2, height: h, class: `bar-${part}` }));
    }
  });
  chart.append(svg('text', { x: 0, y: 10 }, `${max}/min`),
    svg('text', { x: 0, y: height + 12 }, `−${minutes.length} min`),
    svg('text', { x: width - 24, y: height + 12 }, 'now'),
    legend(['succeeded', 'failed', 'canceled'], height + bottom));
  return chart;
}

/** Per stage on a log scale: a bar from p50 to p99, ticks at p90 and the longest. */
function stagesChart(stages) {
  const width = 420; const rowHeight = 22; const left = 90; const right = 10;
  if (!stages.length) return el('p', { text: 'No job succeeded in the last hour.' });
  const lo = Math.max(0.01, Math.min(...stages.map((s) => s.p50 || 0.01)));
  const hi = Math.max(lo * 10, ...stages.map((s) => s.max));
  const x = (ms) => left + ((Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (width - left - right);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${stages.length * rowHeight + 18}`, role: 'img',
    'aria-label': `Stage times, median and 99th percentile: ${stages.map((s) => `${s.stage} ${seconds(s.p50)} to ${seconds(s.p99)}`).join('; ')}` });
  stages.forEach((s, i) => {
    const y = i * rowHeight + 11;
    chart.append(svg('text', { x: 0, y: y + 4 }, s.stage),
      svg('line', { x1: x(s.p50), x2: Math.max(x(s.p99), x(s.p50) + 2), y1: y, y2: y, class: 'range' }),
      svg('line', { x1: x(s.p90), x2: x(s.p90), y1: y - 6, y2: y + 6, class: 'tick' }),
      svg('circle', { cx: x(s.max), cy: y, r: 3, class: 'bar-failed' }));
  });
  const axis = stages.length * rowHeight + 14;
  chart.append(svg('text', { x: left, y: axis }, seconds(lo)), svg('text', { x: width - 50, y: axis }, seconds(hi)));
  return chart;
}

// ---------------------------------------------------------------- start

$('#sign-in-form').addEventListener('submit', signIn);
$('#sign-out').addEventListener('click', () => signOut());
$('#job-form').addEventListener('submit', submitJob);
$('#batch-form').addEventListener('submit', uploadBatch);
$('#refresh-jobs').addEventListener('click', () => loadJobs().catch((e) => say(e.message, true)));
$('#close-viewer').addEventListener('click', () => $('#viewer').close());
window.addEventListener('hashchange', () => { say(''); route(); });

if (sessionStorage.getItem(KEY)) {
  welcome().then(route, () => signOut('Your key was refused: sign in again.'));
} else {
  route();
}
