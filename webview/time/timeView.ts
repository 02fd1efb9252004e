// Entry of the time webview: the age histogram of one class (scale toggle, hover, click to open a
// bar's objects) or the growth trend of a session (lines, legend with "still growing", CSV).
import { select } from 'd3-selection';
import type { FromTimeWebview, ToTimeWebview } from '../../extension/core/timeMessages';
import type { AgeBucket, AgeHistogram } from '../../extension/core/types';
import { renderAgeChart } from './ageChart';
import { formatBytes } from '../../extension/core/byteSize';
import { type Container, el } from '../common/dom';
import { setStrings, t } from '../common/strings';
import { sender } from '../common/vscodeApi';
import { formatSeconds } from './timeFormat';
import { pickLines, renderTrendChart } from './trendChart';

const send = sender<FromTimeWebview>();

function button(parent: Container, text: string, pressed: boolean | null, onClick: () => void): void {
  parent.append('button').attr('class', 'toggle').attr('aria-pressed', pressed === null ? null : String(pressed)).text(text).on('click', onClick);
}

const describe = (b: AgeBucket) => t('bucket', b.count.toLocaleString(), formatSeconds(b.lowS), formatSeconds(b.highS));

function showAges(h: AgeHistogram): void {
  el('title').textContent = t('agesTitle', h.className);
  const bar = select(el('toolbar'));
  bar.selectAll('*').remove();
  bar.append('span').text(`${t('scale')}: `);
  button(bar, t('log'), h.scale === 'log', () => send({ type: 'scale', scale: 'log' }));
  button(bar, t('linear'), h.scale === 'linear', () => send({ type: 'scale', scale: 'linear' }));
  button(bar, t('reload'), null, () => send({ type: 'reload' }));
  el('status').textContent = t('agesStatus', h.count.toLocaleString(), h.oldestAgeS === null ? '?' : formatSeconds(h.oldestAgeS));
  el('hover').textContent = t('agesHint');
  select(el('legend')).selectAll('*').remove();
  const bars = renderAgeChart(el('chart'), h, {
    describe, axisLabel: t('ageAxis'),
    onHover: (text) => { el('hover').textContent = text; },
    onOpen: (b) => send({ type: 'openAges', lowS: b.lowS, highS: b.highS }),
  });
  send({ type: 'rendered', bars, lines: 0 });
}

function showGrowth(message: Extract<ToTimeWebview, { type: 'growth' }>): void {
  const s = message.series;
  el('title').textContent = t('growthTitle', message.sessionName);
  const bar = select(el('toolbar'));
  bar.selectAll('*').remove();
  button(bar, t('exportCsv'), null, () => send({ type: 'exportCsv' }));
  const rss = [...s.rssBytes].reverse().find((v) => v !== null);
  el('status').textContent = t('growthStatus', s.times.length, rss === undefined || rss === null ? '?' : formatBytes(rss));
  el('hover').textContent = '';
  const lines = pickLines(s);
  renderTrendChart(el('chart'), s, lines, t('rss'));
  const legend = select(el('legend'));
  legend.selectAll('*').remove();
  const growing = new Set(message.growing);
  const items = legend.append('ul').selectAll('li').data(lines).join('li').attr('data-class', (l) => l.className);
  items.append('span').attr('class', (l) => `swatch series-${l.series}`);
  items.append('span').text((l) => `${l.className}  ${([...l.counts].reverse().find((v) => v !== null) ?? 0).toLocaleString()}`);
  items.filter((l) => growing.has(l.className)).append('span').attr('class', 'growing').text(` ▲ ${t('stillGrowing')}`);
  if (s.rssBytes.some((v) => v !== null)) legend.select('ul').append('li').call((li) => { li.append('span').attr('class', 'swatch rss'); li.append('span').text(t('rss')); });
  send({ type: 'rendered', bars: 0, lines: lines.length });
}

window.addEventListener('message', (event: MessageEvent<ToTimeWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'strings':
      setStrings(message.strings);
      return;
    case 'ages':
      showAges(message.histogram);
      return;
    case 'growth':
      showGrowth(message);
      return;
    case 'status':
      el('status').textContent = message.message;
      return;
  }
});

send({ type: 'ready' });
