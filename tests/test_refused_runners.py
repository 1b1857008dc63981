"""A runner that would lose records is refused before anything is read or written."""
import pytest

import fixtures
from pipelines import exit_codes
from pipelines.cli import main
from redaction_rules.contract_loader import CONTRACTS_DIR

ICE = CONTRACTS_DIR / "ice-pars-2009.yaml"


@pytest.mark.parametrize("runner", ["DaskRunner", "apache_beam.runners.dask.dask_runner.DaskRunner"])
def test_the_dask_runner_is_refused_with_its_reason(tmp_path, capsys, runner):
    export = fixtures.write(5, 1, tmp_path / "records.jsonl")
    code = main(["run", "--contract", str(ICE), "--input", str(export), "--output", str(tmp_path / "out"),
                 "--as-of", "2018-06-30", f"--runner={runner}"])
    err = capsys.readouterr().err
    assert code == exit_codes.USAGE
    assert "--runner=DaskRunner is refused: it drops the extra outputs of a multi-output ParDo" in err
    assert not (tmp_path / "out").exists()
