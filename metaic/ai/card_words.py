"""Word lists the card parser uses to tell a job title, a company and a street address apart."""

from __future__ import annotations

import re

# Job-title words in the languages the scanner reads (lower-case; matched as words or, for CJK, as parts).
TITLE_WORDS = {
    # English
    "engineer", "manager", "director", "head", "ceo", "cto", "cfo", "coo", "founder", "co-founder", "partner",
    "consultant", "designer", "developer", "sales", "marketing", "president", "officer", "vp", "lead",
    "architect", "analyst", "specialist", "advisor", "adviser", "owner", "executive", "associate", "assistant",
    "coordinator", "researcher", "scientist", "professor", "lawyer", "attorney", "solicitor", "accountant",
    "administrator", "representative", "agent", "chief", "senior", "junior", "principal", "intern", "editor",
    "photographer", "writer", "producer", "chairman", "secretary", "treasurer", "doctor", "nurse", "teacher",
    # French
    "directeur", "directrice", "ingénieur", "ingenieur", "gestionnaire", "responsable", "chef", "chargé",
    "chargée", "conseiller", "conseillère", "gérant", "gérante", "commercial", "commerciale", "fondateur",
    "fondatrice", "associé", "associée", "avocat", "avocate", "projets",
    # German
    "geschäftsführer", "geschäftsführerin", "leiter", "leiterin", "berater", "beraterin", "ingenieurin",
    "vertrieb", "inhaber", "inhaberin", "vorstand", "entwickler", "entwicklerin", "referent", "referentin",
    # Spanish / Portuguese / Italian
    "directora", "gerente", "arquitecto", "arquitecta", "ingeniero", "ingeniera", "consultor",
    "consultora", "jefe", "jefa", "ventas", "fundador", "fundadora", "abogado", "abogada", "diretor", "diretora",
    "responsabile", "direttore", "direttrice", "ingegnere", "acquisti", "vendite", "sênior", "sénior",
    "amministratore", "socio", "sócio",
}  # fmt: skip
TITLE_PARTS = (
    # Japanese, Chinese, Korean
    "部長", "課長", "社長", "取締役", "代表", "係長", "主任", "担当", "デザイナー", "エンジニア", "マネージャー",
    "総監", "总监", "经理", "經理", "总裁", "董事", "主管", "工程师", "设计师", "总经理",
    "대표", "이사", "부장", "과장", "팀장", "연구원", "디자이너", "엔지니어", "매니저", "실장", "사원",
)  # fmt: skip

COMPANY_SUFFIXES = re.compile(
    r"\b(ltd|limited|llc|llp|inc|corp|corporation|co|company|gmbh|ag|kg|se|sa|s\.a|s\.l|sl|sas|sarl|s\.a\.r\.l|"
    r"s\.p\.a|spa|srl|s\.r\.l|bv|nv|oy|ab|as|a/s|pty|plc|ltda|eireli|kk|k\.k|group|holdings|"
    r"solicitors|partners|associates|studio|estudio|atelier|labs|ventures|consulting|technologies|"
    r"société|societe|analytics|robotics|traders|design|digital|software|systems|solutions|soluciones)\b\.?",
    re.IGNORECASE,
)
COMPANY_PARTS = (
    "株式会社", "有限会社", "合同会社", "商事", "工房", "有限公司", "公司", "集团", "科技", "贸易",
    "주식회사", "(주)", "㈜", "소프트", "바이오", "그룹", "테크",
)  # fmt: skip

ADDRESS_WORDS = re.compile(
    r"\b(street|st|road|rd|avenue|ave|av|boulevard|blvd|boul|lane|ln|drive|dr|square|sq|place|pl|suite|floor|"
    r"rue|avenue|bd|allée|chemin|quai|cedex|straße|strasse|str|weg|platz|allee|gasse|calle|avda|paseo|passeig|"
    r"plaza|carrer|via|viale|piazza|corso|rua|avenida|travessa|po box|p\.o\. box)\b\.?",
    re.IGNORECASE,
)
ADDRESS_PARTS = (
    "都",
    "道",
    "府",
    "県",
    "区",
    "市",
    "町",
    "丁目",
    "番地",
    "省",
    "路",
    "街",
    "号",
    "구",
    "로",
    "시",
    "동",
    "길",
)
POSTCODE = re.compile(
    r"\b(\d{5}(-\d{4})?|\d{4}|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{3}-\d{4}|[A-Z]\d[A-Z] ?\d[A-Z]\d)\b"
)

# Words printed before a phone number, by the label the contact book uses.
PHONE_LABELS = {
    "mobile": ("mob", "mobile", "cell", "móvil", "movil", "portable", "handy", "cellulare", "celular", "手机",
               "携帯", "휴대폰", "핸드폰", "m"),
    "fax": ("fax", "telefax", "传真", "ファックス", "팩스", "f"),
    "work": ("tel", "phone", "téléphone", "telefon", "teléfono", "telefono", "telefone", "电话", "電話", "전화",
             "office", "direct", "t", "p"),
}  # fmt: skip


def is_title(text: str) -> bool:
    """True when a line reads as a job title."""
    words = {w.strip(".,&()") for w in text.lower().split()}
    return bool(words & TITLE_WORDS) or any(part in text for part in TITLE_PARTS)


def is_company(text: str) -> bool:
    """True when a line carries a company form or a company word (Ltd, GmbH, 株式会社, ...)."""
    return bool(COMPANY_SUFFIXES.search(text)) or any(part in text for part in COMPANY_PARTS)


def address_score(text: str) -> float:
    """How much a line looks like a postal address: 0 (not at all) to 1 (street word and number)."""
    has_digit = any(ch.isdigit() for ch in text)
    words = bool(ADDRESS_WORDS.search(text)) or sum(part in text for part in ADDRESS_PARTS) >= 2
    postcode = bool(POSTCODE.search(text))
    if words and has_digit:
        return 1.0
    if words or (postcode and "," in text):
        return 0.7
    return 0.0
