"""`python -m tests.kill_at POINT feedshield-args...`: a real `feedshield run`, killed with SIGKILL at POINT.

Nothing in feedshield knows about this: the step around POINT is wrapped
from outside, and the process dies as it would from `kill -9` or a power
cut, with no cleanup, no `finally` and no flush.
"""
import os
import signal
import sys

from pipelines import object_feed, publish, releases
from pipelines.cli import main

POINTS = {  # name: (class, method, before or after it)
    "before-pending": (publish.Publisher, "record_pending", "before"),
    "after-pending": (publish.Publisher, "record_pending", "after"),
    "between-withheld-and-release": (releases.FeedFolder, "place_release", "before"),
    "after-release-folder": (publish.Publisher, "place", "after"),
    "after-current": (publish.Publisher, "point", "after"),
}
OBJECT_POINTS = {  # the steps a feed folder on an object store has besides
    "object-before-marker": (object_feed.ObjectFeedFolder, "point_current", "before"),
}


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def wrap(cls, name: str, when: str) -> None:
    original = getattr(cls, name)

    def step(*args, **kwargs):
        if when == "before":
            die()
        result = original(*args, **kwargs)
        die()
        return result

    setattr(cls, name, step)


if __name__ == "__main__":
    wrap(*{**POINTS, **OBJECT_POINTS}[sys.argv[1]])
    sys.exit(main(sys.argv[2:]))
