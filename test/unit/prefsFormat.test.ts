import * as assert from 'node:assert/strict';
import { formatAge, formatLiveRefs } from '../../extension/core/prefsFormat';

describe('formatLiveRefs', () => {
  it('matches the layout of Scrapy format_live_refs(), sorted by class name', () => {
    const text = formatLiveRefs([
      { className: 'Request', count: 3878, oldestAgeS: 250.9 },
      { className: 'HtmlResponse', count: 3890, oldestAgeS: 265.2 },
      { className: 'SomenastySpider', count: 1, oldestAgeS: 15 },
    ]);
    assert.equal(text, 'Live References\n\n'
      + 'HtmlResponse                     3890   oldest: 265s ago\n'
      + 'Request                          3878   oldest: 250s ago\n'
      + 'SomenastySpider                     1   oldest: 15s ago\n');
  });

  it('leaves the age column empty when the runtime has no ages', () => {
    assert.equal(formatLiveRefs([{ className: 'dict', count: 7, oldestAgeS: null }]), `Live References\n\n${'dict'.padEnd(30)}      7\n`);
  });

  it('keeps long class names whole, as Python format does', () => {
    const name = 'AVeryLongClassNameThatIsLongerThanThirtyChars';
    assert.ok(formatLiveRefs([{ className: name, count: 1, oldestAgeS: 0 }]).includes(`${name}      1   oldest: 0s ago`));
  });
});

describe('formatAge', () => {
  it('shows seconds, minutes and hours', () => {
    assert.equal(formatAge(59.9), '59s');
    assert.equal(formatAge(265), '4m 25s');
    assert.equal(formatAge(3725), '1h 2m');
    assert.equal(formatAge(null), '');
  });
});
