"""Embed markup as the providers' own "embed" or "share" dialogs and documentation give it.

Only ids and long tracking strings are shortened; the elements, attributes and their order are
the providers'. The partners (`EMBED_PARTNERS`) list the prefixes the README's table recommends.

Sources:
- YouTube: Share > Embed (and "privacy-enhanced mode", youtube-nocookie.com);
  https://support.google.com/youtube/answer/171780
- Vimeo: Share > Embed (responsive); https://help.vimeo.com/hc/en-us/articles/12426259908881
- X: publish.twitter.com; https://developer.x.com/en/docs/x-for-websites/embedded-tweets
- Facebook: the Embedded Posts plugin (iframe and SDK);
  https://developers.facebook.com/docs/plugins/embedded-posts
- Instagram: a post's "Embed" menu (protocol-relative script)
- TikTok: a video's "Embed" menu; https://developers.tiktok.com/doc/embed-videos
- Spotify: Share > Embed track; https://developer.spotify.com/documentation/embeds
- Google Maps: Share > Embed a map, and the Maps Embed API;
  https://developers.google.com/maps/documentation/embed/embedding-map
"""

from __future__ import annotations

from antechamber.settings import Partner

YOUTUBE_IFRAME = (
    '<iframe width="560" height="315" '
    'src="https://www.youtube.com/embed/dQw4w9WgXcQ?si=kT1NRYhSk4pS2vLx" '
    'title="YouTube video player" frameborder="0" allow="accelerometer; autoplay; '
    'clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" '
    'referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>'
)
YOUTUBE_NOCOOKIE_IFRAME = (
    '<iframe width="560" height="315" '
    'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?si=kT1NRYhSk4pS2vLx" '
    'title="YouTube video player" frameborder="0" allow="accelerometer; autoplay; '
    'clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" '
    'referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>'
)
VIMEO_IFRAME = (
    '<iframe src="https://player.vimeo.com/video/76979871?badge=0&amp;autopause=0&amp;'
    'player_id=0&amp;app_id=58479" frameborder="0" allow="autoplay; fullscreen; '
    'picture-in-picture; clipboard-write; encrypted-media" '
    'style="position:absolute;top:0;left:0;width:100%;height:100%;" '
    'title="The New Vimeo Player (You Know, For Videos)"></iframe>'
)
VIMEO_SCRIPT = '<script src="https://player.vimeo.com/api/player.js">'
X_SCRIPT = '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8">'
FACEBOOK_IFRAME = (
    '<iframe src="https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com'
    '%2F20531316728%2Fposts%2F10154009990506729%2F&show_text=true&width=500" width="500" '
    'height="498" style="border:none;overflow:hidden" scrolling="no" frameborder="0" '
    'allowfullscreen="true" allow="autoplay; clipboard-write; encrypted-media; '
    'picture-in-picture; web-share"></iframe>'
)
FACEBOOK_SCRIPT = (
    '<script async defer crossorigin="anonymous" '
    'src="https://connect.facebook.net/en_US/sdk.js#xfbml=1&version=v19.0" nonce="Xq3Lm2Ha">'
)
INSTAGRAM_SCRIPT = '<script async src="//www.instagram.com/embed.js">'
TIKTOK_SCRIPT = '<script async src="https://www.tiktok.com/embed.js">'
TIKTOK_IFRAME = (
    '<iframe height="740" width="325" src="https://www.tiktok.com/player/v1/6718335390845095173"'
    ' allow="fullscreen" title="test"></iframe>'
)
SPOTIFY_IFRAME = (
    '<iframe style="border-radius:12px" '
    'src="https://open.spotify.com/embed/track/4cOdK2wGLETKBW3PvgPWqT?utm_source=generator" '
    'width="100%" height="352" frameBorder="0" allowfullscreen="" allow="autoplay; '
    'clipboard-write; encrypted-media; fullscreen; picture-in-picture" loading="lazy"></iframe>'
)
GOOGLE_MAPS_IFRAME = (
    '<iframe src="https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d2482.5!2d-0.1276!3d51.5'
    "!2m3!1f0!2f0!3f0!3m2!1i1024!2i768!4f13.1!3m3!1m2!1s0x0%3A0x0!2zNTHCsDMw!5e0!3m2!1sen!2suk"
    '!4v1700000000000!5m2!1sen!2suk" width="600" height="450" style="border:0;" '
    'allowfullscreen="" loading="lazy" referrerpolicy="no-referrer-when-downgrade"></iframe>'
)
GOOGLE_MAPS_API_IFRAME = (
    '<iframe width="450" height="250" frameborder="0" style="border:0" '
    'referrerpolicy="no-referrer-when-downgrade" '
    'src="https://www.google.com/maps/embed/v1/place?key=API_KEY&q=Space+Needle,Seattle+WA" '
    "allowfullscreen></iframe>"
)

