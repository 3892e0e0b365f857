"""The SIP soak, short: calls in a row and at once, server stops, GC pressure from other threads.

Before the fix of issue 15 (pjsua2 directors freed by Python while pjmedia called into them) this
crashed most processes of this size (see docs/sip.md, "Native lifetimes"); the long version is
``python -m benchmarks.sip_soak``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmarks import sip_soak


@pytest.mark.realtime
def test_short_soak_never_crashes_and_every_call_completes(tmp_path: Path) -> None:
    pytest.importorskip("pjsua2")
    if shutil.which("sipp") is None:
        pytest.skip("sipp is not installed (Debian: sip-tester)")
    out = tmp_path / "soak.json"
    code = sip_soak.main(["--processes", "2", "--rounds", "2", "--calls", "6", "--out", str(out)])
    summary = json.loads(out.read_text())
    assert summary["crashes"] == 0 and summary["hangs"] == 0 and summary["errors"] == 0, summary
    assert summary["rounds"] == 4
    assert summary["calls_ok"] == 24 and summary["calls_failed"] == 0, summary
    assert code == 0


def test_soak_rejects_nonsense_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        sip_soak.main(["--processes", "0"])
    assert exc.value.code == 2
    assert "must be >= 1" in capsys.readouterr().err
