"""The ``voice-agent`` command: serve, talk, chat, dialogues, intents-eval, simulate, store, bench."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

USAGE_ERROR = 2


def _quiet_pipecat(verbose: bool) -> None:
    # pipecat logs every link and frame at DEBUG through loguru; keep the terminal readable.
    from loguru import logger

    logger.remove()
    logger.add(sys.stderr, level="DEBUG" if verbose else "WARNING")
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


def _config(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from agent.config import load_config

    return load_config(Path(args.config) if args.config else None)


def cmd_simulate(args: argparse.Namespace) -> int:
    from agent.call import load_models, our_call_factory
    from agent.simulation.scenario import load_scenario
    from agent.simulation.simulate import config_for, run_simulation, transcript_text

    scenario = load_scenario(Path(args.scenario))
    config = config_for(scenario, _config(args))  # the scenario's served languages, if it names them
    out_dir = Path(args.out or Path("out") / scenario.name)
    print(f"Scenario {scenario.name}: {len(scenario.turns)} turns, {len(scenario.answers)} answer rules")
    print("Loading models...", flush=True)
    models = load_models(config)
    print("Playing the call in real time...", flush=True)
    result = asyncio.run(run_simulation(scenario, out_dir, config, our_call_factory(config, models),
                                       progress=sys.stdout.isatty()))
    print(transcript_text(result.report))
    print(f"{'caller utterance':<40} {'response ms':>11} {'interrupt ms (wav)':>18}  outcome")
    for c in result.report["caller"]:
        said = (c["transcript"] or "(nothing recognised)")[:38]
        wav = c["interruption_latency_wav_ms"]
        print(f"{said:<40} {c['response_latency_ms'] or '-':>11} {wav if wav is not None else '-':>18}"
              f"  {c['interruption_outcome'] or ''}")
    print(f"Wrote {out_dir}/report.json, agent.wav, caller.wav, transcript.txt")
    return 0


def cmd_talk(args: argparse.Namespace) -> int:
    from agent.talk import run_talk

    return run_talk(_config(args))


def cmd_chat(args: argparse.Namespace) -> int:
    from agent.chat import run_chat

    return run_chat(args.db_url, agent_config=_config(args))


def cmd_dialogues(args: argparse.Namespace) -> int:
    from agent.dialogue_runner import run_files

    return run_files([Path(p) for p in args.files], sys.stdout, _config(args), only=args.only)


def cmd_intents_eval(args: argparse.Namespace) -> int:
    from benchmarks.intents_eval import LANGUAGES, SPLITS, run_eval

    run_eval(args.split or SPLITS, sys.stdout, show_errors=not args.no_errors,
             languages=args.language or LANGUAGES)
    return 0


def cmd_store(args: argparse.Namespace) -> int:
    from agent import store_cli

    if args.store_cmd == "seed":
        if not args.demo:
            print("voice-agent store seed: only --demo is available", file=sys.stderr)
            return USAGE_ERROR
        return store_cli.seed_demo(args.db_url)
    return store_cli.load_fixtures_file(args.db_url, args.file)


def _levels(text: str) -> list[int]:
    try:
        levels = [int(x) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected N or N,N,...: {text!r}") from exc
    if not levels or any(n < 1 for n in levels):
        raise argparse.ArgumentTypeError(f"calls at once must be >= 1: {text!r}")
    return levels


def _runs(text: str) -> int:
    try:
        n = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a whole number: {text!r}") from exc
    if n < 1:
        raise argparse.ArgumentTypeError(f"runs must be >= 1: {text!r}")
    return n


def cmd_bench(args: argparse.Namespace) -> int:
    from benchmarks.bench import run_bench

    return run_bench([Path(p) for p in args.scenarios] or None, runs=args.runs, baseline=args.baseline,
                     out=Path(args.out), concurrent=args.concurrent,
                     config_path=Path(args.config) if args.config else None,
                     baseline_runs=args.baseline_runs)


class _CallIdDefault(logging.Filter):
    # Call-scoped log records carry extra={"call_id": ...}; the others show "-".
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "call_id"):
            record.call_id = "-"
        return True


def cmd_serve(args: argparse.Namespace) -> int:
    """Load the models once, open the store, serve until SIGTERM/SIGINT (exit 0)."""
    from agent.server import ServerOptions, parse_host_port, parse_port_range, serve
    from agent.telephony.twilio_call import StreamLimits

    if args.sip:
        try:
            parse_host_port(args.sip)
        except ValueError as exc:
            print(f"voice-agent serve: --sip: {exc}", file=sys.stderr)
            return USAGE_ERROR
    try:
        rtp_ports = parse_port_range(args.sip_rtp_ports)
    except ValueError as exc:
        print(f"voice-agent serve: --sip-rtp-ports: {exc}", file=sys.stderr)
        return USAGE_ERROR
    for handler in logging.getLogger().handlers:
        handler.addFilter(_CallIdDefault())
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(call_id)s] %(message)s"))
    from agent.call import load_models
    from agent.calls import CallHost

    config = _config(args)
    fleet = {k: v for k, v in (("max_calls", args.max_calls), ("drain_timeout_s", args.drain_timeout_s),
                               ("sip_failover", args.sip_failover or None))
             if v is not None}
    config = config.model_copy(update={"fleet": config.fleet.model_copy(update=fleet)})
    store = None
    if config.dialogue.kind == "after_sales":
        from agent.store import StoreUnavailable, open_store

        try:
            store = open_store(args.db_url or config.dialogue.db_url)
        except StoreUnavailable as exc:
            print(f"voice-agent serve: {exc}", file=sys.stderr)
            return 1
        # The demo store fills an empty database only: real order data is never mixed with it.
        if args.demo and not store.order_ids():
            store.seed_demo()
    print("Loading models...", flush=True)
    host_calls = CallHost(config, load_models(config), store)
    host_calls.warm_notices()  # the busy notice must start at once, however loaded the cores are
    options = ServerOptions(host=args.host, port=args.port, public_url=args.public_url,
                            twilio_auth_token=os.environ.get("TWILIO_AUTH_TOKEN") or None,
                            stream_limits=StreamLimits(args.start_timeout_s, args.idle_timeout_s),
                            drain_timeout_s=config.fleet.drain_timeout_s)
    print(f"Serving on http://{args.host}:{args.port} (Ctrl-C or SIGTERM to stop)", flush=True)
    try:
        return asyncio.run(serve(host_calls, options, sip=args.sip, sip_rtp_ports=rtp_ports))
    finally:
        if store is not None:
            store.dispose()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="voice-agent", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="answer phone (Twilio Media Streams, SIP) and browser calls")
    p.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="HTTP port (default 8080)")
    p.add_argument("--config", help="config YAML overriding the embedded defaults")
    p.add_argument("--db-url", default=os.environ.get("VOICE_AGENT_DB_URL"),
                   help="store URL (default: $VOICE_AGENT_DB_URL or sqlite:///var/voice-agent.db)")
    p.add_argument("--no-demo", dest="demo", action="store_false",
                   help="do not fill an empty store with the demo orders")
    p.add_argument("--public-url", default=os.environ.get("VOICE_AGENT_PUBLIC_URL"),
                   help="the https:// URL providers reach this server at (signatures, TwiML)")
    p.add_argument("--sip", metavar="HOST:PORT", help="also accept SIP calls on HOST:PORT")
    p.add_argument("--start-timeout-s", type=float, default=10.0,
                   help="close a media stream that sends no 'start' within this time (default 10)")
    p.add_argument("--idle-timeout-s", type=float, default=10.0,
                   help="end a call whose media stream goes silent this long (default 10)")
    p.add_argument("--max-calls", type=_runs, default=None,
                   help="calls at once; more hear a busy notice and get a callback (config fleet.max_calls)")
    p.add_argument("--drain-timeout-s", type=float, default=None,
                   help="on SIGTERM, live calls may finish this long (config fleet.drain_timeout_s)")
    p.add_argument("--sip-rtp-ports", metavar="LOW-HIGH", default="4000-4999",
                   help="UDP ports for SIP calls' audio (default 4000-4999; give each worker on one "
                        "host its own range)")
    p.add_argument("--sip-failover", action="store_true",
                   help="behind Kamailio: when full, answer SIP 503 so it tries the next worker; the "
                        "busy notice only on its last try (config fleet.sip_failover)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("simulate", help="play a scripted call in real time through the real pipeline")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--out", help="output folder (default: out/<scenario name>)")
    p.add_argument("--config", help="config YAML overriding the embedded defaults")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("bench", help="measure response and interruption latency (and the stock baseline)")
    p.add_argument("scenarios", nargs="*", help="scenario YAML files (default: the shipped suite)")
    p.add_argument("--runs", type=_runs, default=3, help="runs per scenario (default 3)")
    p.add_argument("--baseline", action="store_true", help="also run stock pipecat with the same models")
    p.add_argument("--baseline-runs", type=_runs, default=None, metavar="N",
                   help="runs per scenario of the baseline (default: --runs)")
    p.add_argument("--out", default="out/bench", help="output folder (default out/bench)")
    p.add_argument("--concurrent", type=_levels, default=None, metavar="N[,N...]",
                   help="calls at once, each its own pipeline (models shared); a list draws latency vs N")
    p.add_argument("--config", help="config YAML overriding the embedded defaults")
    p.set_defaults(func=cmd_bench)

    # bench-ids (issue 11): the identifier benchmark; its options are its own (see --help there).
    def cmd_bench_ids(args: argparse.Namespace) -> int:
        from benchmarks.identifiers.__main__ import main as bench_ids

        return bench_ids(args.ids_args)

    p = sub.add_parser("bench-ids", help="identifier capture and false accepts (benchmarks/identifiers)")
    p.add_argument("ids_args", nargs=argparse.REMAINDER, help="--split dev|heldout|all, --limit N, ...")
    p.set_defaults(func=cmd_bench_ids)

    # bench-languages (issue #14): language ID, WER, digits and latency per language; its own options.
    def cmd_bench_languages(args: argparse.Namespace) -> int:
        from benchmarks.languages.__main__ import main as bench_languages

        return bench_languages(args.lang_args)

    p = sub.add_parser("bench-languages",
                       help="language ID, WER, digits heard and latency per language (benchmarks/languages)")
    p.add_argument("lang_args", nargs=argparse.REMAINDER,
                   help="--split dev|heldout|all, --limit N, --translate, ...")
    p.set_defaults(func=cmd_bench_languages)

    p = sub.add_parser("talk", help="talk to the agent with this machine's microphone and speaker")
    p.add_argument("--config", help="config YAML overriding the embedded defaults")
    p.set_defaults(func=cmd_talk)

    p = sub.add_parser("chat", help="the same dialogue over text in the terminal")
    p.add_argument("--db-url", default=os.environ.get("VOICE_AGENT_DB_URL"),
                   help="store URL (default: $VOICE_AGENT_DB_URL or sqlite:///var/voice-agent.db)")
    p.add_argument("--config", help="config YAML (e.g. an llm: section)")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("dialogues", help="run scripted text conversations (dialogue tests) from YAML files")
    p.add_argument("files", nargs="+", help="dialogue-test YAML files (format: README, 'Dialogue tests')")
    p.add_argument("--only", metavar="TEXT", help="run only the conversations whose name contains TEXT")
    p.add_argument("--config", help="config YAML (e.g. an llm: section)")
    p.set_defaults(func=cmd_dialogues)

    p = sub.add_parser("intents-eval", help="intent accuracy on the labelled corpus, per split, every error")
    p.add_argument("--split", action="append", choices=("train", "dev", "test"),
                   help="a split to evaluate (repeatable; default: all three)")
    p.add_argument("--no-errors", action="store_true", help="print the accuracy only")
    p.add_argument("--language", action="append", choices=("en", "de", "fr", "es", "it", "ja"),
                   help="a language's corpus (repeatable; default: every shipped language, a line each)")
    p.set_defaults(func=cmd_intents_eval)

    p = sub.add_parser("store", help="fill the order store")
    p.add_argument("--db-url", default=os.environ.get("VOICE_AGENT_DB_URL"))
    store_sub = p.add_subparsers(dest="store_cmd", required=True)
    s = store_sub.add_parser("seed", help="fill a demo store (see docs/demo-store.md)")
    s.add_argument("--demo", action="store_true")
    s = store_sub.add_parser("load", help="load fixtures from a YAML file (all or nothing)")
    s.add_argument("file")
    p.set_defaults(func=cmd_store)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench-languages"]:  # its options are its own (argparse's REMAINDER stops at "--x")
        from benchmarks.languages.__main__ import main as bench_languages

        return bench_languages(argv[1:])
    args = build_parser().parse_args(argv)
    _quiet_pipecat(args.verbose)
    from agent.audio_files import CallerVoiceError
    from agent.config import ConfigError
    from voices.registry import ModelError

    try:
        return int(args.func(args))
    except (ConfigError, ModelError, CallerVoiceError) as exc:
        print(f"voice-agent: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except ValueError as exc:  # ScenarioError, AudioFileError, FixtureError are ValueErrors
        print(f"voice-agent: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
