"""``bench.md``: a readable summary of ``bench.json`` (pure: the dict in, Markdown out)."""

from __future__ import annotations

from benchmarks import metrics

SIDES = ("ours", "baseline")


def _fmt(v: object, unit: str = "") -> str:
    return "–" if v is None else f"{v}{unit}"


def _baseline_runs(bench: dict) -> str:
    n = bench.get("baseline_runs_per_scenario")
    return f" (baseline: {n} run(s))" if n and n != bench["runs_per_scenario"] else ""


def render_markdown(bench: dict) -> str:
    """A readable summary of ``bench.json``."""
    sides = [s for s in SIDES if s in bench]
    m = bench["machine"]
    lines = [f"# Latency bench ({bench['started']})", "",
             f"`{bench['command']}` · commit `{(bench['git']['commit'] or '?')[:10]}`"
             f"{' (dirty)' if bench['git']['dirty'] else ''} · {m['cpu']}, {m['cores']} cores "
             f"(load {m['loadavg_before'][0]:.1f} → {m['loadavg_after'][0]:.1f}) · "
             f"{bench['runs_per_scenario']} run(s) × {len(bench['scenarios'])} scenario(s)"
             f"{_baseline_runs(bench)}, "
             f"{bench['concurrency']} call(s) at once · {bench['elapsed_s']:.0f} s", "",
             "| figure | " + " | ".join(sides) + (" | baseline ÷ ours |" if "ratio" in bench else " |"),
             "| --- | " + " | ".join("---:" for _ in sides) + (" | ---: |" if "ratio" in bench else " |")]

    def row(label: str, values: list[str], r: object = None) -> None:
        tail = f" | {_fmt(r, '×')} |" if "ratio" in bench else " |"
        lines.append(f"| {label} | " + " | ".join(values) + tail)

    for fig, label in (("response_latency_ms", "response"), ("interruption_latency_ms", "interruption"),
                       ("interruption_latency_wav_ms", "interruption (WAV)")):
        for k in ("p50", "p95", "p99", "max"):
            row(f"{label} {k} (ms)", [_fmt(bench[s][fig][k]) for s in sides],
                bench.get("ratio", {}).get(fig, {}).get(k))
        row(f"{label} n", [str(bench[s][fig]["n"]) for s in sides])
    fi = {s: bench[s]["false_interruptions"] for s in sides}
    row("false interruptions", [f"{fi[s]['false']}/{fi[s]['n']} ({_fmt(fi[s]['rate'])})" for s in sides],
        bench.get("ratio", {}).get("false_interruption_rate"))
    row("utterances split into several turns", [str(bench[s]["utterances_split_into_turns"]) for s in sides])
    fl = {s: bench[s]["floor"] for s in sides}
    row("talk-overs (agent starts while the caller speaks) / of them ≥ 100 ms together",
        [f"{fl[s]['talk_overs']} / {fl[s]['talk_overs_heard']}" for s in sides])
    row("early turn ends / merged back", [f"{fl[s]['early_turn_ends']} / {fl[s]['merged_turn_ends']}"
                                          for s in sides])
    row("false cutoffs (utterance answered as several turns)",
        [f"{fl[s]['false_cutoffs']}/{fl[s]['utterances']} ({_fmt(fl[s]['false_cutoff_rate'])})"
         for s in sides])
    row("missed ends (waited for the longest timeout)",
        [f"{fl[s]['missed_ends']}/{fl[s]['utterances']} ({_fmt(fl[s]['missed_end_rate'])})" for s in sides])
    row("interruption success (speech barge-ins that stopped the agent)",
        [f"{fl[s]['interruption_success']['success']}/{fl[s]['interruption_success']['n']}" for s in sides])
    row("backchannels/noises without a stop (cut)",
        [f"{fl[s]['backchannel_without_stop']['no_stop']}/{fl[s]['backchannel_without_stop']['n']} "
         f"({fl[s]['backchannel_without_stop']['cut']})" for s in sides])
    row("word error rate", [_fmt(bench[s]["wer"]["wer"]) for s in sides], bench.get("ratio", {}).get("wer"))
    row("intent accuracy", [f"{_fmt(bench[s]['intent_accuracy']['accuracy'])} "
                            f"({bench[s]['intent_accuracy']['correct']}/{bench[s]['intent_accuracy']['n']})"
                            for s in sides])
    row("events vs WAV agree", [f"{bench[s]['agreement']['agree']}/{bench[s]['agreement']['checked']}"
                                for s in sides])
    row("failed runs", [f"{bench[s]['failed']}/{bench[s]['runs']}" for s in sides])
    lines += ["", "## Where the response time goes (p50 per stage, ms)", "",
              "| stage | " + " | ".join(sides) + " |", "| --- | " + " | ".join("---:" for _ in sides) + " |"]
    for st in metrics.STAGES:
        lines.append(f"| {st} | " + " | ".join(_fmt(bench[s]["stages"][st]["p50"]) for s in sides) + " |")
    if "by_concurrency" in bench:
        lines += ["", "## Concurrency", "", "| calls at once | side | response p50 | response p95 | "
                  "interruption p95 |", "| ---: | --- | ---: | ---: | ---: |"]
        for n, per in bench["by_concurrency"].items():
            for s, v in per.items():
                lines.append(f"| {n} | {s} | {_fmt(v['response_latency_ms']['p50'])} | "
                             f"{_fmt(v['response_latency_ms']['p95'])} | "
                             f"{_fmt(v['interruption_latency_ms']['p95'])} |")
    for s in sides:
        dis = bench[s]["agreement"]["disagreements"]
        if dis:
            lines += ["", f"## Events vs WAV disagreements ({s}, > {metrics.AGREE_MS:.0f} ms)", ""]
            lines += [f"- {d['scenario']} utterance {d['index']} ({d['kind']}): events "
                      f"{_fmt(d['events_ms'])} ms, WAV {_fmt(d['wav_ms'])} ms — {d['reason']}" for d in dis]
    failed = [r for r in bench["runs"] if not r["ok"]]
    if failed:
        lines += ["", "## Failed runs", ""] + [f"- {r['side']} {r['scenario']} run {r['run']}: {r['error']}"
                                              for r in failed]
    if bench.get("plots"):
        lines += ["", "## Plots", ""] + [f"![{p}]({p})" for p in bench["plots"]]
    return "\n".join(lines) + "\n"
