"""Which model or voice to load, from which PyPI package, with which checksums.

Per language (``voices.for_language``; the table with licences and speed is ``voices/README.md``):

========  ===========================================  ==========================================
language  voice                                        why
========  ===========================================  ==========================================
en        Piper ``en_US-joe-medium``                   shipped on PyPI; exact word timing
ja        Kokoro-82M ``jf_alpha`` (extra ``japanese``)  the only Japanese neural voice on PyPI
any       a Piper file from ``languages.voices``       the deployment's own neural voice (checked)
others    espeak-ng (de, fr-fr, es, it, cmn-latn-      ~100 languages, always installed, ~20 ms a
          pinyin for zh, …)                            clause; robotic but intelligible
========  ===========================================  ==========================================
"""

from voices.languages import Engine, VoiceChoice, VoiceError, check_voices, for_language

__all__ = ["Engine", "VoiceChoice", "VoiceError", "check_voices", "for_language"]
