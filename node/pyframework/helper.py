# clusterd's executor of the Wazuh framework (Wazuh mode).
#
# clusterd starts this program with the manager's own interpreter
# (WAZUH_HOME/framework/python/bin/python3, which finds the `wazuh` and `api` packages where the
# installer put them) and hands it the Distributed API requests it does not execute natively. It
# runs each one as wazuh-clusterd's request queue does: json.loads with the framework's
# as_wazuh_object (its allow-list and its __wazuh_exposed__ check), DistributedAPI(...) and
# distribute_function(), whose local path checks the basic daemons (1017), sets the RBAC context,
# picks the framework's pool, applies the request's timeout (3021) and turns every error into an
# exception value with dapi_errors. The answer is json.dumps(result, cls=WazuhJSONEncoder).
#
# Frames, both ways, on stdin and stdout: a 4-byte big-endian length, then the body: an 8-byte
# big-endian call id, a 1-byte kind and the payload.
#   clusterd -> here   R <request JSON>  run a request (DistributedAPI.to_dict() as json.dumps writes it)
#                      C                 cancel the call (clusterd stopped waiting for it)
#   here -> clusterd   H <JSON>          ready (call 0): the framework is imported
#                      F <text>          fatal (call 0): the framework cannot be imported; the process exits
#                      A <JSON>          the request's result: a result or an exception, encoded
#                      E <JSON>          the request was refused with a Wazuh exception before it ran
#                      X <text>          the request failed with another exception
# The end of stdin stops the process. Logs go to stderr, one line per line of a record:
# LEVEL, tag, subtag and text separated by tabs. Nothing else may write to the frames' stream:
# stdout is moved to stderr before the framework is imported.
#
# clusterd sends this source as the first frame of stdin (a length and the text) to a
# bootstrap given with -c, which reads it unbuffered, and its configuration as a JSON object in
# argv[1].

import asyncio
import json
import logging
import os
import signal
import struct
import sys
import threading
import traceback

RUN, CANCEL = ord('R'), ord('C')
READY, FATAL, RESULT, REFUSED, FAILED = b'H', b'F', b'A', b'E', b'X'
HEADER = struct.Struct('>I')
CALL = struct.Struct('>QB')


class Frames:
    """The frames written to clusterd, one whole frame at a time whatever the thread."""

    def __init__(self, stream, max_answer):
        self.stream = stream
        self.max_answer = max_answer
        self.lock = threading.Lock()

    def send(self, call, kind, payload):
        if isinstance(payload, str):
            payload = payload.encode('utf-8', 'backslashreplace')
        body_size = CALL.size + len(payload)
        if body_size > self.max_answer:
            kind = FAILED
            payload = f'the answer is {len(payload)} bytes, more than the {self.max_answer} clusterd reads'.encode()
            body_size = CALL.size + len(payload)
        with self.lock:
            self.stream.write(HEADER.pack(body_size) + CALL.pack(call, kind[0]))
            self.stream.write(payload)
            self.stream.flush()


def read_exact(stream, size):
    data = stream.read(size)
    if data is None or len(data) < size:
        return None
    return data


def read_frames(stream, max_request, deliver, closed, logger):
    """Reads clusterd's frames until the end of stdin (or a frame that breaks the protocol)."""
    try:
        while True:
            head = read_exact(stream, HEADER.size)
            if head is None:
                return
            (size,) = HEADER.unpack(head)
            if size < CALL.size or size > max_request:
                logger.error(f'A request of {size} bytes breaks the protocol; stopping.')
                return
            body = read_exact(stream, size)
            if body is None:
                return
            call, kind = CALL.unpack_from(body)
            deliver(call, kind, body[CALL.size:])
    except Exception as e:
        logger.error(f'Reading requests failed: {e}')
    finally:
        closed()


