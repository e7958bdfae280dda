"""The Rec 29 benchmark's code path (benchmarks/casework_data.py, benchmarks/rec29.py) on a few
hundred generated calls in a SQLite file of its own, so that `make bench`'s harness, which CI does not
run, cannot rot: the casework generated, written and checked as dutydesk's rows (codes, rules, models,
Rec 29's partition), Rec 29 and timeliness timed beside the hand-written SQL giving the same answer,
the page showing it, and the report's section written. Speed is not asserted here."""

from benchmarks import casework_data
from benchmarks import rec29 as rec29_benchmark
from benchmarks.board import machine


def test_the_benchmark_builds_checks_measures_and_reports_a_small_casework_database(tmp_path):
    built = casework_data.build_into(f"sqlite:///{tmp_path / 'casework.sqlite3'}", 400, seed=3)

    assert built.counts["contacts"] == 400
    assert built.counts["contact_children"] >= 400
    assert all(built.counts[table] > 0 for table in ("referrals", "assessments", "identified_needs", "services",
                                                     "closures", "obligations", "screening_decisions"))

    result = rec29_benchmark.bench_database(built, runs=3)  # fails unless the SQL, the app and the page agree
    answer = result.answer
    assert answer["requiring"] == answer["provided"] + answer["yet_to_be_met"] > 0
    assert len(result.rec29.warm_ms) == len(result.hand.warm_ms) == len(result.page.warm_ms) == 3
    assert [statement.short.split(":")[0] for statement in result.statements] == ["count", "timeliness by kind"]

    output = tmp_path / "benchmarks.md"
    output.write_text("# Benchmarks\n")
    args = rec29_benchmark.parse_args(["--calls", "1000", "--runs", "3", "--output", str(output)])
    rec29_benchmark.write_section(output, rec29_benchmark.SECTION_NAME,
                                  rec29_benchmark.section([result], machine(), built.now, 1.0, args))
    written = output.read_text()
    assert "<!-- rec29-benchmark:start -->" in written and "<!-- rec29-benchmark:end -->" in written
    assert f"referred {answer['referred']:,}" in written
