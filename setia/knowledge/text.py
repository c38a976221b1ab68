"""Indonesian as merchants write it, turned into index terms.

The same pipeline runs when an answer is indexed and when a message is searched, so that
"gmn cara ganti domain toko kak?" and "Bagaimana cara mengganti domain toko?" meet on the same
terms: lower case, informal spellings and abbreviations written out, greetings and filler words
dropped, domain synonyms folded onto one term, then Sastrawi's stemmer.
"""

import re
from functools import lru_cache

from rapidfuzz.distance import OSA
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

# Informal spellings and chat abbreviations → the word they stand for.
INFORMAL = {
    "gmn": "bagaimana", "gmna": "bagaimana", "gimana": "bagaimana", "gmana": "bagaimana",
    "bgmn": "bagaimana", "gimna": "bagaimana",
    "ga": "tidak", "gak": "tidak", "gk": "tidak", "nggak": "tidak", "ngga": "tidak",
    "enggak": "tidak", "engga": "tidak", "tdk": "tidak", "g": "tidak", "kagak": "tidak",
    "udh": "sudah", "udah": "sudah", "sdh": "sudah", "dah": "sudah", "uda": "sudah",
    "blm": "belum", "blom": "belum", "belom": "belum",
    "yg": "yang", "dgn": "dengan", "dg": "dengan", "bs": "bisa", "bsa": "bisa",
    "tp": "tapi", "tpi": "tapi", "krn": "karena", "karna": "karena", "soalnya": "karena",
    "sy": "saya", "aku": "saya", "gw": "saya", "gue": "saya", "sya": "saya",
    "dr": "dari", "utk": "untuk", "untk": "untuk",
    "klo": "kalau", "kalo": "kalau", "kl": "kalau", "knp": "kenapa", "napa": "kenapa",
    "jd": "jadi", "jdi": "jadi", "lg": "lagi", "aja": "saja", "aj": "saja", "sm": "sama",
    "trs": "terus", "trus": "terus", "bgt": "banget", "brp": "berapa", "brapa": "berapa",
    "dmn": "mana", "dimana": "mana", "pake": "pakai", "pk": "pakai", "gmbr": "gambar",
    "tf": "transfer", "trf": "transfer", "trnsfr": "transfer", "org": "orang",
    "hrs": "harus", "msh": "masih", "masi": "masih", "mau": "ingin", "pengen": "ingin",
    "pgn": "ingin", "pingin": "ingin", "skrg": "sekarang", "skr": "sekarang",
    "bln": "bulan", "thn": "tahun", "hr": "hari", "tgl": "tanggal", "jg": "juga",
    "nyampe": "sampai", "nyampai": "sampai", "ilang": "hilang", "gabisa": "tidak bisa",
    "gbs": "tidak bisa", "gakbisa": "tidak bisa", "hp": "ponsel",
    "ol": "online", "onlen": "online", "olshop": "toko online", "webnya": "web",
    "websitenya": "website", "gratisan": "gratis", "dibalikin": "kembali",
    "balikin": "kembali", "ganti2": "ganti", "nambah": "tambah", "nambahin": "tambah",
    "ngubah": "ubah", "ngganti": "ganti", "gnti": "ganti", "masukin": "masuk",
    "upload": "unggah", "aplod": "unggah", "uplod": "unggah", "ngupload": "unggah",
    "diupload": "unggah", "mengupload": "unggah", "gimanaa": "bagaimana",
    "sampe": "sampai", "abis": "habis", "dateng": "datang", "dtg": "datang", "kyk": "seperti",
    "kayak": "seperti", "gmna2": "bagaimana", "dsini": "sini", "disini": "sini",
    "dpt": "dapat", "dapet": "dapat", "bikin": "buat", "bkin": "buat", "kasi": "kasih",
}  # fmt: skip

# Words that carry no meaning for finding an answer: greetings, politeness, particles, question
# words, pronouns, and their English counterparts (answers are searched in both languages).
STOPWORDS = frozenset(
    [
        "halo", "hallo", "hai", "hi", "hello", "helo", "pagi", "siang", "sore", "malam", "selamat",
        "assalamualaikum", "salam", "kak", "ka", "kaka", "kakak", "min", "mimin", "admin", "gan",
        "agan", "sis", "bang", "bro", "mas", "mba", "mbak", "pak", "bu", "ibu", "bapak", "om",
        "tante", "terima", "kasih", "makasih", "makasi", "thanks", "thank", "trims", "tq", "mohon",
        "tolong", "please", "maaf", "permisi", "ya", "yah", "iya", "ye", "dong", "donk", "deh", "sih",
        "nih", "tuh", "kok", "kan", "loh", "lho", "nah", "kah", "lah", "pun", "yuk", "ok", "oke",
        "okay", "yang", "dan", "atau", "di", "ke", "dari", "dengan", "untuk", "pada", "dalam", "ini",
        "itu", "tersebut", "ada", "adalah", "akan", "juga", "saja", "sama", "lagi", "terus", "banget",
        "sangat", "apa", "apakah", "bagaimana", "gimana", "cara", "caranya", "kenapa", "mengapa",
        "kapan", "mana", "berapa", "siapa", "bisa", "bisakah", "boleh", "dapat", "saya", "kami",
        "kita", "anda", "kamu", "dia", "mereka", "nya", "sudah", "belum", "masih", "sedang", "mau",
        "ingin", "harus", "perlu", "jadi", "kalau", "jika", "karena", "tapi", "tetapi", "sekarang",
        "tanya", "nanya", "bertanya", "mengenai", "tentang", "soal", "hal", "gitu", "begitu",
        "seperti", "agar", "supaya", "biar", "sampai", "the", "a", "an", "is", "are", "am", "to",
        "of", "in", "on", "for", "and", "or", "with", "my", "our", "your", "we", "i", "you", "it",
        "this", "that", "do", "does", "can", "how", "what", "why", "when", "where", "which", "there",
        "be", "been", "have", "has", "please", "hey", "sini", "situ", "pakai", "tidak",
    ]
)  # fmt: skip

