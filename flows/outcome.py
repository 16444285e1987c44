"""What became of one work item, as the batch, the ledger and the report see it."""

from __future__ import annotations

from dataclasses import dataclass

from robot.ledger import ItemStatus


@dataclass(frozen=True)
class ItemOutcome:
    """A work item's final status and, when it is not plainly done, the reason in words."""

    status: ItemStatus
    reason: str | None = None

    @classmethod
    def done(cls, note: str | None = None) -> ItemOutcome:
        """Every step is in place on the sites."""
        return cls(ItemStatus.DONE, note)

    @classmethod
    def review(cls, reason: str) -> ItemOutcome:
        """The data does not add up: a person must look; nothing was clicked for it."""
        return cls(ItemStatus.NEEDS_REVIEW, reason)

    @classmethod
    def rehearsed(cls) -> ItemOutcome:
        """A dry run went through every step without clicking any irreversible one."""
        return cls(ItemStatus.REHEARSED, "dry run: nothing was changed")

    @classmethod
    def skipped(cls, reason: str) -> ItemOutcome:
        """The operator skipped a step, so the rest of the item was left alone."""
        return cls(ItemStatus.SKIPPED, reason)
