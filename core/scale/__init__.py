"""Classify, detect and extract features over many pictures on Ray (issue 19).

Ray Data's batch inference with this engine: pictures are listed on the driver
(``sources``), decoded and preprocessed in Ray tasks, and run through a pool of actors
that each hold the network once (``tasks.Predictor``); ``run`` writes the rows as Parquet
shards and skips what an earlier run wrote. Ray is optional and imported lazily
(``pip install 'netstudio[cluster]'``).

>>> import core.scale                                                     # doctest: +SKIP
>>> ds = core.scale.classify("photos/", model="efficientnet-lite0")      # doctest: +SKIP
>>> ds.filter(lambda row: row["error"] is None).take(1)[0]["top_label"]   # doctest: +SKIP
['espresso', 'cup', 'eggnog', 'coffee mug', 'chocolate sauce']

Each call connects to ``address`` ("auto", "ray://head:10001") or starts a local Ray
when none is running. Rows: ``path``, ``error`` (null when the picture was read), then
``top_index``/``top_label``/``top_probability`` (classify), ``boxes``/``labels``/
``indices``/``scores`` (detect) or ``feature`` (features), plus ``worker``/``seconds``
(which actor, and its seconds per picture) that ``run`` counts and leaves out of the shards.
"""
from __future__ import annotations

import time

from .cluster import INSTALL_HINT, Plan, RayMissing, connect, plan  # noqa: F401
from .models import ModelSpec
from .shards import SHARD_ROWS, ShardWriter, done_paths
from .sources import list_pictures
from .summary import Summary

__all__ = ["classify", "detect", "features", "run", "Summary", "RayMissing", "INSTALL_HINT"]

PATHS_PER_BLOCK = 64


def classify(source, model="efficientnet-lite0", checkpoint=None, epoch=0, top=5, address=None,
             actors=None, batch_size=16, skip=()):
    """A Ray Dataset of top-k predictions per picture of ``source`` (not yet executed)."""
    return _build(ModelSpec("classify", model, checkpoint, epoch), source, address, actors, batch_size, skip,
                  top=top)[0]


def detect(source, model="nanodet-coco", top=20, threshold=0.25, address=None, actors=None, batch_size=4,
           skip=()):
    """A Ray Dataset of labelled boxes per picture of ``source`` (not yet executed)."""
    return _build(ModelSpec("detect", model), source, address, actors, batch_size, skip, top=top,
                  threshold=threshold)[0]


def features(source, model="efficientnet-lite0", checkpoint=None, epoch=0, top_layer=None, address=None,
             actors=None, batch_size=16, skip=()):
    """A Ray Dataset of one feature vector per picture of ``source`` (not yet executed)."""
    return _build(ModelSpec("features", model, checkpoint, epoch, top_layer), source, address, actors,
                  batch_size, skip)[0]


BUILDERS = {"classify": classify, "detect": detect, "features": features}


def run(kind, source, out, csv=False, address=None, on_start=None, shard_rows=None, **options):
    """Run ``kind`` ("classify", "detect", "features") over ``source`` into Parquet shards
    under ``out`` (CSV beside them when ``csv``), skipping pictures already there; returns
    the Summary. ``on_start(plan, todo, skipped)`` is called before the work starts;
    ``shard_rows`` rows make a shard (default 1000)."""
    if kind not in BUILDERS:
        raise ValueError(f"kind must be one of {', '.join(BUILDERS)}, got {kind!r}")
    ray, started = connect(address)
    try:
        done = done_paths(out)
        spec = _spec(kind, options)
        pictures = _pictures(source)
        todo = [p for p in pictures if p not in done]
        summary = Summary(skipped=len(pictures) - len(todo))
        if not todo:
            if on_start:
                on_start(None, 0, summary.skipped)
            return summary
        dataset, chosen = _build(spec, todo, address, options.get("actors"), options.get("batch_size"),
                                 (), top=options.get("top"), threshold=options.get("threshold"),
                                 listed=True)
        if on_start:
            on_start(chosen, len(todo), summary.skipped)
        writer = ShardWriter(out, csv, shard_rows or SHARD_ROWS)
        start = time.perf_counter()
        try:
            for table in dataset.iter_batches(batch_format="pyarrow", batch_size=None):
                summary.add(table)
                writer.add(table)
        finally:
            writer.close()   # the rows that arrived are complete: a rerun skips them
            summary.seconds = time.perf_counter() - start
        return summary
    finally:
        if started:
            ray.shutdown()


def _pictures(source):
    """Pictures of one source, or of several (in order, each once)."""
    if isinstance(source, (list, tuple)):
        return list(dict.fromkeys(p for item in source for p in list_pictures(item)))
    return list_pictures(source)


def _spec(kind, options):
    if kind == "detect":
        return ModelSpec("detect", options.get("model") or "nanodet-coco")
    return ModelSpec(kind, options.get("model") or "efficientnet-lite0", options.get("checkpoint"),
                     int(options.get("epoch") or 0), options.get("top_layer"))


def _build(spec, source, address, actors, batch_size, skip, top=None, threshold=None, listed=False):
    from .tasks import bind_predictor, decode_for_classifier, decode_for_detector
    ray, _ = connect(address)
    network = spec.load()                  # here first: a wrong name or checkpoint fails before Ray works
    pictures = list(source) if listed else [p for p in _pictures(source) if p not in set(skip)]
    chosen = plan(ray.cluster_resources().get("CPU", 1), actors)
    # blocks of at most PATHS_PER_BLOCK paths, and enough of them to keep every actor busy
    blocks = min(len(pictures), max(4 * chosen.actors, -(-len(pictures) // PATHS_PER_BLOCK)))
    dataset = ray.data.from_items([{"path": p} for p in pictures], override_num_blocks=blocks)
    if spec.kind == "detect":
        decode, arguments = decode_for_detector, {"rule": network.preprocess, "size": network.input_size[1]}
        batch_size = batch_size or 4
    else:
        decode, arguments = decode_for_classifier, {"rule": network.preprocess, "input_size": network.input_size}
        batch_size = batch_size or 16
    # one block of paths is one decoding task
    dataset = dataset.map_batches(decode, fn_kwargs=arguments, batch_size=None, batch_format="numpy",
                                  num_cpus=chosen.decode_cpus)
    predictor = bind_predictor(spec, 5 if top is None else top, threshold if spec.kind == "detect" else None)
    dataset = dataset.map_batches(predictor, batch_size=batch_size, batch_format="numpy",
                                  compute=ray.data.ActorPoolStrategy(size=chosen.actors), num_cpus=chosen.actor_cpus,
                                  runtime_env={"env_vars": {"NETSTUDIO_THREADS": str(chosen.threads)}})
    return dataset, chosen
