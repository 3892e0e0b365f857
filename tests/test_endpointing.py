import pytest

from pipeline.endpointing import Verdict, judge


@pytest.mark.parametrize("text,verdict", [
    ("Where is it?", Verdict.DEFAULT),  # 3 words: too short to trust the question mark
    ("Where is my parcel now?", Verdict.END_NOW),
    ("Sorry, actually I want a refund.", Verdict.DEFAULT),
    ("Hi, I ordered headphones two weeks ago.", Verdict.DEFAULT),
    ("Can you tell me where my parcel is?", Verdict.END_NOW),
    ("Yes, correct.", Verdict.DEFAULT),
    ("Yes.", Verdict.DEFAULT),
    ("Hello.", Verdict.DEFAULT),
    ("Thanks.", Verdict.DEFAULT),
    ("2.", Verdict.WAIT_LONGER),
    ("4, 5.", Verdict.WAIT_LONGER),
    ("one oh four", Verdict.WAIT_LONGER),
    ("2 4 8 7 6", Verdict.DEFAULT),
    ("10452.", Verdict.DEFAULT),
    ("No, that's all.", Verdict.DEFAULT),
    ("No.", Verdict.DEFAULT),
    ("I'd prefer a refund, please.", Verdict.DEFAULT),
    ("No, I'd like a refund and then I'll order again.", Verdict.DEFAULT),
    ("1, 4, 5, 2...", Verdict.WAIT_LONGER),  # trailing off
    ("My order number is", Verdict.WAIT_LONGER),
    ("my email is li dot wei at", Verdict.WAIT_LONGER),
    ("I bought a face mask and", Verdict.WAIT_LONGER),
    ("The post code is 1012,", Verdict.WAIT_LONGER),
    ("hello there", Verdict.DEFAULT),
    ("My post code is 10115", Verdict.END_NOW),
    ("my zip is 941", Verdict.DEFAULT),
    ("", Verdict.DEFAULT),
    # a question without its mark: not trailing off (measured: these waited 900 ms)
    ("I can you tell me where my order is", Verdict.DEFAULT),
    ("I moved house can i change the delivery address", Verdict.DEFAULT),
    ("I moved house and my new address is", Verdict.WAIT_LONGER),  # no question in it
    ("Where is my parcel? My order number is", Verdict.WAIT_LONGER),  # the question is over
])
def test_judge(text, verdict):
    assert judge(text) == verdict
