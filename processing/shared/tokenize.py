"""A deterministic English word tokenizer: one regular expression in the spirit of NLTK's word_tokenize.

No downloads and no models (NLTK's punkt is not in the processing images). Rules, tried in this order at each
position of the text; whitespace only separates tokens and is never part of one:
  1. a number with inner separators: digits groups joined by '.', ',', ':' or '/'  -> '3.14', '1,000', '12:30', '1/2'
  2. a word: letters or digits of any script (Unicode \\w without '_'), joined by single inner apostrophes (' or ’)
     or hyphens                                                                   -> "don't", "o'neill", "well-known",
                                                                                     "1990s", "zürich", "x86-64"
  3. an ellipsis '...' or a double dash '--'
  4. any other single non-whitespace character: punctuation and symbols are tokens of their own
                                                                                  -> '(', ',', '"', '.', '_', '$'
So a trailing or leading apostrophe/hyphen is split off ("dogs'" -> "dogs", "'"), abbreviations split at their dots
("u.s." -> "u", ".", "s", "."), and contractions stay whole (unlike NLTK, which splits "don't" into "do", "n't").
Tokens never contain whitespace and, because '_' is always a token of its own, never contain '__label__'.
Case is left as is: callers lower-case first.
"""

import re

_TOKEN = re.compile(
    r"""
    [0-9]+(?:[.,:/][0-9]+)+          # 1. numbers with inner separators
    | [^\W_]+(?:['’-][^\W_]+)*       # 2. words, internal apostrophes and hyphens kept
    | \.\.\. | --                    # 3. ellipsis, double dash
    | \S                             # 4. any other character, alone
    """,
    re.VERBOSE,
)


def tokenize(text: str) -> list[str]:
    """The tokens of text, in order (see the module docstring for the rules)."""
    return _TOKEN.findall(text)
