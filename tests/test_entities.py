"""Entity extraction from Whisper tiny.en style transcripts (pure, fast)."""

from __future__ import annotations

import datetime as dt

import pytest

from intents.entities import extract_entities, match_order_id
from intents.numbers import edit_distance, parse_written_number
from intents.spoken.tokens import find_digit_runs, words_to_chunks

TODAY = dt.date(2026, 11, 20)  # a Friday


def ents(text: str):
    return extract_entities(text, today=TODAY)


# --- order numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "order_id"),
    [
        ("four seven one one nine", "47119"),
        ("My order number is 47-1, 1-9.", "47119"),
        ("It's 5.5.0.1.8.", "55018"),
        ("10,452", "10452"),
        ("1 0 4 5 2", "10452"),
        ("#10452", "10452"),
        ("order number 10452.", "10452"),
        ("ten four five two", "10452"),
        ("one oh four five two", "10452"),
        ("double five oh one eight", "55018"),
        ("triple two four seven", "22247"),
        ("forty seven eleven nine", "47119"),
        ("Four, seven, one, one, nine.", "47119"),
        ("for seven one one nine", "47119"),  # Whisper writes "for" for a leading 4
        ("four seven to one one", "47211"),
        ("Order 4-7-1-1-9 please", "47119"),
        ("the order is ten thousand four hundred fifty-two", "10452"),
        ("order 12345678", "12345678"),
        ("Oh, it's 4 7 1 1 9", "47119"),  # the interjection "Oh," is not a zero
    ],
)
def test_order_number_shapes(text: str, order_id: str) -> None:
    assert ents(text).order_ids == (order_id,)


@pytest.mark.parametrize(
    "text",
    [
        "I waited for two weeks",
        "the blue one please",
        "it takes one to two weeks",
        "order 123",  # too short for an order id
        "order number 123456789",  # too long for an order id
    ],
)
def test_no_order_id(text: str) -> None:
    assert ents(text).order_ids == ()


def test_two_ids_in_a_list_stay_apart() -> None:
    assert ents("orders 10452, 10453 and 10460").order_ids == ("10452", "10453", "10460")


def test_repeated_id_reported_once() -> None:
    assert ents("10452, yes 10452").order_ids == ("10452",)


# --- order id or postcode? -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["94107", "It's nine four one oh seven.", "2 8 0 1 3"])
def test_bare_five_digits_is_both(text: str) -> None:
    e = ents(text)
    assert e.order_ids == e.postcodes
    assert len(e.order_ids) == 1


@pytest.mark.parametrize(
    ("text", "order_ids", "postcodes"),
    [
        ("my zip code is 94107", (), ("94107",)),
        ("the post code is 28013", (), ("28013",)),
        ("postcode 1012", (), ("1012",)),
        ("my order is 10452 and my zip is 94107", ("10452",), ("94107",)),
        ("10452 is my order number", ("10452",), ()),
        ("94107 is my zip", (), ("94107",)),
        ("order number 28013", ("28013",), ()),
        ("zip nine four one oh seven", (), ("94107",)),
        # the "postcode" after the full stop belongs to 28013; 10452 alone stays ambiguous
        ("It's 10452. My postcode is 28013.", ("10452",), ("10452", "28013")),
        ("order number one zero four five two, zip code nine four one zero seven", ("10452",), ("94107",)),
        ("my order 10452, call me on 612 345 678", ("10452",), ()),
    ],
)
def test_context_decides_order_or_postcode(text: str, order_ids: tuple, postcodes: tuple) -> None:
    e = ents(text)
    assert (e.order_ids, e.postcodes) == (order_ids, postcodes)


# --- postcodes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        ("my postcode is SW1A 1AA", "SW1A 1AA"),
        ("s w one a one a a", "SW1A 1AA"),
        ("The postcode is S W 1 A 1 A A.", "SW1A 1AA"),
        ("S-W-1-A, 1-A-A", "SW1A 1AA"),
        ("E C one A one double B", "EC1A 1BB"),
        ("S as in sugar W one A one A A", "SW1A 1AA"),
        ("P O one two A B", "PO1 2AB"),  # "O" read as a letter at the start of a code
        ("W1 0AA", "W1 0AA"),
        ("M1 1AE", "M1 1AE"),
        ("the zip is 94107-1234", "94107-1234"),
        ("post code 1012 AB", "1012 AB"),
        ("one zero one two A B", "1012 AB"),
        ("K1A 0B1", "K1A 0B1"),
    ],
)
def test_postcodes(text: str, postcode: str) -> None:
    assert ents(text).postcodes == (postcode,)


