"""Reply encoding and delivery: marked base64 JSON, returned or sent as a custom DAP event."""
import base64
import json
import sys

MARK_BEGIN = 'LRB64<'
MARK_END = '>LRB64'
# debugpy >= 1.8.21 returns the value of a frameless evaluate in the response body.
_RETURNS_VALUES = (1, 8, 21)


class AgentError(Exception):
    """An error with a protocol type: gone, unknownClass, unavailable, cancelled, agent."""

    def __init__(self, kind, message):
        Exception.__init__(self, message)
        self.kind = kind
        self.message = message


def decode_params(params_b64):
    if not params_b64:
        return {}
    text = base64.b64decode(params_b64).decode('utf-8')
    params = json.loads(text) if text.strip() else {}
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise AgentError('agent', 'params must be a JSON object')
    return params


def encode(payload):
    """JSON (ASCII only, so lone surrogates survive) → base64 → marked string."""
    try:
        text = json.dumps(payload, ensure_ascii=True, allow_nan=False, separators=(',', ':'))
    except (TypeError, ValueError) as exc:
        text = json.dumps({'ok': False, 'error': {'type': 'agent', 'message': 'unencodable reply: %s' % type(exc).__name__}})
    return MARK_BEGIN + base64.b64encode(text.encode('ascii')).decode('ascii') + MARK_END


def ok(result):
    return {'ok': True, 'result': result}


def error(kind, message):
    return {'ok': False, 'error': {'type': kind, 'message': str(message)[:2000]}}


def parse_version(text):
    """'1.6.3+git20221103.a2a3328' → (1, 6, 3); lenient, never raises."""
    parts = []
    for piece in str(text).split('.'):
        digits = ''
        for ch in piece:
            if ch.isdigit():
                digits += ch
            else:
                break
        if not digits:
            break
        parts.append(int(digits))
        if len(digits) != len(piece):
            break
    while len(parts) < 3:
        parts.append(0)
    return tuple(parts[:3])


def debugpy_version():
    mod = sys.modules.get('debugpy')
    if mod is None:
        return None
    version = getattr(mod, '__version__', None)
    return version if isinstance(version, str) else None


def _send_event(request_id, marked):
    """Sends the reply as a 'liveReferences.reply' DAP event; False when not possible."""
    pydevd = sys.modules.get('pydevd')
    net = sys.modules.get('_pydevd_bundle.pydevd_net_command')
    if pydevd is None or net is None:
        return False
    debugger = pydevd.get_global_debugger()
    writer = getattr(debugger, 'writer', None) if debugger is not None else None
    if writer is None:
        return False
    body = {'type': 'event', 'event': 'liveReferences.reply', 'body': {'id': request_id, 'payload': marked}}
    _no_delay(writer)
    writer.add_command(net.NetCommand(0, 0, body, is_json=True))
    return True


_tuned = []


def _no_delay(writer):
    """pydevd sends a message as two writes (header, then body); with Nagle's algorithm on, the
    body waits for the adapter's delayed ACK: a constant 40 ms per reply, measured here. Turning
    on TCP_NODELAY for pydevd's socket to its adapter changes nothing else."""
    sock = getattr(writer, 'sock', None)
    if sock is None or any(s is sock for s in _tuned):
        return
    try:
        import socket
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        _tuned[:] = [sock]
    except Exception:
        pass


def deliver(request_id, payload, reply_mode):
    marked = encode(payload)
    if reply_mode != 'event':
        return marked
    version = debugpy_version()
    if version is not None and parse_version(version) >= _RETURNS_VALUES:
        return marked
    try:
        if _send_event(request_id, marked):
            return None
    except Exception:
        pass
    return marked
