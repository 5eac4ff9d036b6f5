"""The sample files of samples/valid and samples/invalid, and how to remake them:

    ABISIM_REGEN=1 .venv/bin/python -m pytest tests/test_cli_parse.py

rewrites the samples and their goldens (`abisim parse` stdout in NAME.parse, stderr in
NAME.errors); read the diff before committing it. Valid samples are the golden answer
cases' inputs and answers (samples/answers); each invalid one is a valid one with one
thing broken, named after what is wrong."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = ROOT / "samples" / "answers"

VALID = {
    "ki.abi": "ki-magic-1.in.abi",
    "kr.abi": "ki-magic-1.out.abi",
    "tp.abi": "tp-add.in.abi",
    "tt.abi": "tp-voided.out.abi",
    "ti.abi": "ti-legacy.in.abi",
    "tr.abi": "ti-legacy.out.abi",
    "cb.abi": "cb-new-bond.in.abi",
    "cx.abi": "cb-new-bond.out.abi",
    "xp.abi": "xp-ctpat.in.abi",
    "xq.abi": "xp-ctpat.out.abi",
    "reject.abi": "reject-password.out.abi",
}


def _lines(name: str) -> list[str]:
    return (ANSWERS / VALID[name]).read_text(encoding="latin-1").split("\n")[:-1]


def _set(line: str, col: int, text: str) -> str:
    return line[: col - 1] + text + line[col - 1 + len(text):]


def invalid() -> dict[str, bytes]:
    """name -> bytes, each with one kind of problem."""
    ki, tp, cb, xp = _lines("ki.abi"), _lines("tp.abi"), _lines("cb.abi"), _lines("xp.abi")
    out: dict[str, list[str] | str] = {}
    out["unknown-record-id"] = tp[:3] + ["T9" + tp[3][2:]] + tp[3:]
    out["out-of-order"] = tp[:2] + [tp[3], tp[2]] + tp[4:]
    out["missing-record"] = tp[:3] + tp[4:]  # no T2
    out["missing-b"] = ki[:1] + ki[2:]
    out["missing-y"] = ki[:3] + ki[4:]
    out["missing-z"] = ki[:-1]
    out["no-detail"] = ki[:2] + [_set(ki[3], 13, "00000")] + ki[4:]
    out["short-last-record"] = "\n".join(ki[:-1] + [ki[-1][:20]])
    out["non-printable"] = ki[:2] + [_set(ki[2], 20, "\x07")] + ki[3:]
    # Lower case in a class A field of the mailing address; in class X it is fine (ruling 11).
    out["lower-case"] = tp[:3] + [_set(tp[3], 47, "Austin")] + tp[4:]
    out["lower-case"][3] = _set(out["lower-case"][3], 68, "tx")
    out["filler-data"] = ki[:1] + [_set(ki[1], 30, "JUNK")] + ki[2:]
    out["z-not-a"] = ki[:-1] + [_set(ki[-1], 2, "3902")]
    out["y-not-b"] = ki[:3] + [_set(ki[3], 8, "SV9")] + ki[4:]
    out["bad-y-count"] = ki[:3] + [_set(ki[3], 13, "00007")] + ki[4:]
    out["two-queries"] = ki[:3] + [ki[2], _set(ki[3], 13, "00002")] + ki[4:]
    out["app-conflict"] = [_set(ki[0], 26, "TP")] + ki[1:]
    out["unknown-application"] = [_set(ki[0], 26, "QQ"), _set(ki[1], 11, "QQ"), ki[2],
                                  _set(ki[3], 11, "QQ"), ki[4]]
    out["bad-date"] = [_set(ki[0], 15, "133125")] + ki[1:]
    out["bad-importer-number"] = tp[:2] + [_set(tp[2], 4, "12-3456789OI")] + tp[3:]
    out["bad-postal-code"] = tp[:3] + [_set(tp[3], 70, "ABCDE    ")] + tp[4:]
    out["bad-code"] = tp[:2] + [_set(tp[2], 80, "Q")] + tp[3:]
    out["missing-mandatory"] = tp[:2] + [_set(tp[2], 16, " " * 32)] + tp[3:]
    out["bad-action"] = tp[:2] + [_set(tp[2], 3, "Z")] + tp[3:]
    out["non-contiguous-query"] = ki[:2] + [_set(ki[2], 16, " " * 13)] + ki[3:]
    out["bad-ebond-id"] = cb[:3] + [_set(cb[3], 3, "34 ")] + cb[4:]
    out["too-long-record"] = xp[:2] + [xp[2] + "EXTRA"] + xp[3:]
    return {k: (v if isinstance(v, str) else "\n".join(v) + "\n").encode("latin-1") for k, v in out.items()}
