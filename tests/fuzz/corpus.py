"""Hostile values: the Big List of Naughty Strings plus cases specific to Japanese text and forms.

Everything here is plain data; ``strategies`` turns it into Hypothesis strategies.
"""
from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def load_blns(path: Path = DATA_DIR / "blns.txt") -> tuple[str, ...]:
    """The non-comment, non-empty lines of ``blns.txt`` (MIT, see ``blns.LICENSE``), in file order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(dict.fromkeys(line for line in lines if line and not line.startswith("#")))


BLNS: tuple[str, ...] = load_blns()

#: Text a Japanese user (or a hostile one) may send that plain Unicode fuzzing rarely hits.
JAPANESE: tuple[str, ...] = (
    # half-width kana, with dakuten as separate code points, and a half-width/full-width mix
    "ｶﾞｲｺｸｼﾞﾝ", "ﾃｽﾄｶﾌﾞｼｷｶﾞｲｼｬ", "ｱｲｳｴｵ ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ", "ﾃｽﾄ株式会社", "ｺｳﾁｼ 高知市", "ｰ｢｣､･", "ﾞﾟ",
    # machine-dependent characters (機種依存文字) and their NFKC-unstable look-alikes
    "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳", "Ⅰ Ⅱ Ⅲ Ⅳ Ⅴ ⅰⅱⅲ", "㈱テスト", "㈲土佐商店", "㈹", "㍻㍼㍽㍾令和", "㌔㌢㍍㌘㌧㌦",
    "№℡㏍", "髙橋 﨑山 德島 塚本", "～〜－−‐", "―—ー", "＼￥¥", "￢¦", "∑∟⊿∵∩∪", "≒≡∫∮√⊥∠",
    # surrogate pairs in UTF-16 (JIS X 0213 level 3/4 kanji, emoji, flags, combining sequences)
    "𠮷野家", "𩸽の干物", "𡈽", "𠀋𡈽𡌛𡑮𡢽", "🍣🍺🗾", "👨‍👩‍👧‍👦", "🇯🇵", "か\u3099", "は\u309a", "葛\U000e0100城市",
    # zero-width and bidi controls, BOMs, odd spaces
    "\u200b", "ゼロ\u200b幅", "\u200c\u200d", "\ufeff先頭BOM", "途中\ufeffBOM", "\u2060結合禁止", "\u202e逆向き\u202c",
    "\u202dLTR\u202c", "\u2066隔離\u2069", "\u061c", "\u200f右から", "\u3000全角スペース\u3000", "\u3000", "\u00a0",
    "\u2028行区切り\u2029", "\t", "\r\n", "\n\n\n", " \u3000 ",
    # NUL and other C0/C1 controls, DEL, lone escape
    "\x00", "名前\x00", "\x00\x00\x00", "\x01\x02\x03\x1b[31m", "\x7f", "\x85", "\x9b", "\x1a",
    # full-width digits, Kanji numerals, era dates, yen
    "１２３", "－１", "１．５", "１，０００", "百", "二十", "〇", "令和7年4月1日", "R7.4.1", "H31/4/30",
    "２０２５－０４－０１", "2025年4月1日", "¥1,000", "1,000円", "5万円", "3億",
    # names and addresses in odd shapes
    "山田\u3000太郎", "ヤマダ タロウ", "やまだ　たろう", "高知県高知市本町一丁目２番３号", "〒780-0850",
    "090-1234-5678", "０９０－１２３４－５６７８", "tarō@例え.jp", "テスト@example.jp", "a@b", "@",
    # HTML, template and SQL in Japanese context
    "<b>太字</b>", "<script>alert('あ')</script>", "{{ 7*7 }}", "{% raw %}", "${7*7}", "'; DROP TABLE users;--",
    "%(name)s", "%s%s%s", "{0}", "\\u3042", "&#x3042;", "&amp;", "=HYPERLINK(\"http://x\")", "+81", "-1+1", "@SUM(1)",
    # mojibake (UTF-8 read as cp932 and vice versa)
    "繧ｵ繝ｳ繝励Ν", "ã‚µãƒ³ãƒ—ãƒ«", "�����", "\ufffd",
    # values meant for other fields
    "削除しない", "on", "off", "yes", "-", "0", "-0", "1e309", "NaN", "inf", "None", "null", "[]", "{}",
)

#: Values for number-like inputs (ints, money, years, hours) beyond what BLNS covers.
NUMBERS: tuple[str, ...] = (
    "-1", "0", "1", "-0", "00", "007", "1.5", "1e3", "1e309", "-1e309", "NaN", "Infinity", "-Infinity",
    "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
    "99999999999999999999999999999", "0x10", "0b1", "1_000", "1,000", " 1 ", "+1", "１２", "１０００００", "١٢",
    "五", "½", "", " ", "一〇", "1円", "10万",
)

#: Values for date inputs.
DATES: tuple[str, ...] = (
    "2025-02-30", "2025-13-01", "2025-00-10", "0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01",
    "1900-02-29", "2024-02-29", "2025/04/01", "2025-4-1", "20250401", "令和7年4月1日", "R7-04-01",
    "２０２５－０４－０１", "2025-04-01T00:00:00", "2025-04-01 ", "-2025-04-01", "today", "", "1e3",
)
