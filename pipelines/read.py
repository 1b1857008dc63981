"""Stage 1: JSON Lines in, one element a line, with its file and line number.

Files are listed in the driver (so that an unreadable input stops the run
before anything starts) and read here whole, gzip by extension, then
reshuffled so that one large file does not pin the work to one worker.
"""
import apache_beam as beam
from apache_beam.io.filesystems import CompressionTypes, FileSystems
from apache_beam.metrics import Metrics


def iter_lines(path: str):
    """(line number, raw bytes) of every non-blank line; blank lines are not records."""
    with FileSystems.open(path, compression_type=CompressionTypes.AUTO) as handle:
        number = 0
        for raw in iter(handle.readline, b""):  # Beam's compressed files are not iterable
            number += 1
            if raw.strip():
                yield number, raw.rstrip(b"\r\n")


class _ReadFile(beam.DoFn):
    def __init__(self):
        self.lines = Metrics.counter("feedshield", "input_lines")

    def process(self, indexed_path):
        index, path = indexed_path
        for number, raw in iter_lines(path):
            self.lines.inc()
            yield {"src": (index, number), "raw": raw}


class ReadJsonLines(beam.PTransform):
    def __init__(self, files: list[str]):
        super().__init__()
        self.files = files

    def expand(self, pbegin):
        return (pbegin
                | "ListFiles" >> beam.Create(list(enumerate(self.files)))
                | "ReadLines" >> beam.ParDo(_ReadFile())
                | "Spread" >> beam.Reshuffle())
