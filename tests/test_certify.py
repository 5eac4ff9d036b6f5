"""Certification plans: each shipped plan passes when a good scripted broker drives it, and
fails at the right step, with a reason naming the matcher and the columns, when a broken
broker does (a wrong field, a missing step, no correction after a reject)."""

from __future__ import annotations

import json
import sys
import textwrap
import threading

import httpx
import pytest
from click.testing import CliRunner

from abisim.certify import load, loads, shipped
from abisim.certify.plan import ANSWER_KEYS, MATCHER_KINDS, PLAN_KEYS, PLANS_DIR, STEP_KEYS, PlanError
from abisim.certify.report import html_page, junit, junit_problems, text
from abisim.certify.runner import run, run_remote
from abisim.certify.scripted import SCRIPTS, broker, five106, _send
from abisim.cli import main

pytest_plugins = ["pytester"]


def drive(name: str, script=None):
    plan = load(name)
    return run(plan, broker(SCRIPTS[name] if script is None else script, [s.id for s in plan.steps]))


@pytest.mark.parametrize("name", sorted(shipped()))
def test_each_shipped_plan_passes_with_a_good_broker(name):
    result = drive(name)
    assert result.passed, text(result)
    assert not result.unexpected


def _without(name, step):
    script = dict(SCRIPTS[name])
    del script[step]
    return script


def _with(name, step, replacement):
    return {**SCRIPTS[name], step: replacement}


def _same_as(name, step, other):
    return {**SCRIPTS[name], step: SCRIPTS[name][other]}


BROKEN = [
    # (plan, broken script, the step that must fail, words of the reason)
    ("ki", _with("ki", "ki-address", SCRIPTS["ki"]["ki-bond"]), "ki-address",
     "address request for 12-345678900 is ' ', expected '1'"),
    ("ki", _without("ki", "ki-voided"), "ki-voided", "no transmission for this step"),
    ("ki", _with("ki", "ki-resend", SCRIPTS["ki"]["ki-inactive"]), "ki-resend", "differs from step ki-batch-reject"),
    ("tp", _with("tp", "tp-cbp-number", lambda a: _send("TP", five106(
        "N", None, "NORTHERN LIGHTS TRADING LTD", "55 RUE PRINCIPALE", city="MONTREAL", state="QC", postal="H2X 1Y4",
        country="US", reason="not-us-resident"))), "tp-cbp-number", "mail_country is 'US', expected"),
    ("tp", _without("tp", "tp-update"), "tp-update", "fits step tp-cbp-number instead"),
    ("tp", _same_as("tp", "tp-duplicate-corrected", "tp-duplicate-add"), "tp-duplicate-corrected",
     "not corrected: action is still 'A'"),
    ("tp", _same_as("tp", "tp-po-box-corrected", "tp-po-box"), "tp-po-box-corrected", "still no TC record"),
    ("tp", _without("tp", "tp-resend"), "tp-resend", "no transmission for this step"),
    ("cb", _with("cb", "cb-rider", lambda a: SCRIPTS["cb"]["cb-rider"]({"cb-create": a["cb-below-minimum"]})),
     "cb-rider", "bond_number is '', expected"),
    ("cb", _without("cb", "cb-rider"), "cb-rider", "fits step cb-terminate instead"),
    ("cb", _same_as("cb", "cb-create", "cb-below-minimum"), "cb-create", "not corrected: amount is still '25000'"),
]


@pytest.mark.parametrize("name, script, step, reason", BROKEN, ids=[f"{b[0]}-{b[2]}-{i}" for i, b in enumerate(BROKEN)])
def test_a_broken_broker_fails_at_the_right_step_with_a_clear_reason(name, script, step, reason):
    result = drive(name, script)
    assert not result.passed
    first = result.first_failure
    assert first.step.id == step, text(result)
    assert any(reason in f.located() for f in first.failures), text(result)
    # Every step before it passed; steps that depend on it are skipped, not failed twice.
    before = result.steps[:[s.step.id for s in result.steps].index(step)]
    assert all(s.passed for s in before)


