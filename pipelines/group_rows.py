"""Stage 1a: rows that share a record key (one row per person or per charge) into one record's rows.

With `group_by`, a file holds a record over several rows, anywhere in the
file. The rows are grouped by the key's value (a shuffle, as any join
needs); the record takes the position of its first row, and its rows go on
in file order, as a database record's rows in its persons and charges
tables do. A row whose key is empty cannot be placed in a record and goes
on alone, to be a dead letter; so does a row that is no row.
"""
import apache_beam as beam

from pipelines.elements import Row


class _Key(beam.DoFn):
    def __init__(self, column: str):
        self.column = column

    def process(self, row: Row):
        if row.problem is not None:
            yield beam.pvalue.TaggedOutput("alone", row)
        elif not (row.columns.get(self.column) or "").strip():
            yield beam.pvalue.TaggedOutput("alone", row._replace(problem=f"no value in its group_by column {self.column}"))
        else:
            yield row.columns[self.column].strip(), row


def _record(keyed) -> Row:
    _, rows = keyed
    rows = sorted(rows, key=lambda r: r.src)
    columns = tuple(r.columns for r in rows)
    return Row(rows[0].src, rows[0].columns, None, columns, columns)


class GroupRows(beam.PTransform):
    def __init__(self, column: str):
        super().__init__()
        self.column = column

    def expand(self, rows):
        keyed = rows | "KeyByRecord" >> beam.ParDo(_Key(self.column)).with_outputs("alone", main="keyed")
        grouped = (keyed.keyed
                   | "GroupByRecord" >> beam.GroupByKey()
                   | "RecordRows" >> beam.Map(_record).with_output_types(Row))
        return (grouped, keyed.alone) | "WithRowsAlone" >> beam.Flatten()
