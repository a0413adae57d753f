"""Routine refusals in the server's log: one line each.

Django logs a 4xx that a view raised (PermissionDenied, BadRequest, a suspicious request such
as an unknown Host) with the exception's traceback, which buries a refusal's one fact — who
was refused what, and why — under thirty lines about Django's own call stack. A 4xx is the
client's doing and the code worked as meant, so the line keeps the reason and loses the
traceback; a 5xx, the server's fault, keeps it.
"""

import logging


class RoutineRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.exc_info and status is not None and 400 <= status < 500:
            reason = str(record.exc_info[1])
            line = record.getMessage()
            if reason and reason not in line:
                # escaped as Django escapes the path: no forged lines from a client's input
                line += f" ({reason.encode('unicode_escape').decode('ascii')})"
            record.msg, record.args = line, ()
            record.exc_info, record.exc_text = None, None
        return True
