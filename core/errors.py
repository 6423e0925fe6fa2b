"""One small exception hierarchy. Every message names the node, file or item at fault.

The GUI shows ``str(error)`` in place; a traceback only ever goes to the log.
``user_message`` is the one line the CLI and the app show for a user's error.
"""
import errno

#: what to do about an OSError on a user's path, by errno
_OS_ERROR_FIXES = {errno.ENOENT: "check the path", errno.EISDIR: "give a file, not a folder",
                   errno.ENOTDIR: "a part of the path is a file, not a folder",
                   errno.EACCES: "check its permissions", errno.EPERM: "check its permissions",
                   errno.EEXIST: "a file is in the way of a folder", errno.ENOSPC: "free some disk space",
                   errno.EROFS: "write somewhere writable"}


class NetStudioError(Exception):
    """Base of every error Net Studio raises on purpose."""


class RegistryError(NetStudioError):
    """A name registered twice, or looked up and not found."""


class GraphError(NetStudioError):
    """A graph that cannot be built or run; names the node."""


class UnknownOperator(GraphError):
    pass


class NotImplementedForSymbol(GraphError):
    """An NDArray-only operation asked of a Symbol (``bool(sym)``), as MXNet's error."""

    def __init__(self, function, detail=""):
        self.function = function
        super().__init__(f"Function {function} is not implemented for Symbol"
                         + (f": {detail}" if detail else ""))


class ShapeError(GraphError):
    pass


class ShapeArgumentError(ShapeError, TypeError):
    """Shapes given in the wrong form (``bind(data_shapes=...)``); a TypeError as in MXNet."""


class CycleError(GraphError):
    pass


class FormatError(NetStudioError):
    """A file that is not what it claims; names the file and offset or key."""


class ParamsFormatError(FormatError):
    pass


class SymbolFormatError(FormatError):
    pass


CheckpointError = FormatError


class DiskFullError(NetStudioError, OSError):
    """A file could not be written for lack of space; names the file."""


class MissingFileError(NetStudioError, FileNotFoundError):
    """A file the user named is not there (or is a folder); says what was looked for."""


class DataError(NetStudioError):
    """Bad data: an image that cannot be decoded, a dataset with the wrong layout."""


class DeviceError(NetStudioError):
    """No CUDA/CuPy, or arrays on different devices in one operation."""


class DownloadError(NetStudioError):
    pass


class NetworkError(DownloadError):
    pass


class ChecksumError(DownloadError):
    pass


class TrainingDiverged(NetStudioError):
    """Loss or parameters became NaN/inf; names epoch and batch."""

    def __init__(self, message, epoch=None, batch=None):
        super().__init__(message)
        self.epoch = epoch
        self.batch = batch


class Cancelled(NetStudioError):
    """Work stopped because the user asked for it."""


def user_message(error):
    """One line for a user's error: ours as worded (they name the file or node), an
    OSError about a path as ``path: reason; what to do``; None for anything else (a bug,
    whose traceback matters)."""
    if isinstance(error, NetStudioError):
        return " ".join(str(error).split())
    if isinstance(error, OSError) and error.filename is not None:
        fix = _OS_ERROR_FIXES.get(error.errno)
        return f"{error.filename}: {error.strerror or error}" + (f"; {fix}" if fix else "")
    return None


# MXNet users catch MXNetError; keep the name working.
MXNetError = NetStudioError
NetError = NetStudioError
