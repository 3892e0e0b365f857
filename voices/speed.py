"""How fast each language's voice speaks here: load time, first-clause latency, real-time factor.

``python -m voices.speed [LANG ...] [--runs N]`` prints one row per language (the figures in
``voices/README.md`` come from it). Each reply is new to the voice (its clause cache is cleared),
so the numbers are synthesis time, not cache hits; the first clause is cut by the same
``split_clauses`` as in a call, so "first clause" is what a caller waits for.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from pipeline.clauses import split_clauses
from pipeline.tts import OUTPUT_RATE_HZ
from pipeline.voice_bank import load_voice
from voices.languages import for_language

# A typical reply per language: verification done, a remedy, a question (three to four clauses).
REPLIES = {
    "en": ["Thanks, I've found your order, and it left the warehouse yesterday. It should reach you "
           "on Friday. Is there anything else I can do for you?",
           "I'm sorry the parcel arrived damaged. I can send a replacement today, or refund the full "
           "amount. Which would you prefer?"],
    "de": ["Danke, ich habe Ihre Bestellung gefunden, sie hat das Lager gestern verlassen. Sie sollte am "
           "Freitag bei Ihnen sein. Kann ich sonst noch etwas für Sie tun?",
           "Es tut mir leid, dass das Paket beschädigt ankam. Ich kann Ihnen heute Ersatz schicken oder "
           "den vollen Betrag erstatten. Was ist Ihnen lieber?"],
    "fr": ["Merci, j'ai trouvé votre commande, elle a quitté l'entrepôt hier. Elle devrait arriver "
           "vendredi. Puis-je faire autre chose pour vous ?",
           "Je suis désolé que le colis soit arrivé abîmé. Je peux envoyer un remplacement aujourd'hui, "
           "ou rembourser la totalité. Que préférez-vous ?"],
    "es": ["Gracias, he encontrado su pedido, salió del almacén ayer. Debería llegar el viernes. "
           "¿Puedo ayudarle en algo más?",
           "Siento que el paquete llegara dañado. Puedo enviarle un reemplazo hoy, o devolverle el "
           "importe completo. ¿Qué prefiere?"],
    "it": ["Grazie, ho trovato il suo ordine, è partito dal magazzino ieri. Dovrebbe arrivare venerdì. "
           "Posso fare qualcos'altro per lei?",
           "Mi dispiace che il pacco sia arrivato danneggiato. Posso spedirle un sostituto oggi, oppure "
           "rimborsare l'intero importo. Cosa preferisce?"],
    "ja": ["ありがとうございます、ご注文を確認しました、昨日倉庫から発送されています。金曜日に届く予定です。"
           "ほかにご用件はございますか？",
           "お荷物が破損していたとのこと、申し訳ございません。本日代わりの品をお送りするか、全額を返金"
           "いたします。どちらがよろしいですか？"],
}


def measure(language: str, runs: int) -> dict[str, float]:
    started = time.perf_counter()
    synth = load_voice(for_language(language))
    load_s = time.perf_counter() - started
    synth.synthesize("1")  # an ONNX session's first run allocates: a start-up cost, not a reply's
    firsts_ms: list[float] = []
    compute_s = audio_s = 0.0
    cpu_before = _cpu_s()
    for _ in range(runs):
        for reply in REPLIES[language]:
            synth._cache.clear()  # every reply new to the voice: no cache hits
            for index, clause in enumerate(split_clauses(reply, 3, language=language)):
                out = synth.synthesize(clause.text)
                if index == 0:
                    firsts_ms.append(out.compute_ms)
                compute_s += out.compute_ms / 1000.0
                audio_s += len(out.pcm) / OUTPUT_RATE_HZ
    return {"load_s": load_s, "first_clause_ms_p50": statistics.median(firsts_ms),
            "first_clause_ms_max": max(firsts_ms), "rtf": compute_s / audio_s, "audio_s": audio_s,
            "cpu_rtf": (_cpu_s() - cpu_before) / audio_s}


def _cpu_s() -> float:
    """CPU seconds used by this process and its finished children (espeak-ng runs as one): unlike
    wall time, hardly changed by other processes competing for the cores."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m voices.speed", description=__doc__)
    parser.add_argument("languages", nargs="*", default=sorted(REPLIES))
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    print(f"# {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start")
    print("| language | engine | load (s) | first clause p50 / max (ms) | real-time factor | CPU s per s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for language in args.languages:
        row = measure(language, args.runs)
        engine = for_language(language).engine.value
        print(f"| {language} | {engine} | {row['load_s']:.2f} | {row['first_clause_ms_p50']:.0f} / "
              f"{row['first_clause_ms_max']:.0f} | {row['rtf']:.2f} | {row['cpu_rtf']:.2f} |", flush=True)
    print(f"# load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
