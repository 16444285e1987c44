"""Site gateways: the flows' one door to each web app (URL, login, navigation)."""

from flows.sites.base import SiteGateway
from flows.sites.headway import HeadwayGateway
from flows.sites.intercom import IntercomGateway
from flows.sites.programs_sheet import ProgramsSheetGateway
from flows.sites.ruh_platform import RuhPlatformGateway

__all__ = [
    "HeadwayGateway",
    "IntercomGateway",
    "ProgramsSheetGateway",
    "RuhPlatformGateway",
    "SiteGateway",
]