def test_lettered_postcode_is_not_an_order_id() -> None:
    e = ents("post code 1012 AB")
    assert e.order_ids == ()


# --- emails --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("li dot wei at example dot com", "li.wei@example.com"),
        ("my email is maria underscore lopez at gmail dot com.", "maria_lopez@gmail.com"),
        ("Maria_Lopez@Gmail.com please", "maria_lopez@gmail.com"),
        ("It is john smith at g mail dot com", "johnsmith@gmail.com"),
        ("Li.Wei at example.com", "li.wei@example.com"),
        ("send it to john at hotmail dot co dot uk thanks", "john@hotmail.co.uk"),
        ("email: maria eighty five at yahoo dot com", "maria85@yahoo.com"),
        ("jane dash doe at sign outlook dot com", "jane-doe@outlook.com"),
        ("j o h n at gmail dot com", "john@gmail.com"),
        # a spelled run is one word of the local part, and its "I" or "A" is a letter (issue 11)
        ("I N E S dot M A R T I N at hotmail.com", "ines.martin@hotmail.com"),
        ("My email is i n e s dot w e i 1 6 at example dot com", "ines.wei16@example.com"),
        ("so it's a n a underscore s i l v a at mail dot de", "ana_silva@mail.de"),
    ],
)
def test_emails(text: str, email: str) -> None:
    assert ents(text).emails == (email,)


@pytest.mark.parametrize("text", ["I am at home", "look at the box", "at example dot bogus"])
def test_not_an_email(text: str) -> None:
    assert ents(text).emails == ()


def test_email_digits_are_not_an_order() -> None:
    assert ents("maria1985@gmail.com").order_ids == ()


# --- phones --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("call me on +34 612 345 678", "+34612345678"),
        ("plus three four six one two three four five six seven eight", "+34612345678"),
        ("+1 (415) 555-0134", "+14155550134"),
        ("my phone number is 612 345 678", "612345678"),
        ("0612345678", "0612345678"),
    ],
)
def test_phones(text: str, phone: str) -> None:
    e = ents(text)
    assert e.phones == (phone,)
    assert e.order_ids == ()


# --- tracking numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tracking"),
    [
        ("tracking YT2411234567890 please", "YT2411234567890"),
        ("it's LX 123 456 789 CN", "LX123456789CN"),
        ("L X one two three four five six seven eight nine C N", "LX123456789CN"),
        ("my tracking number is 1234567890", "1234567890"),
        ("1Z999AA10123456784", "1Z999AA10123456784"),
    ],
)
def test_tracking_numbers(text: str, tracking: str) -> None:
    e = ents(text)
    assert e.tracking_numbers == (tracking,)
    assert e.phones == ()


# --- amounts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("it cost 32 dollars", 32.0),
        ("€19.95", 19.95),
        ("19,95 €", 19.95),
        ("nineteen ninety-five euros", 19.95),
        ("thirty two dollars and fifty cents", 32.5),
        ("twenty dollars fifty", 20.5),
        ("I paid 1,299.99 USD", 1299.99),
        ("a hundred dollars", 100.0),
        ("50 cents", 0.5),
        ("£1.299,50 I mean", 1299.5),
    ],
)
def test_amounts(text: str, amount: float) -> None:
    e = ents(text)
    assert e.amounts == (pytest.approx(amount),)
    assert e.order_ids == ()


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("November 8th", "2026-11-08"),
        ("it was the eighth of November", "2026-11-08"),
        ("2026-11-08", "2026-11-08"),
        ("on November the twenty-first, 2025", "2025-11-21"),
        ("December 20th", "2026-12-20"),  # a month ahead: an expected delivery date
        ("last Tuesday", "2026-11-17"),
        ("three days ago", "2026-11-17"),
        ("yesterday", "2026-11-19"),
        ("25/12/2025", "2025-12-25"),
        ("may 5th twenty twenty five", "2025-05-05"),
    ],
)
def test_dates(text: str, iso: str) -> None:
    assert ents(text).dates == (iso,)


def test_date_far_ahead_means_last_year() -> None:
    assert extract_entities("December 20th", today=dt.date(2027, 1, 5)).dates == ("2026-12-20",)


def test_date_digits_are_not_an_order() -> None:
    e = ents("I ordered it on 2026-11-08, delivered 11/08/2026")
    assert e.order_ids == ()
    assert e.dates == ("2026-11-08",)  # "11/08" is ambiguous (US vs EU), so no date