def test_a_failure_names_the_matcher_the_record_and_the_columns():
    result = drive("ki", _with("ki", "ki-address", SCRIPTS["ki"]["ki-bond"]))
    f = result.first_failure.failures[0]
    assert (f.record, f.line, f.columns, f.field) == ("K", 3, (15, 15), "address_request_1")
    assert f.matcher == "a bond query for 12-345678900 with address request 1"
    assert "K, line 3, column 15: address request" in text(result)


def test_steps_depending_on_a_failed_step_are_skipped():
    result = drive("cb", _same_as("cb", "cb-create", "cb-below-minimum"))
    assert [s.status for s in result.steps] == ["passed", "failed", "skipped", "skipped"]
    assert "depends on step cb-create" in result.steps[2].failures[0].message


@pytest.mark.parametrize("broken", [False, True])
def test_junit_xml_follows_the_junit_schema(broken):
    result = drive("tp", _without("tp", "tp-update") if broken else None)
    doc = junit(result)
    assert junit_problems(doc) == []
    assert doc.count("<testcase ") == len(result.steps)
    assert ('<failure type="missing"' in doc) == broken
    assert "<html" in html_page(result) and ("FAIL" in html_page(result)) == broken


def test_the_junit_check_finds_what_strays_from_the_schema():
    assert junit_problems("<testsuites><testsuite name='x' tests='a'><testcase name='a'><failure/><skipped/>"
                          "</testcase><testcase/><bogus/></testsuite></testsuites>") == [
        "testsuites/testsuite[1]: tests='a' is not a count",
        "testsuites/testsuite[1]/testcase[1]: unexpected <skipped> (child 2)",
        "testsuites/testsuite[1]/testcase[2]: missing attribute name",
        "testsuites/testsuite[1]: unexpected <bogus> (child 3)",
    ]
    assert junit_problems("<testsuite name='x' tests='1'><system-out/><testcase name='a' time='x'/></testsuite>") == [
        "testsuite: unexpected <testcase> (child 2)"]
    assert junit_problems("<testsuite name='x' tests='2' failures='1'><testcase name='a' time='0.5'/></testsuite>") == [
        "testsuite[1]: tests=2 but 1 test cases say so", "testsuite[1]: failures=1 but 0 test cases say so"]
    assert junit_problems("<report/>") == ["<report> is not a root element of the schema (testsuite, testsuites)"]


def test_the_json_schema_states_the_keys_the_loader_reads():
    schema = json.loads((PLANS_DIR.parent / "plan.schema.json").read_text())
    assert set(schema["properties"]) == set(PLAN_KEYS)
    step = schema["$defs"]["step"]
    assert set(step["properties"]) == set(STEP_KEYS)
    assert set(schema["$defs"]["answer"]["properties"]) == set(ANSWER_KEYS)
    matcher_keys = set(schema["$defs"]["matcher"]["properties"])
    assert set(MATCHER_KINDS) <= matcher_keys


PLAN = """
name = "x"
applications = ["KI"]
filer = "XJ5"
[[steps]]
id = "one"
application = "KI"
expect = [{ record = "K", field = "importer_number_1", equals = "12-345678900" }]
"""


@pytest.mark.parametrize("change, path", [
    (("importer_number_1", "importer_number_9"), "steps[0].expect[0].field"),
    (('application = "KI"\nexpect', 'application = "TP"\nexpect'), "steps[0].application"),
    (('equals = "12-345678900"', 'equals = "12-345678900", pattern = "x"'), "steps[0].expect[0]"),
    (('filer = "XJ5"', 'filer = "XJ5"\ncolour = "red"'), "$"),
])
def test_a_bad_plan_is_named_by_its_path(change, path):
    with pytest.raises(PlanError) as err:
        loads(PLAN.replace(*change))
    assert err.value.path == path


def test_a_correction_of_a_step_that_is_not_a_reject_is_refused():
    doc = PLAN + '[[steps]]\nid = "two"\napplication = "KI"\nexpect = [{ corrects = "one" }]\n'
    with pytest.raises(PlanError, match="not answered with a reject"):
        loads(doc)


BROKER = textwrap.dedent("""
    import os, httpx
    from abisim.certify import load
    from abisim.certify.scripted import SCRIPTS
    url, token = os.environ["ABISIM_URL"], os.environ["ABISIM_TOKEN"]
    answers = {}
    for step in load("ki").steps:
        data = SCRIPTS["ki"][step.id](answers)
        r = httpx.post(url + "/v1/transmissions", content=data, headers={"Authorization": "Bearer " + token})
        answers[step.id] = r.content
""")


