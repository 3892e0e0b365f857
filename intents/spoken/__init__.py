"""How callers say things, as speech recognition writes them: number words and digit runs
(``tokens``), codes and postcodes (``codes``), dates (``dates``), emails (``email``), and the phrase
rules of intents (``intents``, ``repair``). Pure text in, typed values out."""
