"""Child process for test_partition.test_memory_is_bounded: run with -X tracemalloc=1.
Builds a Scrapy-like heap, runs both partitions and prints the traced heap and the peak extra
memory of each as JSON on stdout."""
import gc
import json
import os
import sys
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loader  # noqa: E402
from scrapy.http import HtmlResponse, Request  # noqa: E402


def main(n):
    agent = loader.install()
    reqs = [Request('http://mem.example/%d' % i,
                    meta={'referer': HtmlResponse('http://mem.example/r/%d' % i, body=b'<html></html>')},
                    cb_kwargs={'i': i}, cookies={'c': str(i)}) for i in range(n)]
    report = {}
    for kind, params in (('type', {'by': 'type', 'limit': 20, 'samples': 1}),
                         ('via', {'by': 'via', 'type': 'dict', 'limit': 20, 'samples': 1})):
        gc.collect()
        heap = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        job = loader.result(agent, 'partitionStart', params)['job']
        while True:
            step = loader.result(agent, 'jobStep', {'job': job, 'budgetMs': 250})
            if step['done']:
                break
        extra = tracemalloc.get_traced_memory()[1] - heap
        rows = {r['label']: r['count'] for r in step['result']['rows']}
        report[kind] = {'heap': heap, 'extra': extra, 'meta': rows.get('._meta'),
                        'elapsedMs': step['result']['elapsedMs']}
        loader.result(agent, 'releaseAll')
    del reqs
    sys.stdout.write(json.dumps(report))


if __name__ == '__main__':
    main(int(sys.argv[1]))