def test_certify_run_over_http_with_the_brokers_program_then_report(tmp_path):
    script = tmp_path / "broker.py"
    script.write_text(BROKER)
    run_file, junit_file = tmp_path / "run.json", tmp_path / "ki.xml"
    r = CliRunner().invoke(main, ["certify", "run", "ki", "--exec", f"{sys.executable} {script}", "--timeout", "120",
                                  "--out", str(run_file), "--junit", str(junit_file)])
    assert r.exit_code == 0, r.output
    assert "PASSED (9 of 9 steps passed)" in r.output
    assert junit_problems(junit_file.read_text()) == []
    again = CliRunner().invoke(main, ["certify", "report", str(run_file), "--json"])
    assert again.exit_code == 0 and json.loads(again.output)["passed"] is True


def test_certify_report_from_a_databases_journal(tmp_path):
    from abisim.certify.runner import Certification

    plan = load("tp")
    cert = Certification(plan, tmp_path / "db.sqlite3")
    for step in plan.steps[:2]:
        cert.submit(SCRIPTS["tp"][step.id]({}))
    cert.close()
    r = CliRunner().invoke(main, ["certify", "report", "tp", "--db", str(tmp_path / "db.sqlite3")])
    assert r.exit_code == 1
    assert "PASS  tp-add" in r.output and "FAIL  tp-cbp-number" in r.output
    assert "no transmission for this step" in r.output


def test_certify_against_a_running_server(abisim_server):
    plan = loads(PLAN)
    sent = threading.Event()

    def send():
        data = SCRIPTS["ki"]["ki-bond"]({})
        httpx.post(abisim_server.url + "/v1/transmissions", content=data, headers=abisim_server.headers("XJ5"))
        sent.set()

    thread = threading.Thread(target=send)
    result = run_remote(plan, abisim_server.url, abisim_server.admin_token, timeout=60, poll=0.05,
                        on_ready=thread.start, done=sent.is_set)
    thread.join()
    assert result.passed, text(result)


def test_plans_and_check_commands():
    r = CliRunner().invoke(main, ["certify", "plans"])
    assert r.exit_code == 0 and {"ki", "tp", "cb"} <= {line.split()[0] for line in r.output.splitlines()}
    r = CliRunner().invoke(main, ["certify", "check", "tp"])
    assert r.exit_code == 0 and "forced reject X13" in r.output


def test_the_demo_shows_a_passing_and_a_failing_run(capsys):
    from abisim.certify.demo import show_certification

    assert show_certification()
    shown = capsys.readouterr().out
    assert "PASSED (12 of 12 steps passed)" in shown and "first failure: tp-duplicate-corrected" in shown


def test_a_certification_over_raw_tcp_with_a_forced_reject(tmp_path):
    import socket

    from abisim.certify.runner import Certification

    plan = load("ki")
    cert = Certification(plan, tmp_path / "db.sqlite3")
    server = cert.serve()
    try:
        with socket.create_connection(("127.0.0.1", server.tcp_port), timeout=30) as conn:
            reader = conn.makefile("rb")
            answers = {}
            for step in plan.steps:
                conn.sendall(SCRIPTS["ki"][step.id](answers))
                lines = []
                while not lines or not lines[-1].startswith(b"Z"):
                    lines.append(reader.readline())
                answers[step.id] = b"".join(lines)
        assert b"X1RF999" in answers["ki-batch-reject"] and b"X13" in answers["ki-batch-reject"]
        result = cert.result()
    finally:
        server.stop()
        cert.close()
    assert result.passed, text(result)


def test_a_plan_on_a_fixture_of_its_own(tmp_path):
    from abisim.generate.output import write

    write(tmp_path / "gen", 5, seed=4)
    first = json.loads((tmp_path / "gen" / "verdicts.jsonl").read_text().splitlines()[0])["importer_number"]
    (tmp_path / "plan.toml").write_text(PLAN.replace('filer = "XJ5"', 'filer = "XJ5"\nfixture = "gen/fixture.json"')
                                        .replace("12-345678900", first)
                                        + f'answer = {{ k1_results = {{ "{first}" = 1 }} }}\n')
    plan = load(tmp_path / "plan.toml")
    result = run(plan, lambda send: send(SCRIPTS["ki"]["ki-bond"]({}).replace(b"12-345678900", first.encode())))
    assert result.passed, text(result)


