"""The Programs Sheet, as the flows reach it."""

from __future__ import annotations

from flows.sites.base import SiteGateway
from pages.programs_sheet import ProgramsSheetPage


class ProgramsSheetGateway(SiteGateway):
    """The practice's sheet of programs and internal write-offs."""

    site = "programs_sheet"
    title = "Programs Sheet"

    def sheet(self) -> ProgramsSheetPage:
        """The sheet, with its rows and its "New entry" form."""
        self.visit(self.start_path)
        return ProgramsSheetPage(self.page, self.base_url)
