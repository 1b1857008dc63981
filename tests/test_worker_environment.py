"""Workers check their own machine: a worker without the model fails the job as the driver's check would."""
import pytest

import fixtures
from pipelines import exit_codes
from pipelines.cli import main
from redaction_rules.contract_loader import CONTRACTS_DIR
from tests.run_folders import feed_dir

ICE = CONTRACTS_DIR / "ice-pars-2009.yaml"


@pytest.mark.parametrize("workers", [[], ["--direct_running_mode=multi_processing", "--direct_num_workers=2"]],
                         ids=["in-process", "two worker processes"])
def test_a_worker_without_the_model_fails_the_run_with_the_drivers_message_and_exit_code(
        workers, tmp_path, monkeypatch, capsys):
    import pipelines.run as run_module
    export, out = tmp_path / "records.jsonl", tmp_path / "out"
    fixtures.write(10, 3, export)
    monkeypatch.setattr(run_module, "check_model", lambda config: None)  # the driver's machine has it; workers not
    code = main(["run", "--contract", str(ICE), "--input", str(export), "--output", str(out), "--as-of", "2018-06-30",
                 "--spacy-model", "xx_no_such_model", *workers])
    err = capsys.readouterr().err
    assert code == exit_codes.MODEL, err[-2000:]
    assert "on a worker: spaCy model 'xx_no_such_model' is not installed" in err
    assert not feed_dir(out).exists()


def test_missing_word_lists_are_named_like_a_missing_model(monkeypatch, tmp_path):
    from redaction_rules.engine import ModelUnavailable, check_model, load_engine_config
    from redaction_rules.recognizers import gazetteers
    monkeypatch.setattr(gazetteers, "PATH", tmp_path / "gazetteers.json")
    with pytest.raises(ModelUnavailable, match="gazetteers.json are missing"):
        check_model(load_engine_config())
