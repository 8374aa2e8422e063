"""The channels an officer may choose to be told of their tasks and deadlines on, and the checks of their addresses."""

import re
from dataclasses import dataclass

EMAIL, ZALO = "email", "zalo"
CHANNELS = {EMAIL: "Thư điện tử", ZALO: "Zalo"}
# One address, no display name: local part @ a domain with a dot; no spaces, no second @.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
# The id a Zalo Official Account knows a follower by: digits (the API's user_id).
_ZALO_ID = re.compile(r"^[0-9]{6,30}$")


@dataclass(frozen=True)
class NotifyChannels:
    """An officer's addresses and the channels they chose (a channel is chosen only with its address)."""

    email: str = ""
    zalo_id: str = ""
    chosen: tuple[str, ...] = ()

    def addresses(self) -> dict[str, str]:
        """Channel -> address, for the chosen channels only."""
        address = {EMAIL: self.email, ZALO: self.zalo_id}
        return {channel: address[channel] for channel in self.chosen if address.get(channel)}


def parse_chosen(stored: str | None) -> tuple[str, ...]:
    """The channels of a stored "email,zalo" (unknown names are dropped)."""
    return tuple(name for name in (stored or "").split(",") if name in CHANNELS)


def check_channels(email: str, zalo_id: str, chosen: list[str]) -> dict[str, str]:
    """What is wrong with an officer's choice, field -> Vietnamese message ({} when it may be saved)."""
    problems: dict[str, str] = {}
    unknown = [name for name in chosen if name not in CHANNELS]
    if unknown:
        problems["channels"] = "kênh không có: " + ", ".join(unknown)
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        problems["email"] = f"địa chỉ thư điện tử '{email}' không hợp lệ (ví dụ đúng: ten.ho@skhcn.gov.vn)"
    elif EMAIL in chosen and not email:
        problems["email"] = "chọn nhận qua thư điện tử thì phải nhập địa chỉ thư điện tử"
    if zalo_id and not _ZALO_ID.match(zalo_id):
        problems["zalo_id"] = f"mã người dùng Zalo '{zalo_id}' không hợp lệ (chỉ gồm chữ số, 6 đến 30 số)"
    elif ZALO in chosen and not zalo_id:
        problems["zalo_id"] = "chọn nhận qua Zalo thì phải nhập mã người dùng Zalo"
    return problems
