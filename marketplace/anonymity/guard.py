"""Find the details of an anonymous case that link it to its firm (pure Python)."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: Flag kinds, in the order they are shown.
KINDS = ("name", "shared_words", "place", "address", "figure", "url", "phone", "email")


@dataclass(frozen=True, slots=True)
class Flag:
    """One linkable detail: ``kind`` (see ``KINDS``), the ``field`` it is in, the ``excerpt`` found,
    and a ``suggestion`` (replacement text, e.g. a range) or ``""`` when the detail should go."""

    kind: str
    field: str
    excerpt: str
    suggestion: str = ""


def normalise(text: str) -> str:
    """NFKC (full-width digits and letters to half-width), lower-case latin letters."""
    return unicodedata.normalize("NFKC", text or "").lower()


# --- exact figures ---------------------------------------------------------------------
_MONEY_CONTEXT = ("売上", "年商", "売上高", "資本金", "利益", "経常", "純資産", "借入", "負債", "営業収益", "取引高")
_MONEY = re.compile(r"(?:(\d+(?:\.\d+)?)\s*億)?\s*(?:(\d[\d,]*)\s*万)?\s*(\d[\d,]*)?\s*円")
_EMPLOYEES = re.compile(r"(従業員|社員|スタッフ|職員|パート|従業者)(?:数)?\s*(?:は|が|:)?\s*(?:約)?\s*(\d+)\s*(名|人)")
_FOUNDED_YEAR = re.compile(r"(?:(\d{4})\s*年\s*(?:に)?\s*(?:創業|設立|創立|開業))|(?:(?:創業|設立|創立|開業)\s*(?:は)?\s*(\d{4})\s*年)")
_ERA_YEAR = re.compile(r"(明治|大正|昭和|平成|令和)\s*(\d{1,2}|元)\s*年\s*(?:に)?\s*(創業|設立|創立|開業)")
_FOUNDED_AGE = re.compile(r"(創業|設立|創立)\s*(\d{2,3})\s*年")


def money_range(yen: int) -> str:
    """A range wide enough not to single out a firm: 123,000,000 → 「1〜3億円」."""
    bands = ((10_000_000, "1,000万円未満"), (50_000_000, "1,000万〜5,000万円"), (100_000_000, "5,000万〜1億円"),
             (300_000_000, "1〜3億円"), (1_000_000_000, "3〜10億円"), (3_000_000_000, "10〜30億円"))
    for upper, label in bands:
        if yen < upper:
            return label
    return "30億円以上"


def employee_range(count: int) -> str:
    bands = ((6, "5名以下"), (21, "6〜20名"), (51, "21〜50名"), (101, "51〜100名"), (301, "101〜300名"))
    for upper, label in bands:
        if count < upper:
            return label
    return "300名超"


def _yen(match: re.Match[str]) -> int | None:
    oku, man, units = match.group(1), match.group(2), match.group(3)
    if not (oku or man or units):
        return None
    total = 0.0
    if oku:
        total += float(oku) * 100_000_000
    if man:
        total += int(man.replace(",", "")) * 10_000
    if units:
        value = int(units.replace(",", ""))
        total += value if (oku or man) else value  # 「1億2,300万円」 or 「123,000,000円」
    return int(total)


def _figures(field: str, text: str) -> list[Flag]:
    flags = []
    for match in _MONEY.finditer(text):
        before = text[max(0, match.start() - 12):match.start()]
        yen = _yen(match)
        if yen is None or yen < 1_000_000 or not any(word in before for word in _MONEY_CONTEXT):
            continue
        flags.append(Flag("figure", field, match.group(0).strip(), money_range(yen)))
    for match in _EMPLOYEES.finditer(text):
        flags.append(Flag("figure", field, match.group(0).strip(),
                          f"{match.group(1)}{employee_range(int(match.group(2)))}"))
    for match in _FOUNDED_YEAR.finditer(text):
        flags.append(Flag("figure", field, match.group(0).strip(), "創業〇〇年以上（10年単位）"))
    for match in _ERA_YEAR.finditer(text):
        flags.append(Flag("figure", field, match.group(0).strip(), f"{match.group(1)}期{match.group(3)}"))
    for match in _FOUNDED_AGE.finditer(text):
        years = int(match.group(2))
        if years % 10:
            flags.append(Flag("figure", field, match.group(0), f"{match.group(1)}{years // 10 * 10}年以上"))
    return flags


# --- contacts, addresses, names --------------------------------------------------------
_URL = re.compile(r"(?:https?://|www\.)[^\s、。）)」]+|\b[a-z0-9][a-z0-9-]*\.(?:co\.jp|or\.jp|ne\.jp|jp|com|net|shop)\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:0\d{1,4}[-(（ ]\d{1,4}[-)） ]\d{3,4}|0[5789]0\d{8}|0\d{9})(?!\d)")
_POSTCODE = re.compile(r"〒?\s*\d{3}-\d{4}")
_STREET = re.compile(r"[一-龥ぁ-んァ-ヶ]{1,8}(?:\d+|[一二三四五六七八九十]+)\s*(?:丁目|番地|番|号)(?:\s*\d+(?:-\d+)*)?|\d+-\d+(?:-\d+)?\s*(?:番地)?(?=\s|$|[、。])")
_PERSON = re.compile(r"([一-龥]{2,4}(?:[ 　][一-龥]{1,3})?)\s*(社長|会長|氏)")
_PERSON_TITLE_FIRST = re.compile(r"(?:代表取締役|代表者?|社長|会長|店主|当主)(?:の|は|：|:)?\s*([一-龥]{2,4}(?:[ 　][一-龥]{1,3})?)(?:氏|様|さん)")
_LEGAL_FORMS = ("株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "(株)", "(有)", "本店", "本社")
_NOT_NAMES = {"代表", "現代表", "先代", "当社", "弊社", "取引先", "経営者", "代表者", "後継", "創業", "歴代", "新"}


def name_cores(name: str) -> list[str]:
    """A firm's name and its core without the legal form: 「土佐酒造株式会社 本店」 → 土佐酒造."""
    text = normalise(name)
    cores = {text.strip()}
    core = text
    for form in _LEGAL_FORMS:
        core = core.replace(normalise(form), " ")
    for part in core.split():
        if len(part) >= 2:
            cores.add(part)
    return sorted((c for c in cores if len(c) >= 2), key=len, reverse=True)


