// Entry of the heap partition webview: receives partitions from the extension, draws the chart
// and the table, handles breadcrumbs, the size/count toggle and the sample list.
import { select } from 'd3-selection';
import type { FromWebview, ToWebview } from '../../extension/core/partitionMessages';
import type { ObjectSummary, Partition, PartitionRow } from '../../extension/core/types';
import { Measure, renderChart } from './partitionChart';
import { Column, optionalColumns, renderTable, sortRows } from './partitionTable';
import { type Container, el } from '../common/dom';
import { allStrings, setStrings, t } from '../common/strings';
import { sender } from '../common/vscodeApi';

const send = sender<FromWebview>();

interface State {
  partition?: Partition;
  drillable: boolean;
  measure: Measure;
  sort: { column: Column; descending: boolean };
}

const state: State = { drillable: true, measure: 'size', sort: { column: 'size', descending: true } };

function renderCrumbs(crumbs: Array<{ label: string }>): void {
  const nav = select(el('crumbs'));
  nav.selectAll('*').remove();
  crumbs.forEach((crumb, index) => {
    if (index) nav.append('span').attr('class', 'sep').text(' › ');
    const last = index === crumbs.length - 1;
    nav.append('button').attr('class', last ? 'crumb current' : 'crumb').attr('aria-current', last ? 'page' : null)
      .text(crumb.label).on('click', () => { if (!last) send({ type: 'crumb', index }); });
  });
}

function renderToolbar(): void {
  const bar = select(el('toolbar'));
  bar.selectAll('*').remove();
  bar.append('span').text(`${t('sortBy')}: `);
  const changes = optionalColumns(state.partition?.rows ?? []).some((c) => c.key === 'countDelta') ? ['countDelta', 'sizeDelta'] as const : [];
  for (const measure of ['size', 'count', ...changes] as const) {
    bar.append('button').attr('class', 'toggle').attr('aria-pressed', String(state.measure === measure)).text(t(measure))
      .on('click', () => {
        state.measure = measure;
        state.sort = { column: measure, descending: true };
        render();
      });
  }
  renderRetainedButton(bar);
}

/** On demand: retained sizes cost about a heap pass per row, so they are never computed unasked. */
function renderRetainedButton(bar: Container): void {
  if (state.partition?.rows.some((r) => r.retained)) return;
  bar.append('button').attr('class', 'toggle retained-button').attr('title', t('computeRetainedHint')).text(t('computeRetained'))
    .on('click', () => send({ type: 'computeRetained' }));
}

function activate(row: PartitionRow): void {
  if (state.drillable) send({ type: 'drill', rowLabel: row.label });
  else send({ type: 'showSamples', rowLabel: row.label });
}

function render(): void {
  const p = state.partition;
  if (!p) return;
  renderToolbar();
  el('status').textContent = t('totals', p.totalCount.toLocaleString(), p.totalSize.toLocaleString(), Math.round(p.elapsedMs));
  const rows = sortRows(p.rows, state.sort.column, state.sort.descending);
  renderChart(el('chart'), sortRows(p.rows, state.measure, true), state.measure, t('none'), activate);
  renderTable(el('table'), {
    rows, totalCount: p.totalCount, totalSize: p.totalSize, sort: state.sort, strings: allStrings(),
    labelHeader: p.by === 'type' ? t('byType') : t('byVia'),
    rowHint: state.drillable ? t('drillHint') : t('samplesHint'),
    onSort: (column) => {
      state.sort = { column, descending: state.sort.column === column ? !state.sort.descending : column !== 'label' };
      render();
    },
    onActivate: activate,
  });
}

let shownCrumbs = '';
const crumbKey = (crumbs: Array<{ label: string }>) => crumbs.map((c) => c.label).join('\u0000');

/** A reused panel shows new content from its top, not at the old content's scroll position. */
function scrollToTop(): void {
  (document.scrollingElement ?? document.documentElement).scrollTop = 0;
}

function renderSamples(rowLabel: string, samples: ObjectSummary[]): void {
  // Where the eye is: right under the toolbar (above a table that can be hundreds of rows long),
  // and scrolled into view when the user clicked a row far down the table.
  el('toolbar').after(el('samples'));
  const box = select(el('samples'));
  box.selectAll('*').remove();
  box.append('h3').text(t('samples', rowLabel || t('none')));
  if (!samples.length) { box.append('p').text(t('noSamples')); el('samples').scrollIntoView({ block: 'nearest' }); return; }
  const list = box.append('ul');
  for (const sample of samples) {
    const item = list.append('li');
    item.append('button').attr('class', 'sample').attr('data-handle', sample.handle ?? '')
      .text(`${sample.via ? `${sample.via}  ` : ''}${sample.typeName}  ${sample.url ?? sample.repr}`)
      .on('click', () => { if (sample.handle) send({ type: 'openObject', handle: sample.handle }); });
  }
  el('samples').scrollIntoView({ block: 'nearest' });
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'strings':
      setStrings(message.strings);
      return;
    case 'progress':
      // A new level is on its way: its progress line is at the top, so show the top.
      if (crumbKey(message.crumbs) !== shownCrumbs) scrollToTop();
      shownCrumbs = crumbKey(message.crumbs);
      renderCrumbs(message.crumbs);
      el('status').textContent = t('working', message.progress.phase, message.progress.done.toLocaleString(), message.progress.total.toLocaleString());
      return;
    case 'error':
      renderCrumbs(message.crumbs);
      el('status').textContent = message.message;
      return;
    case 'samples':
      renderSamples(message.rowLabel, message.samples);
      return;
    case 'partition': {
      const started = performance.now();
      state.partition = message.partition;
      state.drillable = message.drillable;
      // Heap since mark opens on growth; other partitions keep the measure the user chose.
      if (message.partition.rows.some((r) => r.countDelta !== undefined)) state.measure = 'countDelta';
      else if (state.measure === 'countDelta' || state.measure === 'sizeDelta') state.measure = 'size';
      state.sort = { column: state.measure, descending: true };
      renderCrumbs(message.crumbs);
      shownCrumbs = crumbKey(message.crumbs);
      select(el('samples')).selectAll('*').remove();
      render();
      scrollToTop();
      requestAnimationFrame(() => send({ type: 'metrics', firstPaintMs: performance.now() - started, rows: message.partition.rows.length }));
      return;
    }
  }
});

send({ type: 'ready' });