class LineHandler(logging.Handler):
    """Writes each record to stderr as clusterd reads it: one line per line of the record."""

    def __init__(self, stream, base_filename):
        super().__init__()
        self.stream = stream
        # DistributedAPI.get_error_info names, in dapi_errors, the file of the first handler of
        # its logger (or of the logger's parent) that has a baseFilename: the file clusterd
        # writes these lines to.
        self.baseFilename = base_filename

    def emit(self, record):
        try:
            text = self.format(record)
            tag = str(getattr(record, 'tag', '')).replace('\t', ' ')
            subtag = str(getattr(record, 'subtag', '')).replace('\t', ' ')
            prefix = f'{record.levelname}\t{tag}\t{subtag}\t'
            lines = ''.join(prefix + line + '\n' for line in (text.splitlines() or ['']))
            with self.lock:
                self.stream.write(lines)
                self.stream.flush()
        except Exception:
            self.handleError(record)


class RoutedHere:
    """The `node` DistributedAPI is given: what it asks of the handler a request came through.

    clusterd has already routed the request to this node, so for distribute_function the
    distributed API is off here and the request runs locally (execute_local_request); forwarding
    it again would need a cluster connection this process does not have.
    """

    def __init__(self, cluster_items, node_info):
        items = dict(cluster_items)
        items['distributed_api'] = dict(items.get('distributed_api') or {}, enabled=False)
        self.cluster_items = items
        self.node_info = dict(node_info)

    def get_node(self):
        return dict(self.node_info)


class Framework:
    """The manager's framework, imported once: the pieces wazuh-clusterd's queue runs a request with."""

    def __init__(self, logger):
        from wazuh.core import common
        from wazuh.core.cluster import cluster, utils
        from wazuh.core.cluster import common as cluster_common
        from wazuh.core.cluster.dapi import dapi
        from wazuh.core.exception import WazuhException

        self.common = common
        self.cluster_common = cluster_common
        self.dapi = dapi
        self.WazuhException = WazuhException
        self.logger = logger
        try:
            node_info = cluster.get_node()
        except Exception:
            node_info = dapi.node_info
        self.node = RoutedHere(utils.get_cluster_items(), node_info)
        try:
            logger.addFilter(utils.ClusterFilter(tag='Cluster', subtag='D API'))
        except Exception:
            pass

    def info(self):
        return {'python': sys.version.split()[0], 'pid': os.getpid(), 'wazuh_path': self.common.WAZUH_PATH,
                'node': self.node.get_node()}

    async def run(self, payload):
        """Runs one request; returns the kind of answer and what to encode."""
        try:
            request = json.loads(payload, object_hook=self.cluster_common.as_wazuh_object)
            api = self.dapi.DistributedAPI(**request, logger=self.logger, node=self.node)
        except self.WazuhException as e:
            self.logger.error(f'Error in distributed API: {e}')
            return REFUSED, e
        except Exception as e:
            self.logger.error(f'Error in distributed API: {e}', exc_info=True)
            return FAILED, str(e)
        return RESULT, await api.distribute_function()

    def encode(self, value):
        return json.dumps(value, cls=self.cluster_common.WazuhJSONEncoder)

    def pools(self):
        try:
            return list(self.common.mp_pools.get().values())
        except Exception:
            return []


