"""SIP calls with pjsua2: the server and its pjsua2 thread (``server``), the audio hand-over and the
pjsua2 classes (``media``), and the busy notice and drain apology played into a call (``notice``).

``run_sip_server`` is the entry point; everything pjsua2 happens on one registered thread.
"""

from agent.telephony.sip.server import run_sip_server

__all__ = ["run_sip_server"]
