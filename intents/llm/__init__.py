"""The optional chat-model dialogue: any OpenAI-compatible model (``dialogue``) working through tools
(``tools``, described to the model in ``tool_specs``) that enforce verification and the same policy
functions as the rule-based dialogue; its settings in ``config``."""
