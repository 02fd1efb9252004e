// Plain-text rendering of creation/allocation sites for the CLI (the views localize their own).
import type { SourceLocation, UserCodeRule, WhyResult } from '../core/types';

export function formatSite(location: SourceLocation): string {
  const source = location.source === 'creation' ? ' [creation site]' : location.source === 'tracemalloc' ? ' [tracemalloc]' : '';
  return `${location.path}:${location.line}${source}`;
}

/** "first frame outside the standard library, site-packages, …, scrapy, twisted". */
export function describeUserCodeRule(rule: UserCodeRule | undefined): string {
  if (!rule) return 'first frame in user code';
  const skips = rule.skips.map((s) => (s === 'stdlib' ? 'the standard library' : s));
  return `first frame outside ${[...skips, ...rule.libraryModules].join(', ')}`;
}

/** Why there is no leak site, and what to do about it. */
export function missingLeakSiteHint(why: WhyResult): string {
  const before = why.hops.find((h) => h.creationState === 'beforeAttach');
  if (before) return `no leak site: the ${before.referrer.typeName} on the chain was created before Live References attached; start the program with creation sites (eval "$(liveref env)") or PYTHONTRACEMALLOC=25`;
  if (!why.creationSites && !why.tracemalloc) return 'no leak site: creation sites are off and tracemalloc is not tracing; start the program with PYTHONTRACEMALLOC=25 to see where untracked objects were allocated';
  return 'no leak site: no referrer on the chain was created in user code';
}
