// The inspection page: pick a model, drop images, see score, verdict, overlay and mask; the slider recolours the mask
// from the map's own values (no request), "judge" asks the server for the verdict at that threshold (the server's rule
// decides, never this page).
'use strict';
const $ = (id) => document.getElementById(id);
const state = { models: [], history: [], current: null };

function headers() {
  const key = sessionStorage.getItem('inspecta-key') || $('api-key').value;
  return key ? { 'X-Api-Key': key } : {};
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { ...headers(), ...(options.headers || {}) } });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401 || response.status === 403) $('key-label').hidden = false;
  if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
  return body;
}

async function loadModels() {
  try {
    const body = await api('/v1/models');
    state.models = body.models;
    const select = $('model');
    select.replaceChildren(...body.models.map((m) => new Option(`${m.name} (${m.method})`, m.name)));
    describeModel();
    status(body.models.length ? '' : 'no models are served (see /readyz)');
  } catch (e) {
    status(`cannot list models: ${e.message}`, true);
  }
}

function describeModel() {
  const m = state.models.find((x) => x.name === $('model').value);
  $('model-info').textContent = m ? (m.rule ? m.rule.rule : 'no stored threshold') : '';
}

function status(text, error = false) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : 'muted';
}

async function predict(file, threshold) {
  const model = $('model').value;
  if (!model) { status('choose a model first', true); return null; }
  const query = new URLSearchParams({ include: 'overlay,mask,values', name: file.name });
  if (threshold !== undefined) query.set('threshold', String(threshold));
  return api(`/v1/models/${encodeURIComponent(model)}/predict?${query}`, { method: 'POST', body: file, headers: { 'Content-Type': 'application/octet-stream' } });
}

async function handleFiles(files) {
  for (const file of files) {
    status(`scoring ${file.name}…`);
    try {
      const result = await predict(file);
      if (!result) return;
      const entry = { file, result, url: URL.createObjectURL(file) };
      state.history.push(entry);
      show(entry);
      renderHistory();
      status(`${file.name}: done`);
    } catch (e) {
      status(`${file.name}: ${e.message}`, true);
    }
  }
}

function decodeValues(b64) {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

function show(entry) {
  state.current = entry;
  const r = entry.result;
  $('result').hidden = false;
  $('name').textContent = r.image;
  const verdict = r.verdict ?? 'no verdict (no threshold)';
  $('verdict').textContent = verdict;
  $('verdict').className = r.verdict ?? '';
  $('score').textContent = r.score.toPrecision(6);
  $('rule').textContent = r.rule ? `${r.rule.rule} (${r.rule.source}); largest region ${r.largest_region} px` : '';
  $('original').src = entry.url;
  $('overlay').src = r.overlay_png ? `data:image/png;base64,${r.overlay_png}` : '';
  entry.values = entry.values || decodeValues(r.map_f32);
  const slider = $('threshold');
  const lo = r.heat_range.lo, hi = r.heat_range.hi;
  let min = Math.min(lo, r.score), max = Math.max(hi, r.score);
  for (const v of entry.values) { if (v < min) min = v; if (v > max) max = v; }
  slider.min = String(min); slider.max = String(max); slider.step = String((max - min) / 1000 || 0.001);
  slider.value = String(r.rule ? r.rule.pixel_threshold : (lo + hi) / 2);
  paintMask();
  const body = $('regions').tBodies[0];
  const shown = r.regions.slice(0, 10).map((g, i) => row([`#${i + 1}${g.reaches_min_defect_area ? ' (defect)' : ''}`, g.x, g.y, g.width, g.height, g.area]));
  if (r.region_count > shown.length) shown.push(row([`… ${r.region_count - shown.length} smaller`, '', '', '', '', '']));
  body.replaceChildren(...shown);
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) { const td = document.createElement('td'); td.textContent = String(c); tr.append(td); }
  return tr;
}

function paintMask() {
  const entry = state.current;
  if (!entry) return;
  const { width, height } = entry.result;
  const t = Number($('threshold').value);
  const canvas = $('mask');
  canvas.width = width; canvas.height = height;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(width, height);
  let above = 0;
  const v = entry.values;
  for (let i = 0; i < v.length; i++) {
    const on = v[i] > t;
    if (on) above++;
    const o = 4 * i;
    img.data[o] = on ? 255 : 0; img.data[o + 1] = on ? 255 : 0; img.data[o + 2] = on ? 255 : 0; img.data[o + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  $('threshold-value').textContent = t.toPrecision(4);
  $('above').textContent = String(above);
}

async function judge(threshold) {
  const entry = state.current;
  if (!entry) return;
  try {
    const result = await predict(entry.file, threshold);
    entry.result = result;
    entry.values = null;
    show(entry);
    renderHistory();
  } catch (e) {
    status(`${entry.file.name}: ${e.message}`, true);
  }
}

function renderHistory() {
  const sorted = [...state.history].sort((a, b) => b.result.score - a.result.score);
  const body = $('history').tBodies[0];
  body.replaceChildren(...sorted.map((e) => {
    const tr = row([e.result.image, e.result.model, e.result.score.toPrecision(6), e.result.verdict ?? '-']);
    tr.lastChild.className = e.result.verdict ?? '';
    tr.addEventListener('click', () => show(e));
    return tr;
  }));
}

$('model').addEventListener('change', describeModel);
$('files').addEventListener('change', (e) => handleFiles([...e.target.files]));
$('threshold').addEventListener('input', paintMask);
$('judge').addEventListener('click', () => judge(Number($('threshold').value)));
$('reset').addEventListener('click', () => judge(undefined));
$('api-key').addEventListener('change', (e) => { sessionStorage.setItem('inspecta-key', e.target.value); loadModels(); });
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); handleFiles([...e.dataTransfer.files]); });
loadModels();
