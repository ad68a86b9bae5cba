"""The normalised forms of a contact's details: names, nicknames, phones, postcodes, addresses,
e-mail addresses and dates of birth (pure functions, no database)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from beacon.people import normalise as n
from beacon.people.nicknames import GROUPS_BY_NAME, NICKNAME_GROUPS

TODAY = date(2025, 6, 1)


# --- fold ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("O'Brien", "obrien"),
        ("O\u2019Brien", "obrien"),  # typographic apostrophe
        ("Smith-Jones", "smith jones"),
        ("Smith\u2013Jones", "smith jones"),  # en dash
        ("  JOHN   SMITH  ", "john smith"),
        ("Zoë", "zoe"),
        ("ZOË", "zoe"),
        ("Siân Wyn", "sian wyn"),
        ("Łukasz Wróbel", "lukasz wrobel"),
        ("Strauß", "strauss"),
        ("Ærø Øster", "aero oster"),
        ("J.R.R. Tolkien", "j r r tolkien"),
        ("St. Mary's Rd, Leeds", "st marys rd leeds"),
        ("flat\t2\n14 Acacia", "flat 2 14 acacia"),
        ("ﬁnn", "finn"),  # compatibility ligature
        ("Дмитрий", "дмитрии"),  # no ASCII form: kept (accents still go), not lost
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert n.fold(raw) == folded


@pytest.mark.parametrize("blank", [None, "", "   ", "\t\n", "'-.,"])
def test_fold_blank(blank: str | None) -> None:
    assert n.fold(blank) == ""


# --- names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("O'Brien", "obrien"),
        ("Smith-Jones", "smith jones"),
        ("Mr John Smith", "john smith"),
        ("Mrs. Jane Smith", "jane smith"),
        ("Dr Émile Zola", "emile zola"),
        ("Miss Ms Lady Penelope", "penelope"),  # several titles
        ("Rev Sir David Jones Jr", "david jones"),
        ("Mr Seán O'Brien-Murphy Jr", "sean obrien murphy"),
        ("John Smith III", "john smith"),
        ("John Smith Snr.", "john smith"),
        # only as separate words, only at the ends, never the last word left
        ("Mrsmith", "mrsmith"),
        ("John Lord", "john lord"),
        ("Lord", "lord"),
        ("Junior", "junior"),
        ("Master", "master"),
        ("Sir", "sir"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_name(raw: str | None, cleaned: str) -> None:
    assert n.clean_name(raw) == cleaned


@pytest.mark.parametrize(
    ("forename", "groups"),
    [
        ("bill", {"william"}),
        ("Billy", {"william"}),
        ("william", {"william"}),
        ("Liam", {"william"}),
        ("liz", {"elizabeth"}),
        ("Lizzie", {"elizabeth"}),
        ("Betty", {"elizabeth"}),
        ("elizabeth", {"elizabeth"}),
        ("Peggy", {"margaret"}),
        ("Bob", {"robert"}),
        ("Dick", {"richard"}),
        ("Jim", {"james"}),
        ("Jack", {"john"}),
        ("Kate", {"catherine"}),
        ("Kathryn", {"catherine"}),
        ("Steven", {"stephen"}),
        ("Phillip", {"philip"}),
        ("Muhammad", {"mohammed"}),
        ("Mohamed", {"mohammed"}),
        ("Shaun", {"sean"}),
        ("Seán", {"sean"}),
        ("Zoë", {"zoe"}),
        ("zygmunt", {"zygmunt"}),
        ("Mr Bill Smith", {"william"}),  # first word of the cleaned name
        ("alex", {"alexander", "alexandra", "alexis"}),
        ("Sam", {"samuel", "samantha", "samson"}),
        ("chris", {"christopher", "christian", "christine"}),
        ("Jo", {"joanne", "josephine", "joseph"}),
        ("Jo-Anne", {"joanne", "josephine", "joseph"}),  # "jo anne": its first word
        ("frankie", {"francis", "frances", "franklin"}),
        ("billie", {"william", "wilhelmina"}),
        ("Nicky", {"nicholas", "nicola"}),
        ("terry", {"terence", "teresa"}),
        ("pat", {"patrick", "patricia"}),
        ("Lisa", {"lisa", "elizabeth"}),  # a name in its own right and a short form
    ],
)
def test_name_groups(forename: str, groups: set[str]) -> None:
    assert n.name_groups(forename) == groups


@pytest.mark.parametrize("blank", [None, "", "  ", "Mr"])
def test_name_groups_blank(blank: str | None) -> None:
    expected = frozenset({"mr"}) if blank == "Mr" else frozenset()
    assert n.name_groups(blank) == expected


def test_nicknames_match_when_their_groups_intersect() -> None:
    assert n.name_groups("Bill") & n.name_groups("William")
    assert n.name_groups("Liz") & n.name_groups("Elizabeth")
    assert n.name_groups("Alex") & n.name_groups("Alexandra")
    assert n.name_groups("Alex") & n.name_groups("Alexander")
    assert not n.name_groups("Alexandra") & n.name_groups("Alexander")
    assert not n.name_groups("Bill") & n.name_groups("Robert")


@pytest.mark.parametrize(
    ("forename", "key"),
    [
        ("bill", "william"),
        ("William", "william"),
        ("liz", "elizabeth"),
        ("Lisa", "elizabeth"),
        ("alex", "alexander"),  # alphabetically first of its groups
        ("Alexandra", "alexandra"),
        ("Zygmunt", "zygmunt"),
        ("", ""),
        (None, ""),
    ],
)
def test_canonical_forename(forename: str | None, key: str) -> None:
    assert n.canonical_forename(forename) == key


def test_nickname_data_is_folded_single_tokens() -> None:
    for canonical, members in NICKNAME_GROUPS.items():
        assert canonical in members
        for name in members:
            assert re.fullmatch(r"[a-z]+", name), (canonical, name)
            assert n.fold(name) == name


def test_nickname_data_covers_common_uk_forenames() -> None:
    assert len(NICKNAME_GROUPS) >= 250
    for name in [
        "william",
        "elizabeth",
        "margaret",
        "robert",
        "richard",
        "james",
        "john",
        "catherine",
        "alexander",
        "alexandra",
        "stephen",
        "philip",
        "mohammed",
        "sean",
        "thomas",
        "mary",
        "sarah",
        "david",
        "michael",
        "jennifer",
        "susan",
        "patricia",
        "christopher",
    ]:
        assert name in NICKNAME_GROUPS, name
    for short in ("alex", "sam", "chris", "jo", "frankie", "billie", "nicky", "terry", "pat"):
        assert len(GROUPS_BY_NAME[short]) >= 2, short


def test_brief_examples_of_groups() -> None:
    assert {"bill", "billy", "will", "willy", "liam"} <= NICKNAME_GROUPS["william"]
    elizabeth = {"liz", "lizzie", "beth", "betty", "bess", "eliza", "libby", "elsie"}
    assert elizabeth <= NICKNAME_GROUPS["elizabeth"]
    assert {"maggie", "meg", "peggy", "madge", "rita"} <= NICKNAME_GROUPS["margaret"]
    assert {"bob", "bobby", "rob", "robbie", "bert"} <= NICKNAME_GROUPS["robert"]
    assert {"rick", "dick", "rich", "richie"} <= NICKNAME_GROUPS["richard"]
    assert {"jim", "jimmy", "jamie"} <= NICKNAME_GROUPS["james"]
    assert {"jack", "johnny", "jon"} <= NICKNAME_GROUPS["john"]
    catherine = {"katherine", "kathryn", "kate", "kathy", "cathy", "katie", "kat"}
    assert catherine <= NICKNAME_GROUPS["catherine"]
    for name in ("alexander", "alexandra"):
        assert {"alex", "sandy", "sasha"} <= NICKNAME_GROUPS[name]


@pytest.mark.parametrize(
    ("raw", "letter"),
    [("Dr Émile Zola", "e"), ("O'Brien", "o"), ("  bill", "b"), ("", ""), (None, "")],
)
def test_initial(raw: str | None, letter: str) -> None:
    assert n.initial(raw) == letter


def test_phonetic_codes_each_word_with_metaphone() -> None:
    assert n.phonetic("Smith-Jones") == "SM0 JNS"
    assert n.phonetic("Mr O'Brien") == n.phonetic("obrien") == "OBRN"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Catherine", "Katherine"),  # where Soundex (C365, K365) splits them
        ("Smith", "Smyth"),
        ("Stephen", "Steven"),
        ("Philip", "Phillip"),
        ("Knight", "Night"),
        ("Wright", "Right"),
        ("McDonald", "MacDonald"),
        ("Zoë", "Zoe"),
    ],
)
def test_phonetic_sounds_alike(a: str, b: str) -> None:
    assert n.phonetic(a) == n.phonetic(b) != ""


@pytest.mark.parametrize("blank", [None, "", "  ", "Дмитрий"])
def test_phonetic_blank(blank: str | None) -> None:
    assert n.phonetic(blank) == ""


# --- phone numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("07700 900123", "+447700900123"),
        ("07700900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("+44 (0) 7700 900123", "+447700900123"),
        ("+44(0)7700900123", "+447700900123"),
        ("(+44) 7700 900123", "+447700900123"),
        ("0044 7700 900 123", "+447700900123"),
        ("0044 (0)7700 900 123", "+447700900123"),
        ("447700900123", "+447700900123"),
        ("07700-900-123", "+447700900123"),
        ("07700.900.123", "+447700900123"),
        ("7700900123", "+447700900123"),  # leading 0 lost by a spreadsheet
        ("(01632) 960 001", "+441632960001"),
        ("01632960001", "+441632960001"),
        ("0161 496 0000", "+441614960000"),
        ("0161-496-0000", "+441614960000"),
        ("020 7946 0000", "+442079460000"),
        ("(020) 7946 0000", "+442079460000"),
        ("0113 496 0000", "+441134960000"),
        ("0300 123 4567", "+443001234567"),
        ("0800 123 4567", "+448001234567"),
        ("016977 2345", "+44169772345"),  # the 9-digit Brampton numbers
        ("+44 16977 2345", "+44169772345"),
        ("020 7946 0000 ext 123", "+442079460000"),
        ("020 7946 0000 ext. 123", "+442079460000"),
        ("020 7946 0000 extension 42", "+442079460000"),
        ("020 7946 0000 x123", "+442079460000"),
        ("020 7946 0000 X 123", "+442079460000"),
        ("  07700 900123  ", "+447700900123"),
        ("+447700900123", "+447700900123"),  # idempotent
    ],
)
def test_normalise_phone(raw: str, e164: str) -> None:
    assert n.normalise_phone(raw) == e164


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_normalise_phone_blank(blank: str | None) -> None:
    assert n.normalise_phone(blank) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("+33 1 23 45 67 89", "'+33 1 23 45 67 89' is not a UK number: it does not start +44 or 0044"),
        ("001 202 555 0100", "'001 202 555 0100' is not a UK number: it does not start +44 or 0044"),
        (
            "0770090012",
            "'0770090012' has 10 digits counting the leading 0; "
            "UK phone numbers have 11 (e.g. 07700 900123, 020 7946 0000)",
        ),
        ("077009001234", "'077009001234' has 12 digits counting the leading 0"),
        ("+44 7700 90012", "'+44 7700 90012' has 10 digits counting the leading 0"),
        ("496 0000", "'496 0000' is too short for a UK phone number: with the area code, UK numbers have 11"),
        ("01632 9600", "'01632 9600' is too short for a UK phone number"),
        ("01234 56789", "'01234 56789' has 10 digits"),  # 9-digit numbers only in 016977
        ("0412 345 678", "'0412 345 678' is not a UK number: UK numbers start 01, 02, 03, 05, 07, 08 or 09"),
        ("0612345678", "is not a UK number: UK numbers start 01"),
        ("07700 900123 mobile", "is not a phone number: it contains letters or other characters"),
        ("O77OO 9OO123", "it contains letters"),
        ("020 7946 0000 + 1", "is not a phone number: a + can only come first"),
        ("+44", "'+44' is not a phone number: it has no digits after the code"),
    ],
)
def test_normalise_phone_errors(raw: str, message: str) -> None:
    with pytest.raises(n.PhoneError, match=re.escape(message)):
        n.normalise_phone(raw)


def test_phone_error_is_a_value_error() -> None:
    assert issubclass(n.PhoneError, ValueError)


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+447700900123", "07700 900123"),
        ("+442079460000", "020 7946 0000"),
        ("+442380496000", "023 8049 6000"),
        ("+441614960000", "0161 496 0000"),
        ("+441134960000", "0113 496 0000"),
        ("+441214960000", "0121 496 0000"),
        ("+441632960001", "01632 960001"),
        ("+44169772345", "016977 2345"),
        ("+441697712345", "016977 12345"),
        ("+443001234567", "0300 123 4567"),
        ("+448001234567", "0800 123 4567"),
        ("+449098790000", "0909 879 0000"),
        ("+445612345678", "056 1234 5678"),
        ("+44 (0)161 496 0000", "0161 496 0000"),  # anything normalise_phone accepts
        (None, ""),
        ("", ""),
    ],
)
def test_display_phone(e164: str | None, shown: str) -> None:
    assert n.display_phone(e164) == shown


def test_display_phone_round_trips() -> None:
    for raw in ("07700 900123", "020 7946 0000", "0161 496 0000", "01632 960001", "016977 2345"):
        assert n.display_phone(n.normalise_phone(raw)) == raw


def test_display_phone_rejects_what_normalise_rejects() -> None:
    with pytest.raises(n.PhoneError):
        n.display_phone("+33 1 23 45 67 89")


# --- postcodes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("SW1A 1AA", "SW1A 1AA"),
        ("sw1a1aa", "SW1A 1AA"),
        ("  sw1a   1aa ", "SW1A 1AA"),
        ("ls1 4ap", "LS1 4AP"),
        ("M1 1AE", "M1 1AE"),  # A9
        ("B33 8TH", "B33 8TH"),  # A99
        ("CR2 6XH", "CR2 6XH"),  # AA9
        ("DN55 1PT", "DN55 1PT"),  # AA99
        ("W1A 0AX", "W1A 0AX"),  # A9A
        ("EC1A 1BB", "EC1A 1BB"),  # AA9A
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_normalise_postcode(raw: str, canonical: str) -> None:
    assert n.normalise_postcode(raw) == canonical


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_normalise_postcode_blank(blank: str | None) -> None:
    assert n.normalise_postcode(blank) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("LS1", "'LS1' is not a valid UK postcode (e.g. SW1A 1AA) — that looks like part of a postcode"),
        (
            "SW1A OAA",
            "'SW1A OAA' is not a valid UK postcode (e.g. SW1A 1AA) — the inward code starts with a digit",
        ),
        ("QA1 1AA", "'QA1 1AA' is not a valid UK postcode (e.g. SW1A 1AA)"),  # no Q first
        ("AI1 1AA", "is not a valid UK postcode"),  # no I second
        ("AB1 1CA", "is not a valid UK postcode"),  # no C in the unit
        ("SW1A 1AAA", "is not a valid UK postcode"),
        ("12345", "is not a valid UK postcode"),
        ("GIR 1AA", "is not a valid UK postcode"),
        ("SW1A-1AA", "is not a valid UK postcode"),
    ],
)
def test_normalise_postcode_errors(raw: str, message: str) -> None:
    with pytest.raises(n.PostcodeError, match=re.escape(message)):
        n.normalise_postcode(raw)


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("sw1a1aa", {"area": "SW", "district": "SW1A", "sector": "SW1A 1", "unit": "SW1A 1AA"}),
        ("M1 1AE", {"area": "M", "district": "M1", "sector": "M1 1", "unit": "M1 1AE"}),
        ("dn551pt", {"area": "DN", "district": "DN55", "sector": "DN55 1", "unit": "DN55 1PT"}),
        ("GIR 0AA", {"area": "GIR", "district": "GIR", "sector": "GIR 0", "unit": "GIR 0AA"}),
    ],
)
def test_postcode_parts(raw: str, parts: dict[str, str]) -> None:
    assert n.postcode_parts(raw) == parts


@pytest.mark.parametrize("raw", ["", "LS1"])
def test_postcode_parts_errors(raw: str) -> None:
    with pytest.raises(n.PostcodeError):
        n.postcode_parts(raw)


# --- addresses -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "tokens"),
    [
        ("Flat 2, 14 Acacia Avenue, Leeds", ["flat", "2", "14", "acacia", "avenue", "leeds"]),
        (
            "Flat 2, 14a St. Mary's Rd, Leeds LS6 2AB",
            ["flat", "2", "14a", "saint", "marys", "road", "leeds"],
        ),
        ("Apt 3, 7 Kings Gdns", ["flat", "3", "7", "kings", "gardens"]),
        ("Apartment 3", ["flat", "3"]),
        ("1 Mill Ln", ["1", "mill", "lane"]),
        ("2 Oak Cl", ["2", "oak", "close"]),
        ("3 Moor Cres", ["3", "moor", "crescent"]),
        ("4 Elm Ct", ["4", "elm", "court"]),
        ("5 Park Dr", ["5", "park", "drive"]),
        ("6 Hope Pl", ["6", "hope", "place"]),
        ("7 Town Sq", ["7", "town", "square"]),
        ("8 Albert Terr", ["8", "albert", "terrace"]),
        ("9 Albert Tce", ["9", "albert", "terrace"]),
        ("10 Ash Gr", ["10", "ash", "grove"]),
        ("11 Moor Pk", ["11", "moor", "park"]),
        ("Ivy Hse", ["ivy", "house"]),
        ("No. 14 The Green", ["14", "green"]),  # "No" before a number, "the"
        ("Isle of Dogs and Poplar", ["isle", "dogs", "poplar"]),  # stop-words
        ("14 A Acacia Ave", ["14a", "acacia", "avenue"]),  # a lone letter after the number
        ("14, A Street", ["14", "a", "street"]),  # ... only within one part of the address
        ("12-14 Church Street", ["12", "14", "church", "street"]),
        ("10 Downing Street, London SW1A 2AA", ["10", "downing", "street", "london"]),
        ("10 Downing Street, sw1a2aa, London", ["10", "downing", "street", "london"]),
        ("", []),
        (None, []),
    ],
)
def test_address_tokens(raw: str | None, tokens: list[str]) -> None:
    assert n.address_tokens(raw) == tokens


@pytest.mark.parametrize(
    ("raw", "expanded"),
    [
        ("14 High St", "street"),  # last word
        ("14 High St, Otley", "street"),  # last word of its part
        ("14 High St Otley", "street"),  # no street type after it
        ("St Albans", "saint"),  # first word
        ("St Mary's Road", "saint"),
        ("14 St John's Road", "saint"),  # after the number
        ("Flat 2 St Johns Court", "saint"),
        ("Old St Paul's Rd", "saint"),  # a street type follows
    ],
)
def test_address_st_is_street_or_saint(raw: str, expanded: str) -> None:
    tokens = n.address_tokens(raw)
    assert expanded in tokens
    assert "st" not in tokens
    assert ({"street", "saint"} - {expanded}).isdisjoint(tokens)


def test_address_tokens_returns_a_fresh_list() -> None:
    n.address_tokens("1 Mill Lane").append("oops")
    assert n.address_tokens("1 Mill Lane") == ["1", "mill", "lane"]


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Flat 2, 14 Acacia Avenue, Leeds", "2 14 acacia"),
        ("Flat 2, 14 Acacia Ave., Leeds LS1 4AP", "2 14 acacia"),
        ("14 High St, Otley", "14 high"),
        ("14a High Street", "14a high"),
        ("14 St John's Road", "14 saint johns"),
        ("Flat 3 Acacia House 14 Acacia Avenue", "3 14 acacia"),
        ("Acacia Avenue 14", "14 acacia"),
        ("Rose Cottage, Mill Lane, Otley", "rose"),
        ("Flat 2, Rose Court", "2 rose"),
        ("Ground Floor Flat, 27 Kings Gdns", "27 kings"),
        ("", ""),
        (None, ""),
    ],
)
def test_address_key(raw: str | None, key: str) -> None:
    assert n.address_key(raw) == key


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("14a Acacia Avenue", "14a"),
        ("14 A Acacia Avenue", "14a"),
        ("Flat 2, 14 Acacia Avenue", "14"),  # the building's number, not the flat's
        ("Unit 5, 22B Mill Lane", "22b"),
        ("Flat 2, Rose Court", "2"),
        ("12-14 Church Street", "12"),
        ("Rose Cottage, Mill Lane, LS1 4AP", ""),  # the postcode's digits are not a house number
        ("", ""),
        (None, ""),
    ],
)
def test_house_number(raw: str | None, number: str) -> None:
    assert n.house_number(raw) == number


# --- e-mail ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        (" A.Bloggs@Example.CO.UK ", "a.bloggs@example.co.uk"),
        ("a.bloggs+news@example.org", "a.bloggs+news@example.org"),  # tags kept elsewhere
        ("Jo.Bloggs+police@gmail.com", "jobloggs@gmail.com"),
        ("Jo.Bloggs+police@GoogleMail.com", "jobloggs@gmail.com"),
        ("mailto:jo@example.com", "jo@example.com"),
        ("<jo@example.com>", "jo@example.com"),
    ],
)
def test_normalise_email(raw: str, normalised: str) -> None:
    assert n.normalise_email(raw) == normalised


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_normalise_email_blank(blank: str | None) -> None:
    assert n.normalise_email(blank) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("jo.example.com", "'jo.example.com' is not an e-mail address: it needs exactly one @"),
        ("jo@@example.com", "it needs exactly one @"),
        ("@example.com", "'@example.com' is not an e-mail address: there is nothing before the @"),
        ("jo bloggs@example.com", "it contains a space"),
        ("jo@localhost", "after the @ there must be a domain such as example.co.uk"),
        ("jo@example..com", "after the @ there must be a domain"),
        ("jo@example.com.", "after the @ there must be a domain"),
        ("+tag@gmail.com", "there is no mailbox name before the @"),
    ],
)
def test_normalise_email_errors(raw: str, message: str) -> None:
    with pytest.raises(n.EmailError, match=re.escape(message)):
        n.normalise_email(raw)


# --- dates of birth --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "1984-03-07",
        "1984/3/7",
        "07/03/1984",
        "7/3/1984",
        "7/3/84",
        "7.3.1984",
        "07-03-1984",
        "7 March 1984",
        "07-Mar-84",
        "7-mar-1984",
        "7 March 1984",
        "7th March 1984",
        "7 MAR. 1984",
        "March 7, 1984",
        "Mar 7th 1984",
        "19840307",
        "07031984",
        "070384",
        "07/03/1984 00:00:00",
        "1984-03-07T00:00:00",
        " 07/03/1984 ",
        date(1984, 3, 7),
        datetime(1984, 3, 7, 13, 30),
    ],
)
def test_parse_dob(raw: str | date) -> None:
    assert n.parse_dob(raw, today=TODAY) == date(1984, 3, 7)


def test_parse_dob_is_always_day_first() -> None:
    assert n.parse_dob("03/07/1984", today=TODAY) == date(1984, 7, 3)
    assert n.parse_dob("12/01/1990", today=TODAY) == date(1990, 1, 12)


@pytest.mark.parametrize(
    ("raw", "dob"),
    [
        ("1/1/00", date(2000, 1, 1)),
        ("7/3/24", date(2024, 3, 7)),
        ("7/3/25", date(2025, 3, 7)),  # this year's two digits: this century
        ("7/3/26", date(1926, 3, 7)),  # after them: last century
        ("07-Mar-99", date(1999, 3, 7)),
    ],
)
def test_parse_dob_two_digit_years_pivot_on_this_year(raw: str, dob: date) -> None:
    assert n.parse_dob(raw, today=TODAY) == dob


def test_parse_dob_uses_todays_date_by_default() -> None:
    assert n.parse_dob("7/3/84") == date(1984, 3, 7)


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_parse_dob_blank(blank: str | None) -> None:
    assert n.parse_dob(blank, today=TODAY) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("31/02/1984", "'31/02/1984' is not a real date: there is no day 31 in February 1984"),
        ("29/02/2023", "'29/02/2023' is not a real date: there is no day 29 in February 2023"),
        ("2024-02-30", "there is no day 30 in February 2024"),
        ("7/13/1984", "'7/13/1984' is not a real date: there is no month 13 (dates are read day first)"),
        ("32/01/1984", "there is no day 32 in January 1984"),
        ("1/1/2030", "'1/1/2030' is not a date of birth: 1 January 2030 is in the future"),
        ("2/6/2025", "2 June 2025 is in the future"),
        ("31/12/1899", "'31/12/1899' is not a date of birth: 31 December 1899 is before 1900"),
        (date(2030, 1, 1), "1 January 2030 is not a date of birth: 1 January 2030 is in the future"),
        ("banana", "'banana' is not a date of birth: use a day, month and year such as 07/03/1984"),
        ("7 Foo 1984", "'7 Foo 1984' is not a date of birth"),
        ("March 1984", "is not a date of birth"),
        ("1984", "is not a date of birth"),
        ("7/3", "is not a date of birth"),
    ],
)
def test_parse_dob_errors(raw: str | date, message: str) -> None:
    with pytest.raises(n.DobError, match=re.escape(message)):
        n.parse_dob(raw, today=TODAY)


def test_parse_dob_accepts_today_and_1900() -> None:
    assert n.parse_dob("1/6/2025", today=TODAY) == TODAY
    assert n.parse_dob("1/1/1900", today=TODAY) == date(1900, 1, 1)


@pytest.mark.parametrize(
    ("d", "swapped"),
    [
        (date(1984, 3, 7), date(1984, 7, 3)),
        (date(1984, 12, 1), date(1984, 1, 12)),
        (date(1984, 3, 13), None),  # no month 13
        (date(1984, 3, 3), None),  # the same date
        (None, None),
    ],
)
def test_dob_swapped(d: date | None, swapped: date | None) -> None:
    assert n.dob_swapped(d) == swapped


def test_errors_are_value_errors() -> None:
    for error in (n.PhoneError, n.PostcodeError, n.EmailError, n.DobError):
        assert issubclass(error, ValueError)
