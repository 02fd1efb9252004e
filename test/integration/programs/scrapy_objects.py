# A Python program holding real Scrapy tracked objects, shaped like the seed's leak: each Request's
# meta keeps the previous HtmlResponse. Prints one line when ready, then sleeps (bounded).
import sys
import time

from scrapy import Request, Spider
from scrapy.http import HtmlResponse


class LeakySpider(Spider):
    name = 'leaky'


N = int(sys.argv[1]) if len(sys.argv) > 1 else 50
spider = LeakySpider()
kept = []
previous = None
for i in range(1, N + 1):
    url = 'http://127.0.0.1:1/product.php?pid=%d' % i
    response = HtmlResponse(url, body=b'<html><title>p</title></html>', encoding='utf-8')
    request = Request(url + '&next=1', callback=spider.parse, meta={'referer': response})
    kept.append(request)
    previous = response
    time.sleep(0.002)
dropped = [Request('http://127.0.0.1:1/dropped') for _ in range(5)]
del dropped
print('READY', flush=True)
time.sleep(float(sys.argv[2]) if len(sys.argv) > 2 else 120)
