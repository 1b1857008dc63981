"""The re-identification gate: equivalence classes over the release, computed where the records are.

Each record is keyed by its quasi-identifiers; `CombinePerKey` tallies each
class (its size, its distinct sensitive values) on the workers, so no
worker holds more than one class's records at a time (`CoGroupByKey`
brings a class's records to its tally). Records of a class that fails are
then suppressed, or generalized one step along the contract's hierarchy and
classed again, where what still fails is suppressed: generalized records
only meet other generalized records, so a class that passed is never
changed. The summaries before and after (histograms of class sizes and of
diversity) are combined globally and go to staging for the manifest.
"""
import apache_beam as beam
from apache_beam import pvalue

from pipelines.elements import Redacted
from redaction_rules.risk import ClassTally, RiskModel, RiskSummary, add, merge

FAILING = "failing"


class TallyClass(beam.CombineFn):
    def __init__(self, model: RiskModel):
        self.model = model

    def create_accumulator(self):
        return ClassTally()

    def add_input(self, tally, element: Redacted):
        return add(tally, self.model.sensitive_value(element.output))

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
    def __init__(self, model: RiskModel):
        self.model = model

    def process(self, grouped):
        _, joined = grouped
        (tally,) = joined["classes"]
        failing = self.model.fails(tally.size, len(tally.sensitive))
        for element in joined["records"]:
            yield pvalue.TaggedOutput(FAILING, element) if failing else element


class Classes(beam.PTransform):
    """(quasi-identifier key, records) and (key, tally), for records already keyed."""

    def __init__(self, model: RiskModel):
        super().__init__()
        self.model = model

    def expand(self, records):
        return records | "Tally" >> beam.CombinePerKey(TallyClass(self.model))


class SplitByClass(beam.PTransform):
    """Main: records of classes that pass; `failing`: the others."""

    def __init__(self, model: RiskModel):
        super().__init__()
        self.model = model

    def expand(self, records):
        model = self.model
        keyed = records | "Key" >> beam.Map(lambda e: (model.key(e.output), e))
        tallies = keyed | "Classes" >> Classes(model)
        return ({"records": keyed, "classes": tallies}
                | "Join" >> beam.CoGroupByKey()
                | "Decide" >> beam.ParDo(_Decide(model)).with_outputs(FAILING, main="passing"))


class SummarizeClasses(beam.PTransform):
    def __init__(self, model: RiskModel):
        super().__init__()
        self.model = model

    def expand(self, records):
        model = self.model
        return (records
                | "Key" >> beam.Map(lambda e: (model.key(e.output), e))
                | "Classes" >> Classes(model)
                | "Summarize" >> beam.CombineGlobally(Summarize())
                | "Figures" >> beam.FlatMap(lambda s: s.figures(model).items()))


class AssessRisk(beam.PTransform):
    """Outputs: `records` (to publish), `suppressed`, `generalized` (published after a step), and the
    figures `before` and `after` the gate, as (name, value) items."""

    def __init__(self, model: RiskModel):
        super().__init__()
        self.model = model

    def expand(self, records):
        model = self.model
        before = records | "Before" >> SummarizeClasses(model)
        if model.action in ("report", "fail"):  # a failing run is the driver's to stop: it publishes nothing
            published, suppressed, generalized = records, [], []
        else:
            split = records | "Split" >> SplitByClass(model)
            if model.action == "generalize":
                again = (split.failing
                         | "Generalize" >> beam.Map(lambda e: e._replace(output=model.generalize(e.output)))
                         | "SplitGeneralized" >> SplitByClass(model))
                generalized, suppressed = [again.passing], [again.failing]
                published = (split.passing, again.passing) | "Published" >> beam.Flatten()
            else:
                generalized, suppressed = [], [split.failing]
                published = split.passing
        pipeline = records.pipeline
        gather = lambda name, parts: (parts | f"Gather{name}" >> beam.Flatten() if parts  # noqa: E731
                                      else pipeline | f"No{name}" >> beam.Create([]))
        after = published | "After" >> SummarizeClasses(model)
        return {"records": published, "suppressed": gather("Suppressed", suppressed),
                "generalized": gather("Generalized", generalized), "before": before, "after": after}
