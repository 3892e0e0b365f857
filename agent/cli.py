"""The ``voice-agent`` command: talk, chat, simulate, store."""

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
    from agent.scenario import load_scenario
    from agent.simulate import run_simulation, transcript_text

    config = _config(args)
    scenario = load_scenario(Path(args.scenario))
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

    return run_chat(args.db_url)


def cmd_store(args: argparse.Namespace) -> int:
    from agent import store_cli

    if args.store_cmd == "seed":
        if not args.demo:
            print("voice-agent store seed: only --demo is available", file=sys.stderr)
            return USAGE_ERROR
        return store_cli.seed_demo(args.db_url)
    return store_cli.load_fixtures_file(args.db_url, args.file)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="voice-agent", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("simulate", help="play a scripted call in real time through the real pipeline")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--out", help="output folder (default: out/<scenario name>)")
    p.add_argument("--config", help="config YAML overriding the embedded defaults")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("talk", help="talk to the agent with this machine's microphone and speaker")
    p.add_argument("--config", help="config YAML overriding the embedded defaults")
    p.set_defaults(func=cmd_talk)

    p = sub.add_parser("chat", help="the same dialogue over text in the terminal")
    p.add_argument("--db-url", default=os.environ.get("VOICE_AGENT_DB_URL"),
                   help="store URL (default: $VOICE_AGENT_DB_URL or sqlite:///var/voice-agent.db)")
    p.set_defaults(func=cmd_chat)

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
