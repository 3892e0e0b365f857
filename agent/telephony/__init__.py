"""How calls reach the agent: Twilio-style media streams (``twilio``, ``twilio_call``,
``twilio_notice``), SIP with pjsua2 (the ``sip`` package: server, media hand-over and pjsua2
classes, busy notice), and the browser over WebRTC (``webrtc_call``). Each turns its channel into the
audio source and sink of one call pipeline hosted by :class:`agent.calls.CallHost`."""
