# A heap of about 3 M objects shaped like a leaky crawl: Requests whose meta, cb_kwargs and
# cookies are dicts, plus bulk (tuples, strings) -- then sleeps so a benchmark can attach.
import sys
import time

from scrapy import Request

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
BULK = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000


class Page:
    def __init__(self, i):
        self.url = 'http://127.0.0.1:1/product.php?pid=%d' % i
        self.body = ('<html>%d</html>' % i)


requests = [Request('http://127.0.0.1:1/p?%d' % i, meta={'referer': Page(i)}, cb_kwargs={'i': i},
                    cookies={'session': 's%d' % i}) for i in range(N)]
bulk = [(i, str(i)) for i in range(BULK)]
print('READY', flush=True)
time.sleep(float(sys.argv[3]) if len(sys.argv) > 3 else 600)
