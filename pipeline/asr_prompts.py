"""Domain vocabulary given to Whisper as the previous text, per language (issue #14).

Whisper conditions its decode on "previous text": a line of the words callers of an after-sales line
use makes it write those words when the audio is unclear ("Postleitzahl" rather than "Postachsale",
"reembolso" rather than "rebolso"). Measured on the language benchmark's dev split (README,
"Languages"); the same list of concepts in every language, no caller sentence. English keeps no
prompt: tiny.en was tuned and measured without one.
"""

from __future__ import annotations

DOMAIN_PROMPTS: dict[str, str] = {
    "de": "Kundenservice: Bestellung, Paket, Bestellnummer, Postleitzahl, E-Mail, Telefonnummer, "
          "Rückerstattung, Ersatz, kaputt, zerbrochen, angekommen, Zoll, ja, nein, danke.",
    "fr": "Service client : commande, colis, numéro de commande, code postal, e-mail, numéro de "
          "téléphone, remboursement, remplacement, cassé, arrivé, douane, oui, non, merci.",
    "es": "Atención al cliente: pedido, paquete, número de pedido, código postal, correo, teléfono, "
          "reembolso, reemplazo, roto, llegó, aduana, sí, no, gracias.",
    "it": "Servizio clienti: ordine, pacco, numero d'ordine, codice postale, email, numero di "
          "telefono, rimborso, sostituzione, rotto, arrivato, dogana, sì, no, grazie.",
    "ja": "カスタマーサポート：注文、荷物、注文番号、郵便番号、メール、電話番号、返金、交換、"
          "壊れていました、割れていました、届きました、税関、はい、いいえ、ありがとうございます。",
}