class Server:
    """Runs the requests concurrently, each in its own task, until stdin ends."""

    def __init__(self, framework, requests, frames, config, logger):
        self.framework = framework
        self.requests = requests
        self.frames = frames
        self.config = config
        self.logger = logger
        self.tasks = {}

    async def run(self):
        self.loop = asyncio.get_running_loop()
        self.closed = asyncio.Event()
        # Answers are encoded and written off the event loop: a large one does not hold up the
        # requests that are running.
        from concurrent.futures import ThreadPoolExecutor
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix='clusterd-answers')

        def deliver(call, kind, payload):
            self.loop.call_soon_threadsafe(self.dispatch, call, kind, payload)

        def closed():
            try:
                self.loop.call_soon_threadsafe(self.closed.set)
            except RuntimeError:
                pass

        reader = threading.Thread(target=read_frames, name='clusterd-requests', daemon=True,
                                  args=(self.requests, self.config['max_request'], deliver, closed, self.logger))
        reader.start()
        await self.closed.wait()
        self.finish()

    def dispatch(self, call, kind, payload):
        if kind == RUN:
            self.tasks[call] = self.loop.create_task(self.serve(call, payload))
        elif kind == CANCEL:
            task = self.tasks.get(call)
            if task is not None:
                task.cancel()

    async def serve(self, call, payload):
        try:
            kind, value = await self.framework.run(payload)
        except asyncio.CancelledError:
            return
        except Exception as e:
            self.logger.error(f'Error in distributed API: {e}', exc_info=True)
            kind, value = FAILED, str(e)
        finally:
            self.tasks.pop(call, None)
        self.loop.run_in_executor(self.writer, self.answer, call, kind, value)

    def answer(self, call, kind, value):
        try:
            if kind in (RESULT, REFUSED):
                try:
                    value = self.framework.encode(value)
                except Exception as e:
                    self.logger.error(f'Error encoding the result of a distributed API request: {e}', exc_info=True)
                    kind, value = FAILED, str(e)
            self.frames.send(call, kind, value)
        except Exception as e:
            # clusterd is gone (a broken pipe): stdin ends next, and the process with it.
            self.logger.debug(f'Could not send an answer: {e}')

    def finish(self):
        for task in self.tasks.values():
            task.cancel()
        for pool in self.framework.pools():
            try:
                pool.shutdown(wait=False, cancel_futures=True)
            except Exception:
                pass
        logging.shutdown()
        # Threads may still run synchronous framework functions: nothing waits for them, and the
        # processes forked from here die with this one (die_with_parent).
        os._exit(0)


def die_with_parent_hook():
    """Makes every process forked from here (the framework's process pools) die with this one, so
    that no pool worker outlives the executor whatever ends it."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
    except Exception:
        return
    parent = os.getpid()

    def in_child():
        pr_set_pdeathsig = 1
        try:
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
        except Exception:
            return
        if os.getppid() != parent:
            os._exit(1)

    os.register_at_fork(after_in_child=in_child)


def main():
    config = {'max_request': 64 << 20, 'max_answer': 256 << 20, 'debug': 0, 'path': [], 'log_file': ''}
    if len(sys.argv) > 1:
        config.update(json.loads(sys.argv[1]))
    for entry in reversed(config['path']):
        sys.path.insert(0, entry)

    # The frames keep the original stdin and stdout, on descriptors of their own: anything
    # printing to stdout goes to stderr, and stdin is /dev/null. A process forked from here (a
    # process pool's worker) closes sys.stdin first thing; were it the stream the reader thread
    # is blocked on, it would wait for that thread's lock forever.
    requests = os.fdopen(os.dup(0), 'rb')
    frames = Frames(os.fdopen(os.dup(1), 'wb'), config['max_answer'])
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdin = open(os.devnull)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    handler = LineHandler(sys.stderr, config['log_file'])
    handler.setFormatter(logging.Formatter('%(message)s'))
    level = logging.DEBUG if config['debug'] > 0 else logging.INFO
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    wazuh_logger = logging.getLogger('wazuh')
    wazuh_logger.addHandler(handler)
    wazuh_logger.setLevel(level)
    wazuh_logger.propagate = False
    logger = wazuh_logger.getChild('dapi')

    die_with_parent_hook()
    try:
        framework = Framework(logger)
    except BaseException:
        text = traceback.format_exc()
        logger.error(f'The Wazuh framework cannot be imported:\n{text}')
        frames.send(0, FATAL, text)
        return 1
    if not handler.baseFilename:
        handler.baseFilename = os.path.join(framework.common.WAZUH_PATH, 'logs', 'cluster.log')
    frames.send(0, READY, json.dumps(framework.info()))
    asyncio.run(Server(framework, requests, frames, config, logger).run())
    return 0


if __name__ == '__main__':
    sys.exit(main())
