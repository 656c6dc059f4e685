"""A fixed language-identification test set: 3 everyday sentences in each of 20 languages, 60 in all.

lid176.py writes it beside the packaged model; the pipeline sends sentences.jsonl through a BlazingText batch
transform of that model and evaluate_language_id.py compares the answers with languages.txt.

The sentences were written for this project, in the style of a phrase book: the same three everyday sentences
("I do not understand what you are saying.", "Thank you very much for your help.", "The weather is very nice
today.") in every language, in plain phrase-book wording. They hold no names and no loanwords, and they carry
the marks of their own language, so that a language identifier has no reason to doubt: Danish hvad/siger/hjælp/vejret
rather than Norwegian forms, Czech ř and ě, Ukrainian і, Portuguese não/obrigado, Japanese kana besides kanji,
Chinese simplified characters. The codes are ISO 639-1, the labels lid.176 answers with (`__label__en`, ...).

Output, in a folder (one object or code per line, UTF-8, "\\n" line ends, the same order):
  sentences.jsonl   {"source": "<sentence>"}: the BlazingText batch-transform request format (Content-Type
                    application/jsonlines; developer guide, https://docs.aws.amazon.com/sagemaker/latest/dg/
                    blazingtext.html, "Model Artifacts for the Text Classification Algorithm")
  languages.txt     the expected ISO 639-1 code of each line
"""

import json
import os

SENTENCES_FILE = "sentences.jsonl"
LANGUAGES_FILE = "languages.txt"

# code -> (I do not understand what you are saying. / Thank you very much for your help. / The weather is very nice
# today.)
SENTENCES: dict[str, tuple[str, str, str]] = {
    "en": (
        "I do not understand what you are saying.",
        "Thank you very much for your help.",
        "The weather is very nice today.",
    ),
    "fr": (
        "Je ne comprends pas ce que vous dites.",
        "Merci beaucoup pour votre aide.",
        "Il fait très beau aujourd'hui.",
    ),
    "de": (
        "Ich verstehe nicht, was Sie sagen.",
        "Vielen Dank für Ihre Hilfe.",
        "Heute ist das Wetter sehr schön.",
    ),
    "es": (
        "No entiendo lo que usted dice.",
        "Muchas gracias por su ayuda.",
        "Hoy hace muy buen tiempo.",
    ),
    "it": (
        "Non capisco quello che stai dicendo.",
        "Grazie mille per il tuo aiuto.",
        "Oggi il tempo è davvero bello.",
    ),
    "pt": (
        "Eu não entendo o que você está dizendo.",
        "Muito obrigado pela sua ajuda.",
        "Hoje o tempo está muito bonito.",
    ),
    "nl": (
        "Ik begrijp niet wat u zegt.",
        "Hartelijk bedankt voor uw hulp.",
        "Het weer is vandaag erg mooi.",
    ),
    "sv": (
        "Jag förstår inte vad du säger.",
        "Tack så mycket för din hjälp.",
        "Vädret är väldigt fint i dag.",
    ),
    "da": (
        "Jeg forstår ikke, hvad du siger.",
        "Mange tak for din hjælp.",
        "Vejret er virkelig dejligt i dag.",
    ),
    "fi": (
        "En ymmärrä, mitä sinä sanot.",
        "Kiitos paljon avustasi.",
        "Tänään on todella kaunis ilma.",
    ),
    "pl": (
        "Nie rozumiem, co pan mówi.",
        "Bardzo dziękuję za pomoc.",
        "Dzisiaj jest bardzo ładna pogoda.",
    ),
    "cs": (
        "Nerozumím, co říkáte.",
        "Moc děkuji za vaši pomoc.",
        "Dnes je opravdu krásné počasí.",
    ),
    "ru": (
        "Я не понимаю, что вы говорите.",
        "Большое спасибо за вашу помощь.",
        "Сегодня очень хорошая погода.",
    ),
    "uk": (
        "Я не розумію, що ви кажете.",
        "Щиро дякую за вашу допомогу.",
        "Сьогодні дуже гарна погода.",
    ),
    "tr": (
        "Ne söylediğinizi anlamıyorum.",
        "Yardımınız için çok teşekkür ederim.",
        "Bugün hava çok güzel.",
    ),
    "el": (
        "Δεν καταλαβαίνω τι λέτε.",
        "Ευχαριστώ πολύ για τη βοήθειά σας.",
        "Σήμερα ο καιρός είναι πολύ ωραίος.",
    ),
    "ja": (
        "あなたが何を言っているのか分かりません。",
        "手伝ってくれて本当にありがとうございます。",
        "今日はとても良い天気ですね。",
    ),
    "zh": (
        "我听不懂你在说什么。",
        "非常感谢你的帮助。",
        "今天天气非常好。",
    ),
    "ar": (
        "أنا لا أفهم ما تقوله.",
        "شكرا جزيلا على مساعدتك.",
        "الطقس جميل جدا اليوم.",
    ),
    "hi": (
        "मैं समझ नहीं पा रहा हूँ कि आप क्या कह रहे हैं।",
        "आपकी मदद के लिए बहुत धन्यवाद।",
        "आज मौसम बहुत अच्छा है।",
    ),
}


def labelled_sentences() -> list[tuple[str, str]]:
    """(ISO 639-1 code, sentence) of every test sentence, language by language."""
    return [(code, sentence) for code, sentences in SENTENCES.items() for sentence in sentences]


def write_language_test(folder: str) -> int:
    """Writes FOLDER/sentences.jsonl and FOLDER/languages.txt; returns the number of sentences."""
    pairs = labelled_sentences()
    with open(os.path.join(folder, SENTENCES_FILE), "w", encoding="utf-8", newline="\n") as file:
        for _, sentence in pairs:
            file.write(json.dumps({"source": sentence}, ensure_ascii=False) + "\n")
    with open(os.path.join(folder, LANGUAGES_FILE), "w", encoding="utf-8", newline="\n") as file:
        for code, _ in pairs:
            file.write(code + "\n")
    return len(pairs)
