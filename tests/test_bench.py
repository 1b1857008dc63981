"""The benchmark runs (at a tiny size); how fast is its business, not the tests'."""
import json

from bench.run import main


def test_benchmark_runs_and_writes_every_figure(tmp_path, capsys):
    out, table = tmp_path / "bench.json", tmp_path / "RESULTS.md"
    assert main(["--sizes", "40", "--presidio-sample", "3", "--json", str(out), "--markdown", str(table)]) == 0
    figures = json.loads(out.read_text())
    stages = {s["stage"]: s for s in figures["results"][0]["stages"]}
    assert set(stages) == {"passthrough", "bare_ner_1p", "bare_ner_2p", "presidio_alone",
                           "feedshield_1w", "feedshield_2w", "feedshield_portable", "feedshield_no_narrative",
                           *(f"read_{kind}_{side}" for kind in ("csv", "parquet", "sqlite")
                             for side in ("plain_beam", "feedshield")), "ledger_write", "risk_gate", "increment_1pct"}
    assert stages["increment_1pct"]["records"] == 40
    assert all(stages[f"read_{kind}_feedshield"]["records"] == 40 for kind in ("csv", "parquet", "sqlite"))
    assert stages["presidio_alone"]["records"] == 3
    assert all(s["records_per_s"] > 0 and s["peak_rss_mb"] > 0 for s in stages.values())
    assert stages["feedshield_2w"]["processes"] > 1
    assert stages["feedshield_portable"]["processes"] > 2  # the driver, the job server, the worker pool
    assert set(figures["results"][0]["ratios"]) >= {"feedshield_2w_over_presidio", "feedshield_2w_over_bare_ner_2p",
                                                     "no_narrative_over_passthrough", "read_csv_over_plain_beam",
                                                     "read_parquet_over_plain_beam", "read_sqlite_over_plain_beam",
                                                     "ledger_over_feedshield_1w", "risk_gate_over_feedshield_1w",
                                                     "increment_1pct_over_feedshield_1w",
                                                     "feedshield_scaling_over_bare_ner_scaling"}
    assert all(s["driver_cpu_s"] >= 0 and s["driver_peak_mb"] > 0 for s in stages.values())
    assert "ratios (target):" in capsys.readouterr().out
    text = table.read_text()
    assert "| feedshield, 2 workers (records/s) | |" in text and "feedshield 2w over bare ner 2p | ≥ 0.75 |" in text
    assert "| ledger over feedshield 1w | ≤ 0.05 |" in text


def test_the_benchmark_runs_only_the_stages_asked_for(tmp_path):
    out, table = tmp_path / "bench.json", tmp_path / "RESULTS.md"
    assert main(["--sizes", "30", "--stages", "feedshield_1w", "ledger_write", "risk_gate", "--json", str(out),
                 "--markdown", str(table)]) == 0
    result = json.loads(out.read_text())["results"][0]
    assert [s["stage"] for s in result["stages"]] == ["feedshield_1w", "ledger_write", "risk_gate"]
    assert list(result["ratios"]) == ["ledger_over_feedshield_1w", "risk_gate_over_feedshield_1w"]
    assert all(s["records"] == 30 for s in result["stages"])


def test_the_read_stages_alone_run_at_two_sizes_without_a_pipeline_figure(tmp_path, capsys):
    """The format lines are run by themselves; no pipeline ran, so no memory figure of it is made up."""
    out, table = tmp_path / "bench.json", tmp_path / "RESULTS.md"
    assert main(["--sizes", "20", "30", "--stages", "read_sqlite_plain_beam", "read_sqlite_feedshield",
                 "--json", str(out), "--markdown", str(table)]) == 0
    results = json.loads(out.read_text())["results"]
    assert [list(r["ratios"]) for r in results] == [["read_sqlite_over_plain_beam"]] * 2
    assert "peak MB in any feedshield process" not in capsys.readouterr().out
    assert "any feedshield process" not in table.read_text() and "memory growth" not in table.read_text()


def test_the_stage_breakdown_times_every_step_and_recognizer(capsys):
    from bench.stages import main as stages
    from redaction_rules.engine import load_engine_config
    assert stages(["--count", "12"]) == 0
    out = capsys.readouterr().out
    for step in ("shape", "spaCy NER alone (baseline)", "verification gate", *(e.name for e in load_engine_config().feedshield_recognizers)):
        assert step in out


def test_driver_growth_compares_each_runs_driver_across_sizes():
    from bench.run import driver_growth
    run = lambda cpu, mb: {"stages": [{"stage": "feedshield_2w", "driver_cpu_s": cpu, "driver_peak_mb": mb},  # noqa: E731
                                      {"stage": "feedshield_portable", "driver_cpu_s": cpu / 2, "driver_peak_mb": mb}]}
    growth = driver_growth([run(4.0, 300.0), run(5.0, 330.0)])
    assert growth == {"driver peak memory growth (feedshield_2w)": 330 / 300 - 1,
                      "driver CPU time growth (feedshield_2w)": 0.25,
                      "driver peak memory growth (feedshield_portable)": 330 / 300 - 1,
                      "driver CPU time growth (feedshield_portable)": 0.25}
    assert driver_growth([run(4.0, 300.0), {"stages": []}]) == {}