_TOKEN = re.compile(r"[0-9a-z]+")


@lru_cache(maxsize=1)
def stemmer():
    """Sastrawi's stemmer, built once per process: building it loads a dictionary of ~30,000
    root words, far too slow to repeat per message."""
    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The root of one word (Sastrawi returns a word it does not know unchanged)."""
    if len(word) <= 3 or word.isdigit():
        return word
    return stemmer().stem(word) or word


def is_word(word: str) -> bool:
    """Whether `word` or its root is in Sastrawi's dictionary of Indonesian root words: a real
    word the answers lack ("resep") must not be "corrected" to one they have ("reset")."""
    dictionary = stemmer().delegatedStemmer.dictionary
    return dictionary.contains(word) or dictionary.contains(stem(word))


def words(text: str) -> list[str]:
    """Lower-case words with informal spellings written out; `-` between repeated words
    ("produk-produk") and letters stretched in chat ("bisaaa") are folded."""
    text = (text or "").lower().replace("-", " ")
    result: list[str] = []
    for token in _TOKEN.findall(text):
        token = re.sub(r"([a-z])\1{2,}", r"\1", token)
        if token.endswith("2") and len(token) > 3 and not token[:-1].isdigit():
            token = token[:-1]  # "produk2" = "produk-produk"
        result.extend(INFORMAL.get(token, token).split())
    return result


def apply_synonyms(
    tokens: list[str], synonyms: dict[tuple[str, ...], str]
) -> list[tuple[str, str]]:
    """Replace every phrase of `synonyms` ({(word, ...): term}) by its term, longest first; a
    phrase matches as written or by its words' roots ("perpanjangnya" as "perpanjang").

    Returns (token, the words it came from) pairs; the words differ from the token only where a
    synonym was folded."""
    if not synonyms:
        return [(token, token) for token in tokens]
    longest = max(len(phrase) for phrase in synonyms)
    roots = [stem(token) for token in tokens]
    result: list[tuple[str, str]] = []
    position = 0
    while position < len(tokens):
        for size in range(min(longest, len(tokens) - position), 0, -1):
            phrase = tuple(tokens[position : position + size])
            term = synonyms.get(phrase) or synonyms.get(tuple(roots[position : position + size]))
            if term is not None:
                result.append((term, " ".join(phrase)))
                position += size
                break
        else:
            result.append((tokens[position], tokens[position]))
            position += 1
    return result


def analyse(text: str, synonyms: dict[tuple[str, ...], str]) -> list[tuple[str, str]]:
    """(index term, the words it came from) for every meaningful word of `text`, in order,
    repeats kept (term frequency counts)."""
    result = []
    folded = set(synonyms.values())
    for token, origin in apply_synonyms(words(text), synonyms):
        if token in STOPWORDS:
            continue
        root = token if token in folded else stem(token)
        if len(root) > 1 and root not in STOPWORDS:
            result.append((root, origin))
    return result


def terms(text: str, synonyms: dict[tuple[str, ...], str]) -> list[str]:
    """The index terms of `text`, in order, repeats kept."""
    return [term for term, _origin in analyse(text, synonyms)]


def synonym_phrases(rows) -> dict[tuple[str, ...], str]:
    """{(word, ...): term} from (term, [variant, ...]) rows; the term itself maps to itself so
    that its stem is never taken."""
    phrases: dict[tuple[str, ...], str] = {}
    for term, variants in rows:
        for variant in [term, *variants]:
            phrase = tuple(words(variant))
            if phrase:
                phrases[phrase] = term
                phrases.setdefault(tuple(stem(word) for word in phrase), term)
    return phrases


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance in its optimal-string-alignment form (adjacent swaps count
    one, no substring edited twice), or `limit + 1` once above it.

    rapidfuzz computes it in C: a misspelt word is compared with up to thousands of terms of
    the same first letters at 10,000 answers, which a Python loop took most of a question's
    time over (~0.4 ms a pair against ~0.2 µs); the distances are the same."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    return min(OSA.distance(a, b, score_cutoff=limit), limit + 1)


def typo_limit(word: str) -> int:
    """How many edits a word of this length may be from the term it was meant to be."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 7 else 2