def test_may_as_a_verb_is_not_a_date() -> None:
    assert ents("I may return it").dates == ()


# --- digits and a whole utterance ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("four seven one one nine", "47119"),
        ("S W one A one A A", "11"),
        ("the blue one", ""),
        ("€19.95 for order 10452", "199510452"),
        ("no digits here", ""),
    ],
)
def test_digits(text: str, digits: str) -> None:
    assert ents(text).digits == digits


def test_everything_in_one_breath() -> None:
    e = ents(
        "It says delivered November 8th but I never got it, order 4 7 1 1 9, email li dot wei at "
        "example dot com, postcode S W one A one A A, I paid 32 dollars"
    )
    assert e.order_ids == ("47119",)
    assert e.emails == ("li.wei@example.com",)
    assert e.postcodes == ("SW1A 1AA",)
    assert e.amounts == (32.0,)
    assert e.dates == ("2026-11-08",)
    assert e.phones == () and e.tracking_numbers == ()


# --- helpers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "chunks"),
    [
        ([4, 7], ["4", "7"]),
        ([40, 7], ["47"]),
        ([10, 4, 5, 2], ["10", "4", "5", "2"]),
        ([4, 100, 50, 2], ["452"]),
        ([19, 90, 5], ["19", "95"]),
        ([2, 1000, 20, 6], ["2026"]),
        ([0, 7], ["0", "7"]),
    ],
)
def test_words_to_chunks(values: list[int], chunks: list[str]) -> None:
    assert words_to_chunks(values) == chunks


def test_plus_marks_a_run() -> None:
    runs = find_digit_runs("plus 44 20 7946 0958")
    assert [(r.digits, r.plus) for r in runs] == [("442079460958", True)]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("32", 32.0),
        ("19.95", 19.95),
        ("19,95", 19.95),
        ("10,452", 10452.0),
        ("1.299,50", 1299.5),
        ("1-2", None),
    ],
)
def test_parse_written_number(raw: str, value: float | None) -> None:
    assert parse_written_number(raw) == value


@pytest.mark.parametrize(
    ("a", "b", "dist"),
    [
        ("47119", "47119", 0),
        ("47119", "47191", 1),
        ("47119", "4719", 1),
        ("47119", "471190", 1),
        ("123", "321", 2),
    ],
)
def test_edit_distance(a: str, b: str, dist: int) -> None:
    assert edit_distance(a, b) == dist


@pytest.mark.parametrize(
    ("heard", "known", "expected"),
    [
        ("47119", ["47191", "47119"], ["47119"]),  # exact match alone
        ("47191", ["12345", "47911", "47119"], ["47911", "47119"]),  # swaps, in the order given
        ("4719", ["47119", "55018"], ["47119"]),  # a dropped digit
        ("471-19", ["47119"], ["47119"]),
        ("11111", ["22222"], []),
        ("", ["47119"], []),
    ],
)
def test_match_order_id(heard: str, known: list[str], expected: list[str]) -> None:
    assert match_order_id(heard, known) == expected


def test_match_order_id_closest_first() -> None:
    assert match_order_id("47119", ["47100", "47118"], max_distance=2) == ["47118", "47100"]


# --- what tiny.en writes for accented dictation (benchmarks/scenarios clips) -------------------


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("My post code is to 8 0 1 3", "28013"),  # "two" heard as "to" after "is"
        ("It's to 4 8 7 6", "24876"),
        ("to 8, 0, 1, 3", "28013"),  # "to" first in the utterance
        ("It is 2, 8 or 1 3", "28013"),  # "oh" heard as "or" between digits
        ("28 o 1 3", "28013"),
        ("My post code in 8 o free 1", "8031"),  # "three" heard as "free"
        ("The zip code is free, oh, free, oh, free", "30303"),
        ("one, oh, oh, one", "1001"),
        ("The zip code is 10,001", "10001"),
    ],
)
def test_misheard_dictation(text: str, digits: str) -> None:
    assert ents(text).digits == digits


@pytest.mark.parametrize(
    "text",
    [
        "I need it in one to two weeks",  # "to" between two digits only
        "I want to 1 2 3",  # "to" after a verb stays a word
        "one or two days",  # "or" needs three digits around it
        "get it for free",
        "feel free to call",
    ],
)
def test_homophones_stay_words_outside_numbers(text: str) -> None:
    assert len(ents(text).digits) <= 3
    assert not ents(text).postcodes and not ents(text).order_ids


def test_misheard_postcode_is_a_postcode() -> None:
    assert ents("My post code is to 8 0 1 3").postcodes == ("28013",)
