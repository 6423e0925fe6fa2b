"""Reaching Ray (a local one, or a cluster by address) and sizing the actor pool.

Ray is optional (``pip install 'netstudio[cluster]'``) and imported only here, lazily.

The pool never takes every CPU: decoding tasks need a CPU of their own, or the actors
wait for batches that no task can be scheduled to decode and the job hangs (seen with
Ray 2.60 on a 2-core machine whose two actors asked for a CPU each). So one CPU (half
of a 1-CPU machine) is kept for decoding and the actors share the rest, fractions of a
CPU each when there are more actors than CPUs left.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import NetStudioError

INSTALL_HINT = "pip install 'netstudio[cluster]'"
LOCAL_OBJECT_STORE = 256 * 1024 * 1024


class RayMissing(NetStudioError):
    """Ray (with its Data library) is not installed."""


def import_ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise RayMissing(f"running on Ray needs Ray Data, which is not installed: {INSTALL_HINT}") from None
    return ray


def connect(address=None, num_cpus=None, object_store_memory=None):
    """``ray`` connected: to ``address`` ("auto", "ray://host:10001", ...), or to a local Ray
    started here (``num_cpus`` CPUs, a small object store); returns (ray, started_here)."""
    ray = import_ray()
    if ray.is_initialized():
        return ray, False
    if address in (None, "", "local"):
        ray.init(num_cpus=num_cpus, object_store_memory=object_store_memory or LOCAL_OBJECT_STORE,
                 include_dashboard=False, configure_logging=False)
    else:
        try:
            ray.init(address=address)
        except (ConnectionError, ValueError, RuntimeError) as error:
            raise NetStudioError(f"cannot reach the Ray cluster at {address}: {error}") from None
    return ray, True


@dataclass(frozen=True)
class Plan:
    actors: int            # predictor actors in the pool
    actor_cpus: float      # CPU share each actor asks for
    decode_cpus: float     # CPU each decoding task asks for
    threads: int           # engine threads inside an actor

    def __str__(self):
        return (f"{self.actors} actor{'s' if self.actors != 1 else ''} x {self.actor_cpus:g} CPU, "
                f"decoding tasks {self.decode_cpus:g} CPU")


def plan(total_cpus, actors=None):
    """CPU shares so that decoding always has room beside the actors (see the module)."""
    total = float(total_cpus)
    if total <= 0:
        raise NetStudioError("the Ray cluster has no CPUs")
    reserve = 1.0 if total >= 2 else total / 2
    if actors is None:
        actors = max(1, round(0.75 * total))
    actors = int(actors)
    if actors < 1:
        raise NetStudioError(f"the actor pool needs at least one actor, got {actors}")
    share = min(1.0, (total - reserve) / actors)
    share = float(f"{share:.4g}")
    return Plan(actors, share, reserve, max(1, int(share)))
