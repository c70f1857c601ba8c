"""The demo's newsroom: a handful of invented stories, enough to fill a front page."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ARTICLES",
    "POSTS",
    "SECTIONS",
    "VIDEOS",
    "Article",
    "Post",
    "Video",
    "by_section",
    "by_slug",
    "post",
    "recommended",
    "similar",
    "video",
]

SECTIONS: dict[str, str] = {
    "europe": "Europe",
    "business": "Business",
    "science": "Science",
    "culture": "Culture",
    "travel": "Travel",
}


@dataclass(frozen=True, slots=True)
class Article:
    slug: str
    section: str
    title: str
    standfirst: str
    byline: str
    published: str  # ISO date; the demo's news never ages
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    reads: int  # how "most read" orders the stories

    @property
    def section_title(self) -> str:
        return SECTIONS[self.section]


ARTICLES: tuple[Article, ...] = (
    Article(
        slug="night-trains-return",
        section="travel",
        title="Night trains return to the Vienna–Paris line",
        standfirst="Sleeper carriages are back on one of the continent's classic routes, "
        "and the first departures sold out within a day.",
        byline="Marta Kowalczyk",
        published="2025-11-24",
        tags=("rail", "tourism", "climate"),
        paragraphs=(
            "The first sleeper of the winter timetable left Vienna's main station at a quarter "
            "past seven in the evening, with every couchette taken and a waiting list for the "
            "return journey.",
            "Operators say demand has grown every year since the line reopened, driven by "
            "travellers who would rather lose an evening than spend a morning at an airport.",
            "The new carriages offer small private cabins with a wash basin, a design that "
            "rail companies hope will win over business travellers as well as holidaymakers.",
            "Critics note that fares still often exceed those of budget flights, and that "
            "track works along the route can add hours to the journey without warning.",
        ),
        reads=9400,
    ),
    Article(
        slug="rhine-shipping-resumes",
        section="business",
        title="Rhine shipping resumes as water levels recover",
        standfirst="Barges are loading to capacity again after weeks of low water "
        "squeezed Europe's busiest inland waterway.",
        byline="Jonas Weber",
        published="2025-11-23",
        tags=("shipping", "climate", "trade"),
        paragraphs=(
            "Cargo barges on the middle Rhine were able to carry full loads this week for the "
            "first time since late summer, as autumn rain lifted the gauge at Kaub.",
            "Chemical makers and steelworks along the river had been forced to move goods by "
            "rail and road, at several times the cost, while barges sailed half empty.",
            "Shipping associations are calling for the river bed to be deepened at its "
            "shallowest points, a project that environmental groups have long opposed.",
        ),
        reads=7200,
    ),
    Article(
        slug="baltic-wind-farm",
        section="science",
        title="Baltic wind farm switches on its last turbine",
        standfirst="The offshore park can now supply the equivalent of a million homes, "
        "its operators say.",
        byline="Liis Tamm",
        published="2025-11-22",
        tags=("energy", "climate"),
        paragraphs=(
            "The final turbine of the offshore park was connected to the grid on Friday, "
            "completing a construction programme that began three winters ago.",
            "Engineers had to work around migrating birds and a shipping lane, which shaped "
            "both the layout of the park and the months in which work was allowed.",
            "Researchers will use sensors on the foundations to study how the structures "
            "age in the Baltic's brackish, ice-prone water.",
        ),
        reads=5100,
    ),
    Article(
        slug="cookie-banners-report",
        section="europe",
        title="Regulators publish what a fair cookie banner looks like",
        standfirst="A 'Reject all' button as easy to find as 'Accept all', and no boxes "
        "ticked in advance: the checklist for websites, in plain words.",
        byline="Claire Dubois",
        published="2025-11-21",
        tags=("privacy", "technology", "law"),
        paragraphs=(
            "European data protection authorities have set out the banner designs they "
            "consider misleading, from hidden reject buttons to pre-ticked boxes.",
            "Refusing cookies must be as easy as accepting them, the report says, and "
            "withdrawing consent later must be just as simple as giving it.",
            "Site owners are also reminded that a banner is not enough on its own: cookies "
            "must not be set before the visitor has chosen.",
            "This demo site shows one way to do it: the banner below appears on your first "
            "visit, and the partner stand-ins on this page set their cookies only if you agree.",
        ),
        reads=12800,
    ),
    Article(
        slug="lisbon-tram-28",
        section="travel",
        title="Lisbon's tram 28 gets a timetable for residents",
        standfirst="Early-morning departures will be kept for locals as the city tries "
        "to balance tourism and daily life.",
        byline="Inês Carvalho",
        published="2025-11-20",
        tags=("tourism", "cities"),
        paragraphs=(
            "The yellow trams that climb through the Alfama are among the most photographed "
            "vehicles in Europe, and among the most crowded.",
            "From next month, the first departures of the day will be reserved for holders "
            "of a resident's pass, a trial that the city will review after six months.",
            "Shopkeepers along the route are divided: some welcome fewer queues at the stops, "
            "others fear losing passing trade.",
        ),
        reads=6600,
    ),
    Article(
        slug="kyiv-book-arsenal",
        section="culture",
        title="Kyiv's book festival draws record crowds",
        standfirst="Publishers from twenty countries joined the festival, which went ahead "
        "with shelters marked on every floor plan.",
        byline="Olena Shevchuk",
        published="2025-11-19",
        tags=("books", "festivals"),
        paragraphs=(
            "Queues formed before the doors opened on the first morning, as readers came for "
            "new translations and for talks by authors writing about the war.",
            "Organisers said attendance passed last year's figure on the second day, despite "
            "two air raid alerts that briefly emptied the halls.",
            "Children's publishers reported the strongest sales, with illustrated histories "
            "of Ukrainian cities among the titles that sold out.",
        ),
        reads=8300,
    ),
    Article(
        slug="cern-open-data",
        section="science",
        title="Physicists release a decade of collision data to the public",
        standfirst="Anyone with a laptop can now repeat the analyses behind published results.",
        byline="Luca Bianchi",
        published="2025-11-18",
        tags=("physics", "technology", "open data"),
        paragraphs=(
            "The release covers petabytes of recorded collisions, with the software and "
            "documentation needed to make sense of them.",
            "Teachers have already built classroom exercises on earlier releases, in which "
            "pupils rediscover known particles from the raw data.",
            "The laboratory says open data has found errors that internal reviews missed, "
            "and that the benefit outweighs the cost of preparing it.",
        ),
        reads=4300,
    ),
    Article(
        slug="copenhagen-bridges",
        section="europe",
        title="Copenhagen opens two more bridges for bicycles only",
        standfirst="The city now counts more bicycles than cars crossing into its centre "
        "on a weekday.",
        byline="Freja Nielsen",
        published="2025-11-17",
        tags=("cities", "climate", "transport"),
        paragraphs=(
            "The new bridges cut the ride between two harbour districts from twenty minutes "
            "to five, planners say.",
            "Counters on the approaches recorded more than ten thousand crossings on the "
            "first weekday, in a steady autumn drizzle.",
            "Other cities have copied the design, though few have the harbour geography that "
            "makes short bridges so valuable in Copenhagen.",
        ),
        reads=5900,
    ),
    Article(
        slug="small-banks-payments",
        section="business",
        title="Small banks band together on instant payments",
        standfirst="Savings banks and credit unions are sharing one platform to meet the "
        "new rules on instant transfers.",
        byline="Pieter de Vries",
        published="2025-11-16",
        tags=("finance", "technology", "law"),
        paragraphs=(
            "Under the new rules, an instant transfer must cost no more than an ordinary one, "
            "and must arrive within ten seconds, at any hour.",
            "For small lenders, building such a system alone would cost more than they earn "
            "from payments in a year, so many have chosen to share one.",
            "Consumer groups welcome the change but warn customers to check the name of the "
            "recipient, which banks must now show before a payment is sent.",
        ),
        reads=3800,
    ),
)


def by_slug(slug: str) -> Article | None:
    return next((article for article in ARTICLES if article.slug == slug), None)


def by_section(section: str) -> list[Article]:
    return [article for article in ARTICLES if article.section == section]


def recommended(article: Article | None = None, count: int = 4) -> list[Article]:
    """The most read stories, other than the one being read."""
    ranked = sorted(ARTICLES, key=lambda a: a.reads, reverse=True)
    return [a for a in ranked if article is None or a.slug != article.slug][:count]


def similar(article: Article, count: int = 3) -> list[Article]:
    """Stories sharing the most tags with `article` (its section breaks ties)."""

    def closeness(other: Article) -> tuple[int, int, int]:
        shared = len(set(other.tags) & set(article.tags))
        return (shared, int(other.section == article.section), other.reads)

    others = [a for a in ARTICLES if a.slug != article.slug]
    ranked = sorted(others, key=closeness, reverse=True)
    return [a for a in ranked if closeness(a)[:2] != (0, 0)][:count]


@dataclass(frozen=True, slots=True)
class Video:
    """A video on the invented service Streamly, embedded in an article."""

    id: str
    title: str
    length: str


@dataclass(frozen=True, slots=True)
class Post:
    """A post on the invented social network Chirp, embedded in an article."""

    id: str
    author: str
    handle: str
    text: str
    date: str


# Which article embeds which video and post (by slug).
VIDEOS: dict[str, Video] = {
    "night-trains-return": Video(
        "nt-1", "Aboard the first winter sleeper, Vienna to Paris", "4:12"
    ),
}
POSTS: dict[str, Post] = {
    "night-trains-return": Post(
        "4021",
        "Rail Europe Watch",
        "@railwatch",
        "Couchettes sold out within a day. The night train is back, and people want it.",
        "2025-11-24",
    ),
}


def video(video_id: str) -> Video | None:
    return next((v for v in VIDEOS.values() if v.id == video_id), None)


def post(post_id: str) -> Post | None:
    return next((p for p in POSTS.values() if p.id == post_id), None)
