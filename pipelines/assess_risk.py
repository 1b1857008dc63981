"""The re-identification gate: equivalence classes over the release, computed where the records are.

Each record is keyed by its quasi-identifiers; `CombinePerKey` tallies each
class (its size, its distinct sensitive values) on the workers. Only the
records' positions cross the shuffle, never the records: `CoGroupByKey`
brings each class's positions to its tally, and the positions of the
records of failing classes reach the deciding step as a side input (a few
bytes a record, and only for records that fail). Records of a class that fails are
then suppressed, or generalized one step along the contract's hierarchy and
classed again, where what still fails is suppressed: generalized records
only meet other generalized records, so a class that passed is never
changed. The recipient keeps what earlier releases sent, so the classes
count those records too (`StillHeld`: read from the feed folder's
committed releases by the workers, each record once, none that this
release decides again), though only this release's records can be withheld.
The summaries before and after (histograms of class sizes and of
diversity) are combined globally and go to staging for the manifest.
"""
import json

import apache_beam as beam
from apache_beam import pvalue

from pipelines.elements import Redacted
from redaction_rules.risk import ClassTally, RiskModel, RiskSummary, add, identity, merge, release_of

FAILING = "failing"


class TallyClass(beam.CombineFn):
    """A class's size and distinct sensitive values, from its records' sensitive values."""

    def create_accumulator(self):
        return ClassTally()

    def add_input(self, tally, sensitive: str):
        return add(tally, sensitive)

    def merge_accumulators(self, tallies):
        return merge(tallies)

    def extract_output(self, tally):
        return tally


class Summarize(beam.CombineFn):
    def create_accumulator(self):
        return RiskSummary()

    def add_input(self, summary, keyed_tally):
        tally = keyed_tally[1]
        return summary.add(tally.size, len(tally.sensitive))

    def merge_accumulators(self, summaries):
        out = RiskSummary()
        for s in summaries:
            out.merge(s)
        return out

    def extract_output(self, summary):
        return summary


class _Decide(beam.DoFn):
    def process(self, element: Redacted, failing):
        yield pvalue.TaggedOutput(FAILING, element) if element.src in failing else element


class TallyWithHeld(beam.PTransform):
    """(class key, tally) from (class key, sensitive value) pairs, together with the `held` pairs."""

    def __init__(self, held):
        super().__init__()
        self.held = held

    def expand(self, pairs):
        return (pairs, self.held) | "WithHeld" >> beam.Flatten() | "Tally" >> beam.CombinePerKey(TallyClass())


class _ClassStep(beam.PTransform):
    """A step over the classes of a release and of what the recipient already holds (`held`:
    (key, sensitive value) pairs, counted in the classes, never decided)."""

    def __init__(self, model: RiskModel, held):
        super().__init__()
        self.model = model
        self.held = held


class SplitByClass(_ClassStep):
    """Main: records of classes that pass; `failing`: the others."""

    def expand(self, records):
        model = self.model
        keyed = records | "Key" >> beam.Map(
            lambda e: (model.key(e.output), (e.src, model.sensitive_value(e.output))))
        tallies = (keyed | "Values" >> beam.Map(lambda kv: (kv[0], kv[1][1]))
                   | "Classes" >> TallyWithHeld(self.held))
        members = keyed | "Positions" >> beam.Map(lambda kv: (kv[0], kv[1][0]))

        def failing_positions(grouped):
            (tally,) = grouped[1]["classes"]
            if model.fails(tally.size, len(tally.sensitive)):
                yield from ((src, True) for src in grouped[1]["members"])

        failing = ({"members": members, "classes": tallies}
                   | "Join" >> beam.CoGroupByKey()
                   | "FailingPositions" >> beam.FlatMap(failing_positions))
        return records | "Decide" >> (beam.ParDo(_Decide(), failing=beam.pvalue.AsDict(failing))
                                      .with_outputs(FAILING, main="passing"))


class SummarizeClasses(_ClassStep):
    """The figures of the classes of `records` together with the held pairs."""

    def expand(self, records):
        model = self.model
        return (records
                | "Key" >> beam.Map(lambda e: (model.key(e.output), model.sensitive_value(e.output)))
                | "Classes" >> TallyWithHeld(self.held)
                | "Summarize" >> beam.CombineGlobally(Summarize())
                | "Figures" >> beam.FlatMap(lambda s: s.figures(model).items()))


