"""The partners the demo site declares: who sets which cookies, for what, and which frames and
scripts are theirs.

    from antechamber.demo.partners import PARTNERS, VIDEO_HOST, SOCIAL_HOST

Two stand in for real services (Google Analytics, Meta Pixel) and four are invented; the demo
itself answers for every one of them, so no request leaves the machine.
"""

from __future__ import annotations

from antechamber.settings import Cookie, Partner

__all__ = ["PARTNERS", "SOCIAL_HOST", "VIDEO_HOST"]

# The embedded video and social post come from stand-ins that this same server answers under
# other host names (`*.localhost` is the machine itself in every browser): other origins, as a
# real embed's are, yet no request leaves the machine.
VIDEO_HOST = "video.localhost"
SOCIAL_HOST = "social.localhost"

DAY = 24 * 3600
PARTNERS = [
    Partner(
        "google-analytics",
        "Google Analytics (stand-in)",
        "analytics",
        cookies=[
            Cookie("_ga", max_age=730 * DAY, purpose="Tells one visitor from another."),
            Cookie("_ga_*", max_age=730 * DAY, purpose="Keeps the state of a visit."),
            Cookie("_gid", max_age=1 * DAY, purpose="Tells visitors apart for a day."),
        ],
        privacy_url="https://policies.google.com/privacy",
        purposes="Counts visits and measures which stories are read, in aggregate.",
    ),
    Partner(
        "meta-pixel",
        "Meta Pixel (stand-in)",
        "advertising",
        cookies=[
            Cookie("_fbp", max_age=90 * DAY, purpose="Links visits to ads seen on Facebook."),
        ],
        privacy_url="https://www.facebook.com/privacy/policy/",
        purposes="Measures whether ads shown elsewhere led readers to this site.",
    ),
    Partner(
        "northwind-ads",
        "Northwind Ads (invented ad network)",
        "advertising",
        cookies=[
            Cookie(
                "nw_uid",
                max_age=395 * DAY,
                purpose="Recognises your browser across the sites that show its ads.",
                third_party=True,
            ),
            Cookie("nw_seg", max_age=30 * DAY, purpose="Remembers which ads you have seen."),
        ],
        privacy_url="/cookies#northwind-ads",
        purposes="Chooses the ads in the page's ad slots and limits how often you see each one.",
    ),
    Partner(
        "sharebar",
        "ShareBar (invented share widget)",
        "social",
        cookies=[Cookie("sb_uid", purpose="Counts shares from this browser.")],
        privacy_url="/cookies#sharebar",
        purposes="Shows share buttons under articles and counts shares.",
    ),
    Partner(
        "streamly",
        "Streamly (invented video service)",
        "social",
        cookies=["st_uid"],
        privacy_url="/cookies#streamly",
        purposes="Plays the videos embedded in articles and counts who watched them.",
        # A bare host covers its every port: the demo runs on whichever it is given.
        embeds=[f"//{VIDEO_HOST}"],
    ),
    Partner(
        "chirp",
        "Chirp (invented social network)",
        "social",
        cookies=["ch_uid"],
        privacy_url="/cookies#chirp",
        purposes="Shows posts from Chirp embedded in articles, with their replies and likes.",
        embeds=[f"//{SOCIAL_HOST}"],
        scripts=[f"//{SOCIAL_HOST}"],
    ),
]
