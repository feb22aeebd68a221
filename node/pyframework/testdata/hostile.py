# A framework process that says it is ready, then answers each request with a frame that
# announces 4 GiB: clusterd must refuse it before reading it, kill the process and start
# another.
import struct
import sys

stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
size = int.from_bytes(stdin.read(4), 'big')
stdin.read(size)
stdout.write(struct.pack('>IQB', 9 + 2, 0, ord('H')) + b'{}')
stdout.flush()
while True:
    head = stdin.read(4)
    if len(head) < 4:
        break
    body = stdin.read(int.from_bytes(head, 'big'))
    if body[8] == ord('R'):
        stdout.write(struct.pack('>IQB', 0xFFFFFFF0, int.from_bytes(body[:8], 'big'), ord('A')) + b'x' * 1024)
        stdout.flush()
