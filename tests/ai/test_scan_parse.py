"""The card parser on messy OCR text: every field found, national numbers read in the right country, doubts marked."""

from __future__ import annotations

from metaic.ai import card_parse
from metaic.ai.card_parse import Line, parse_lines, parse_text


def _values(fields: card_parse.CardFields, kind: str) -> list[str]:
    """The values of one kind."""
    return [f.value for f in fields.fields if f.kind == kind]


def _field(fields: card_parse.CardFields, kind: str) -> card_parse.ScannedField:
    """The first field of a kind."""
    return next(f for f in fields.fields if f.kind == kind)


def test_a_messy_english_card_gives_every_field():
    """Labels, stray spaces around '@' and dots, an O for a zero and an empty line are all read through."""
    text = """
    ADA LOVELACE
    Chief Analyst
    Analytical Engines Ltd

    Tel: +44 20 7946 O958   Mob: +44 7911 123456
    E-mail: ada . lovelace @ analytical.co.uk
    www.analytical.co.uk
    12 St James's Square, London SW1Y 4JH
    """
    found = parse_text(text)
    assert found.first("name") == "ADA LOVELACE"
    assert found.first("title") == "Chief Analyst"
    assert found.first("company") == "Analytical Engines Ltd"
    assert _values(found, "email") == ["ada.lovelace@analytical.co.uk"]
    assert _values(found, "phone") == ["+442079460958", "+447911123456"]
    assert [f.label for f in found.fields if f.kind == "phone"] == ["work", "mobile"]
    assert _values(found, "website") == ["https://www.analytical.co.uk"]
    assert _values(found, "address") == ["12 St James's Square, London SW1Y 4JH"]
    assert found.other == []


def test_a_national_number_is_read_in_the_country_of_the_address_before_the_account():
    """'06 12 34 56 78' on a card from Lyon is French even for an account in Germany, and says so."""
    found = parse_text("Jeanne Roux\nMobile : 06 12 34 56 78\n14 avenue Foch, 69006 Lyon, France", account_region="DE")
    phone = _field(found, "phone")
    assert phone.value == "+33612345678"
    assert "FR" in phone.note


def test_a_national_number_falls_back_to_the_account_country():
    """Without an address or script to go by, the account's country reads the number."""
    found = parse_text("Marcus Webb\n(415) 555-0132", account_region="US")
    assert _values(found, "phone") == ["+14155550132"]


def test_a_number_that_cannot_be_read_is_kept_and_marked():
    """Without any country to read it in, the number stays as printed, marked uncertain with a reason."""
    phone = _field(parse_text("Noah\n555 0199 123"), "phone")
    assert phone.value == "555 0199 123"
    assert phone.uncertain and "country code" in phone.note


def test_cjk_cards_are_read_by_script_and_company_words():
    """A Japanese card: the number is read as Japanese from the script, the 株式会社 line is the company."""
    found = parse_text("山田太郎\n営業部長\n株式会社サクラ商事\nTEL 03-1234-5678\nt.yamada@sakura-shoji.co.jp")
    assert found.first("name") == "山田太郎"
    assert found.first("title") == "営業部長"
    assert found.first("company") == "株式会社サクラ商事"
    assert _values(found, "phone") == ["+81312345678"]


def test_low_ocr_confidence_marks_a_field_uncertain():
    """A name read at 40% confidence is kept but marked for the owner to check; a clear email is not."""
    lines = [Line("Hélène Dubois", 40, 60), Line("helene@atelier.fr", 92, 30)]
    found = parse_lines(lines)
    assert _field(found, "name").uncertain and "check" in _field(found, "name").note
    assert not _field(found, "email").uncertain


def test_the_company_is_found_from_the_email_domain_when_it_has_no_company_word():
    """'Northwind Traders' has no legal form, but northwind.com names it."""
    found = parse_text("Marcus Webb\nHead of Sales\nNorthwind Traders\nmarcus.webb@northwind.com")
    assert found.first("company") == "Northwind Traders"
    assert not _field(found, "company").uncertain


def test_a_guess_by_position_is_marked():
    """Lines with no job or company word become title and company only as marked guesses, in card order."""
    found = parse_text("Ana Lima\nSomething Odd Here\nAnother Line\nana@lima.pt")
    title, company = _field(found, "title"), _field(found, "company")
    assert (title.value, company.value) == ("Something Odd Here", "Another Line")
    assert title.uncertain and company.uncertain and "Guessed" in title.note


def test_dotted_company_forms_are_not_websites_and_a_bad_email_is_marked():
    """'S.p.A.' and 'S.L.' are company forms, not addresses on the web; 'x@y' is not an email."""
    found = parse_text("Giulia Bianchi\nFerrari Tessuti S.p.A.\nSoluciones S.L.\ngiulia@ferraritessuti.it")
    assert _values(found, "website") == []
    assert found.first("company") == "Ferrari Tessuti S.p.A."
    assert parse_text("Bob\nmail bob@@example")
    assert _values(parse_text("Bob\nbob@example.c0m"), "email") == []


def test_an_empty_or_garbage_text_gives_no_fields():
    """Nothing readable gives nothing, and never an exception."""
    assert parse_text("").fields == []
    assert parse_text("|||\n---\n..").fields == []