def _contacts(field: str, text: str) -> list[Flag]:
    flags = [Flag("email", field, m.group(0)) for m in _EMAIL.finditer(text)]
    without_mail = _EMAIL.sub(" ", text)
    flags += [Flag("url", field, m.group(0)) for m in _URL.finditer(without_mail)]
    flags += [Flag("phone", field, m.group(0).strip()) for m in _PHONE.finditer(without_mail)]
    flags += [Flag("address", field, m.group(0).strip()) for m in _POSTCODE.finditer(text)]
    phones = {f.excerpt for f in flags if f.kind == "phone"}
    for m in _STREET.finditer(text):
        if m.group(0).strip() and not any(m.group(0).strip() in p for p in phones):
            flags.append(Flag("address", field, m.group(0).strip()))
    return flags


def _people(field: str, text: str) -> list[Flag]:
    found = []
    for m in _PERSON_TITLE_FIRST.finditer(text):
        found.append(m.group(0))
    for m in _PERSON.finditer(text):
        if m.group(1) not in _NOT_NAMES and not m.group(1).endswith(("代表", "の")):
            found.append(m.group(0))
    return [Flag("name", field, excerpt.strip()) for excerpt in dict.fromkeys(found)]


# --- words shared with the firm's other postings --------------------------------------------
_HIRAGANA_OR_PUNCT = re.compile(r"[ぁ-ゖー・、。，．,.!?！？「」『』（）()\[\]【】\s:：;；/／〜~…\-]+")
_MIN_TERM, _MAX_TERM = 3, 24
_QUOTED = re.compile(r"[「『【\"]([^」』】\"]{2,30})[」』】\"]")