class StillHeld(beam.PTransform):
    """What the recipient holds from earlier releases and this release does not decide again, as
    (key, sensitive value) pairs.

    A feed that shows record ids names what is held (`kept`: holdings this run leaves as they are,
    from `holdings.TriageRecords`); the held version of each is read from the release that sent it.
    A feed without record ids cannot retract: the recipient keeps every line ever sent, each held
    record once (by `risk.identity`, the newest release's version), and none this release sends again."""

    def __init__(self, model: RiskModel, held_files: tuple[str, ...], kept=None):
        super().__init__()
        self.model = model
        self.held_files = held_files
        self.kept = kept

    def expand(self, records):
        model, pipeline = self.model, records.pipeline
        if not self.held_files:
            return pipeline | "NothingHeld" >> beam.Create([])
        def classed(file_line):
            """A held line as what the classes need of it, so that no record crosses the shuffle."""
            output = json.loads(file_line[1])
            return release_of(file_line[0]), identity(output), model.key(output), model.sensitive_value(output)

        held = (pipeline
                | "HeldFiles" >> beam.Create(sorted(self.held_files))
                | "ReadHeld" >> beam.io.ReadAllFromText(with_filename=True)
                | "ParseHeld" >> beam.Map(classed))
        if self.kept is not None:
            def kept_version(grouped):
                _, joined = grouped
                if joined["kept"] and joined["held"]:
                    yield joined["held"][0]
            return ({"held": held | "ByReleaseAndId" >> beam.Map(lambda h: ((h[0], h[1]), (h[2], h[3]))),
                     "kept": self.kept | "KeptId" >> beam.Map(lambda h: ((h.release, f"id:{h.visible_id}"), True))}
                    | "JoinKept" >> beam.CoGroupByKey()
                    | "KeptVersions" >> beam.FlatMap(kept_version))
        held = held | "ByIdentity" >> beam.Map(lambda h: (h[1], (h[0], h[2], h[3])))
        # a held line may be this record as an earlier gate generalized it: either form is sent again
        sent = records | "SentIdentity" >> beam.FlatMap(
            lambda e: {(identity(e.output), True), (identity(model.generalize(e.output)), True)})

        def newest_unless_sent(grouped):
            _, joined = grouped
            if joined["sent"] or not joined["held"]:
                return
            _, key, sensitive = max(joined["held"], key=lambda rks: rks[0])
            yield key, sensitive

        return ({"held": held, "sent": sent}
                | "JoinSent" >> beam.CoGroupByKey()
                | "StillHeld" >> beam.FlatMap(newest_unless_sent))


class AssessRisk(beam.PTransform):
    """Outputs: `records` (to publish), `suppressed`, `generalized` (published after a step), `held`
    (records counted from earlier releases), and the figures `before` and `after` the gate, as
    (name, value) items, over what the recipient will hold."""

    def __init__(self, model: RiskModel, held_files: tuple[str, ...] = (), kept=None):
        super().__init__()
        self.model = model
        self.held_files = held_files
        self.kept = kept

    def expand(self, records):
        model = self.model
        held = records | "Held" >> StillHeld(model, self.held_files, self.kept)
        before = records | "Before" >> SummarizeClasses(model, held)
        if model.action in ("report", "fail"):  # a failing run is the driver's to stop: it publishes nothing
            published, suppressed, generalized = records, [], []
        else:
            split = records | "Split" >> SplitByClass(model, held)
            if model.action == "generalize":
                again = (split.failing
                         | "Generalize" >> beam.Map(lambda e: e._replace(output=model.generalize(e.output)))
                         | "SplitGeneralized" >> SplitByClass(model, held))
                generalized, suppressed = [again.passing], [again.failing]
                published = (split.passing, again.passing) | "Published" >> beam.Flatten()
            else:
                generalized, suppressed = [], [split.failing]
                published = split.passing
        pipeline = records.pipeline
        gather = lambda name, parts: (parts | f"Gather{name}" >> beam.Flatten() if parts  # noqa: E731
                                      else pipeline | f"No{name}" >> beam.Create([]))
        after = published | "After" >> SummarizeClasses(model, held)
        return {"records": published, "suppressed": gather("Suppressed", suppressed),
                "generalized": gather("Generalized", generalized), "held": held, "before": before, "after": after}