EMBED_PARTNERS = [
    Partner(
        "youtube",
        "YouTube",
        "social",
        privacy_url="https://policies.google.com/privacy",
        embeds=["https://www.youtube.com/embed/", "https://www.youtube-nocookie.com/embed/"],
        scripts=["https://www.youtube.com/iframe_api"],
    ),
    Partner(
        "vimeo",
        "Vimeo",
        "social",
        privacy_url="https://vimeo.com/privacy",
        embeds=["https://player.vimeo.com/video/"],
        scripts=["https://player.vimeo.com/api/player.js"],
    ),
    Partner(
        "x",
        "X",
        "social",
        privacy_url="https://x.com/privacy",
        embeds=["https://platform.twitter.com/embed/"],
        scripts=["https://platform.twitter.com/widgets.js"],
    ),
    Partner(
        "facebook",
        "Facebook",
        "social",
        privacy_url="https://www.facebook.com/privacy/policy/",
        embeds=["https://www.facebook.com/plugins/"],
        scripts=["https://connect.facebook.net/"],
    ),
    Partner(
        "instagram",
        "Instagram",
        "social",
        privacy_url="https://privacycenter.instagram.com/policy",
        embeds=["https://www.instagram.com/p/", "https://www.instagram.com/reel/"],
        scripts=["https://www.instagram.com/embed.js"],
    ),
    Partner(
        "tiktok",
        "TikTok",
        "social",
        privacy_url="https://www.tiktok.com/legal/privacy-policy",
        embeds=["https://www.tiktok.com/player/", "https://www.tiktok.com/embed/"],
        scripts=["https://www.tiktok.com/embed.js"],
    ),
    Partner(
        "spotify",
        "Spotify",
        "social",
        privacy_url="https://www.spotify.com/legal/privacy-policy/",
        embeds=["https://open.spotify.com/embed/"],
    ),
    Partner(
        "google_maps",
        "Google Maps",
        "preferences",
        privacy_url="https://policies.google.com/privacy",
        embeds=["https://www.google.com/maps/embed"],
    ),
    Partner(
        "meta_pixel",
        "Meta Pixel",
        "advertising",
        cookies=["_fbp"],
        scripts=["https://connect.facebook.net/en_US/fbevents.js"],
    ),
]

# (snippet, partner key, width, height) for every frame above.
FRAMES = [
    (YOUTUBE_IFRAME, "youtube", "560", "315"),
    (YOUTUBE_NOCOOKIE_IFRAME, "youtube", "560", "315"),
    (VIMEO_IFRAME, "vimeo", None, None),
    (FACEBOOK_IFRAME, "facebook", "500", "498"),
    (TIKTOK_IFRAME, "tiktok", "325", "740"),
    (SPOTIFY_IFRAME, "spotify", "100%", "352"),
    (GOOGLE_MAPS_IFRAME, "google_maps", "600", "450"),
    (GOOGLE_MAPS_API_IFRAME, "google_maps", "450", "250"),
]
# (start tag, partner key) for every script above.
SCRIPTS = [
    (VIMEO_SCRIPT, "vimeo"),
    (X_SCRIPT, "x"),
    (FACEBOOK_SCRIPT, "facebook"),
    (INSTAGRAM_SCRIPT, "instagram"),
    (TIKTOK_SCRIPT, "tiktok"),
]