def _segments(text: str) -> list[str]:
    """Runs of kanji, katakana, latin letters and digits (hiragana and punctuation split them)."""
    return [s for s in _HIRAGANA_OR_PUNCT.split(normalise(text)) if s]


def _terms(text: str) -> set[str]:
    """Every substring of 3–24 characters of each segment (candidate distinctive terms)."""
    out: set[str] = set()
    for seg in _segments(text):
        for i in range(len(seg)):
            for j in range(i + _MIN_TERM, min(len(seg), i + _MAX_TERM) + 1):
                out.add(seg[i:j])
    return out


def shared_terms(text: str, own_texts: Iterable[str], background: Sequence[str], *,
                 common_share: float = 0.02, stop_words: Iterable[str] = ()) -> list[str]:
    """Longest terms of ``text`` that also occur in the firm's ``own_texts`` and are rare in
    ``background`` (other firms' postings): in fewer than 2 of them and under ``common_share``
    of them. Digits-only terms are left to the figure checks."""
    own_list = [normalise(o) for o in own_texts]
    own = set()
    for other in own_list:
        own |= _terms(other)
    shared = _terms(text) & own
    # A quoted name (a product, a brand: 「柚香しずく」) counts whole, hiragana included.
    shared |= {q for q in _QUOTED.findall(normalise(text)) if any(q in o for o in own_list)}
    stops = {normalise(w) for w in stop_words}
    background_norm = [normalise(b) for b in background]
    limit = max(2, int(common_share * len(background_norm)) + 1)

    def rare(term: str) -> bool:
        hits = 0
        for doc in background_norm:
            if term in doc:
                hits += 1
                if hits >= limit:
                    return False
        return True

    candidates = sorted((t for t in shared if not t.isdigit() and t not in stops), key=len, reverse=True)
    kept: list[str] = []
    for term in candidates:
        if any(term in longer for longer in kept):
            continue
        if rare(term):
            kept.append(term)
    # Report in the order they appear in the text.
    norm = normalise(text)
    return sorted(kept, key=lambda t: norm.find(t))


# --- the whole check ---------------------------------------------------------------------
def find_links(fields: Mapping[str, str], *, firm_names: Iterable[str] = (), own_texts: Iterable[str] = (),
               background: Sequence[str] = (), place_names: Iterable[str] = (), region: str = "",
               stop_words: Iterable[str] = ()) -> list[Flag]:
    """Every linkable detail in ``fields`` (field name → published text of the anonymous case).

    ``firm_names``: the organisation's name and the confidential firm name; ``own_texts``: texts of
    the same organisation's other postings; ``background``: texts of other organisations' postings
    (what is common is not distinctive); ``place_names``: municipality names finer than the
    prefecture (the city is shown only after disclosure); ``region``: what to write instead.
    """
    cores = [c for name in firm_names if name for c in name_cores(name)]
    places = [normalise(p) for p in place_names if p and len(p) >= 2]
    own = [t for t in own_texts if t]
    flags: list[Flag] = []
    for field, raw in fields.items():
        if not raw:
            continue
        text = normalise(raw)
        named = [c for c in cores if c in text]
        for core in named:
            if not any(core in other for other in named if other != core and len(other) > len(core)):
                flags.append(Flag("name", field, core))
        flags += _people(field, raw)
        for place in places:
            if place in text:
                flags.append(Flag("place", field, place, region))
        flags += _contacts(field, text)
        flags += _figures(field, text)
        if own:
            skip = set(cores) | set(places)
            for term in shared_terms(raw, own, background, stop_words=stop_words):
                if not any(term in s or s in term for s in skip):
                    flags.append(Flag("shared_words", field, term))
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for flag in sorted(flags, key=lambda f: KINDS.index(f.kind)):
        key = (flag.kind, flag.field, flag.excerpt)
        if key not in seen:
            seen.add(key)
            unique.append(flag)
    return unique
