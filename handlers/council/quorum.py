"""The quorum: how many members must be present for the council to decide.

Pure rules, no store: a rule as the organiser typed it, and what it needs of a council
of a given size.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from handlers.core.validation import SKIP_WORDS, InputError, clean_text
from storage.council.council_tables import QuorumRule

PERCENT = re.compile(r"^(\d{1,3})\s*%$")
COUNT = re.compile(r"^\d{1,4}$")


@dataclass(frozen=True)
class Quorum:
    rule: QuorumRule = QuorumRule.MAJORITY
    value: int = 0

    def needed(self, members: int) -> int:
        """Members who must be present in a council of `members` (at least one)."""
        if self.rule is QuorumRule.COUNT:
            needed = self.value
        elif self.rule is QuorumRule.PERCENT:
            needed = math.ceil(members * self.value / 100)
        else:
            needed = members // 2 + 1
        return max(1, needed)

    def reached(self, present: int, members: int) -> bool:
        return present >= self.needed(members)


def parse_quorum(raw: str) -> Quorum:
    """ "5" (members), "60%" (of the members), or "-" for more than half."""
    text = clean_text(raw).lower()
    if text in SKIP_WORDS:
        return Quorum()
    percent = PERCENT.match(text)
    if percent:
        value = int(percent.group(1))
        if not 1 <= value <= 100:
            raise InputError("council.quorum_percent")
        return Quorum(QuorumRule.PERCENT, value)
    if COUNT.match(text) and int(text) >= 1:
        return Quorum(QuorumRule.COUNT, int(text))
    raise InputError("council.quorum_format")
