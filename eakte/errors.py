"""One exception tree for the whole service.

Verdicts (a bad signature, a low OCR confidence) are data; these exceptions mean a
step could not be carried out. They are translated in exactly three places: CLI exit
codes (``eakte.cli``), HTTP responses (``web``) and worker retry/quarantine (``workers``).

    EakteError                   exit 1
    ├── InputRejected            the input itself is bad: quarantine it, go on
    │   ├── EmptyInput
    │   ├── UnsupportedType
    │   ├── CorruptInput
    │   ├── EncryptedInput
    │   └── LimitExceeded        size, pages or pixels over the configured limit
    ├── ToolFailed               an external program failed on an input it should read
    │   ├── UnexpectedFailure    a bug met on one input: quarantine it, keep the batch going
    │   └── WorkerCrashed        a page's process died twice (segfault, OOM killer)
    ├── IntegrityError           stored bytes no longer match their SHA-256
    ├── RecordNotFound
    ├── Transient                may succeed if retried (server unreachable)
    └── ConfigurationError       exit 2
        ├── DependencyMissing    exit 2: a program or data file is not installed
        └── ModelMissing         exit 2: no classification model trained yet

Every message is German and fits on one line, because people read it in the CLI
summary and in the quarantine list.
"""

from __future__ import annotations


class EakteError(Exception):
    """Base of all errors the service raises on purpose."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message.replace("\n", " ").strip())

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class InputRejected(EakteError):
    """The input cannot become a readable record; it is kept in quarantine."""

    reason_code = "rejected"


class EmptyInput(InputRejected):
    reason_code = "empty"


class UnsupportedType(InputRejected):
    reason_code = "unsupported_type"


class CorruptInput(InputRejected):
    reason_code = "corrupt"


class EncryptedInput(InputRejected):
    reason_code = "encrypted"


class LimitExceeded(InputRejected):
    reason_code = "limit_exceeded"


class ToolFailed(EakteError):
    """An external tool (Tesseract, pdfium) failed; the input is kept in quarantine."""

    reason_code = "tool_failed"


class UnexpectedFailure(ToolFailed):
    """An exception we did not anticipate while processing one input.

    Raised only by the batch runner, wrapping the original exception, so one odd file
    cannot stop a batch of hundreds; the traceback is kept in the manifest's events.
    """

    reason_code = "internal_error"


class WorkerCrashed(ToolFailed):
    """The process reading a page died (a native library's crash, the OOM killer), and
    again when the page was retried in a fresh process: this input kills its reader."""

    reason_code = "worker_crashed"

    @classmethod
    def twice(cls, what: str) -> WorkerCrashed:
        """The one message both schedulers give."""
        return cls(f"{what}: Verarbeitungsprozess zweimal abgestürzt (Absturz oder Speichermangel)")


class IntegrityError(EakteError):
    """Stored bytes do not hash to their id: the store is damaged, never serve them."""


class RecordNotFound(EakteError):
    """No record with that id (or id prefix)."""


class Transient(EakteError):
    """A failure that may go away on retry (a server is unreachable)."""


class ConfigurationError(EakteError):
    """Settings or the installation are wrong; nothing was processed."""

    exit_code = 2


class DependencyMissing(ConfigurationError):
    """A required program or data file is missing; the message says how to install it."""


class ModelMissing(ConfigurationError):
    """No classification model is trained yet; the message says how to train one."""
