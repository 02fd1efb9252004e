# A program for the time features: two bursts of Requests with a pause between them (a gap in the
# age histogram), then, each time the trigger file appears, exactly 250 Leak objects and 40
# Requests (known counts to find after a heap mark). Prints READY and CREATED n.
import os
import sys
import time

from scrapy import Request

TRIGGER = sys.argv[1]


class Leak(object):
    def __init__(self, i):
        self.i = i


kept = [Request('http://burst.example/a/%d' % i) for i in range(200)]
time.sleep(2.5)
kept += [Request('http://burst.example/b/%d' % i) for i in range(100)]
print('READY', flush=True)
rounds = 0
while True:
    if os.path.exists(TRIGGER):
        os.remove(TRIGGER)
        rounds += 1
        kept += [Leak(i) for i in range(250)]
        kept += [Request('http://late.example/%d/%d' % (rounds, i), meta={'round': rounds}) for i in range(40)]
        print('CREATED %d' % rounds, flush=True)
    time.sleep(0.05)