def test_a_broker_that_sends_nothing_fails_the_first_step_and_the_rest_depend_on_it():
    result = drive("cb", {})
    assert [s.status for s in result.steps] == ["failed", "skipped", "skipped", "skipped"]


def test_the_junit_schema_accepts_what_pytest_itself_writes(pytester):
    pytester.makepyfile(test_x="""
        import pytest
        def test_ok(): pass
        def test_no(): assert 1 == 2
        @pytest.mark.skip(reason="not today")
        def test_later(): pass
    """)
    pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider", "--junitxml=out.xml")
    assert junit_problems((pytester.path / "out.xml").read_text()) == []


def test_while_the_broker_sends_undecided_steps_wait():
    from abisim.certify.evaluate import evaluate
    from abisim.certify.journal import Exchange

    plan = load("cb")
    assert [s.status for s in evaluate(plan, [], final=False).steps] == ["pending"] * 4
    first = Exchange(1, SCRIPTS["cb"]["cb-below-minimum"]({}).decode("latin-1"))
    assert [s.status for s in evaluate(plan, [first], final=False).steps] == ["passed", "pending", "pending", "pending"]


COUNT_PLAN = PLAN + """
answer = { batch_rejected = true }
[[steps]]
id = "two"
application = "KI"
expect = [{ corrects = "one" }]
answer = { accepted = true }
"""


@pytest.mark.parametrize("fixed", [True, False])
def test_a_correction_after_a_batch_reject_that_points_at_the_envelope(fixed):
    plan = loads(COUNT_PLAN)
    good = SCRIPTS["ki"]["ki-bond"]({})
    wrong_count = good.replace(b"XJ5KI00001", b"XJ5KI00002")  # the Y count (13-17)

    def broker(send):
        send(wrong_count)
        send(good if fixed else wrong_count)

    result = run(plan, broker)
    assert result.steps[0].passed, text(result)
    assert result.passed is fixed
    if not fixed:
        f = result.steps[1].failures[0]
        assert (f.record, f.columns, f.field) == ("Y", (13, 17), "record_count")
        assert "not corrected: record_count is still '2'" in f.message


@pytest.mark.parametrize("name", sorted(shipped()))
def test_a_journal_that_blanks_passwords_judges_the_same(name):
    import attrs

    from abisim.certify.evaluate import evaluate
    from abisim.certify.runner import Certification

    plan = load(name)
    cert = Certification(plan)
    broker(SCRIPTS[name], [s.id for s in plan.steps])(cert.submit)
    blanked = [attrs.evolve(e, sent=e.sent[:8] + " " * 6 + e.sent[14:]) for e in cert.exchanges()]
    cert.close()
    assert all(e.sent[8:14] == "      " for e in blanked)
    result = evaluate(plan, blanked)
    assert result.passed, text(result)


def test_a_forced_reject_over_a_running_server_comes_from_its_fault_injection(abisim_server):
    import queue

    plan = load("ki")
    turns: queue.Queue = queue.Queue()

    def send_all():
        answers = {}
        for step in plan.steps:
            turns.get(timeout=60)  # the runner has seen the previous step (and armed any fault)
            answers[step.id] = httpx.post(abisim_server.url + "/v1/transmissions", headers=abisim_server.headers(),
                                          content=SCRIPTS["ki"][step.id](answers)).content

    thread = threading.Thread(target=send_all)

    def ready():
        thread.start()
        turns.put(True)

    result = run_remote(plan, abisim_server.url, abisim_server.admin_token, timeout=120, poll=0.02,
                        on_ready=ready, progress=lambda step: turns.put(True))
    thread.join()
    assert result.passed, text(result)
    forced = result.steps[[s.step.id for s in result.steps].index("ki-batch-reject")].exchange
    assert forced.forced and "X13" in forced.forced and "X1RF999" in forced.answer
