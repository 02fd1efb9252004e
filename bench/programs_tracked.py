# Holds N live scrapy Requests (tracked by trackref), then sleeps so a benchmark can attach.
import sys
import time

from scrapy import Request

N = int(sys.argv[1])
kept = [Request('http://127.0.0.1:1/product.php?pid=%d' % i) for i in range(N)]
print('READY', flush=True)
time.sleep(float(sys.argv[2]) if len(sys.argv) > 2 else 600)
