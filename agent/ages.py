"""ages: a histogram of the creation times trackref records for one class (`live_refs[cls]` maps
each live object to `time()` at its birth), and the age filter iterAll uses to open one bar.

O(objects) on demand; nothing is recorded per refresh. Bucket edges are in seconds of age at
`now` (the agent's clock when the histogram was taken): `lowS <= age < highS`. Every bucket
between the youngest and the oldest object is returned, empty ones included, so a pause in the
program's allocations shows as a gap.
"""
import math
import time

from . import protocol, tracked

MAX_BINS = 200
# Log scale: 1-2-5 steps (0.1 s … years); the first bucket starts at 0.
_NICE = (1.0, 2.0, 5.0)


def created_times(wdict, clock=None):
    """[(weakref, created)] of the live entries of wdict, copied safely (dead ones skipped);
    `created` in epoch seconds whichever clock trackref used."""
    data = getattr(wdict, 'data', None)
    if data is None:
        return []
    clock = clock or tracked.Clock()
    items = tracked.copy(lambda: list(data.items()), [])
    out = []
    for ref, created in items:
        at = clock.epoch(created)
        if at is not None and ref() is not None:
            out.append((ref, at))
    return out


def _log_edges(max_age):
    edges = [0.0]
    exp = -1
    while True:
        for m in _NICE:
            edge = m * 10.0 ** exp
            edges.append(edge)
            if edge > max_age:
                return edges
        exp += 1


def _linear_edges(max_age, bins):
    width = max(max_age, 1e-3) / bins
    edges = [i * width for i in range(bins)]
    # The oldest object sits on the last edge: the final bucket's upper bound is just above it.
    edges.append(max(max_age, 1e-3) * (1 + 1e-9) + 1e-9)
    return edges


def histogram(ages, scale='log', bins=30):
    """[{lowS, highS, count}] over ages (seconds); counts sum to len(ages)."""
    if not ages:
        return []
    max_age = max(ages)
    edges = _log_edges(max_age) if scale == 'log' else _linear_edges(max_age, bins)
    counts = [0] * (len(edges) - 1)
    if scale == 'log':
        import bisect
        for a in ages:
            counts[max(0, min(len(counts) - 1, bisect.bisect_right(edges, a) - 1))] += 1
    else:
        width = edges[1] - edges[0]
        last = len(counts) - 1
        for a in ages:
            counts[min(last, int(a / width))] += 1
    # Leading empty buckets (younger than the youngest object) say nothing; gaps inside stay.
    first = next(i for i, c in enumerate(counts) if c)
    return [{'lowS': edges[i], 'highS': edges[i + 1], 'count': counts[i]} for i in range(first, len(counts))]


def ages(params):
    class_name = params.get('className')
    cls, wdict = tracked.require(class_name)
    scale = params.get('scale') if params.get('scale') in ('log', 'linear') else 'log'
    try:
        bins = max(1, min(MAX_BINS, int(params.get('bins') or 30)))
    except (TypeError, ValueError):
        bins = 30
    clock = tracked.Clock()
    entries = created_times(wdict, clock)
    now = clock.now
    values = [max(0.0, now - created) for _ref, created in entries]
    entries = None
    return {
        'className': class_name, 'count': len(values), 'scale': scale, 'now': now,
        'oldestAgeS': max(values) if values else None,
        'buckets': histogram(values, scale, bins),
    }


def age_filter(params):
    """(now, minAgeS, maxAgeS) from iterAll params, or None when no age range was asked for.
    `ageAt` (epoch seconds) pins the ages to the histogram the range came from."""
    lo, hi = params.get('minAgeS'), params.get('maxAgeS')
    if lo is None and hi is None:
        return None
    try:
        lo = float(lo) if lo is not None else 0.0
        hi = float(hi) if hi is not None else math.inf
        at = float(params['ageAt']) if params.get('ageAt') is not None else time.time()
    except (TypeError, ValueError):
        raise protocol.AgentError('agent', 'minAgeS, maxAgeS and ageAt must be numbers')
    return at, lo, hi


def refs_in_age_range(wdict, at, lo, hi):
    """Weakref keys (creation order) of the live objects with lo <= age < hi at time `at`."""
    return [ref for ref, created in created_times(wdict) if lo <= at - created < hi]
