"""The public card's footer links to the privacy page that says how visits are counted, in the card's language."""

from __future__ import annotations

import re

FOOTER = re.compile(r'<footer class="foot">(.*?)</footer>', re.S)


def test_footer_links_to_privacy(client, publish):
    slug = publish()
    footer = FOOTER.search(client.get(f"/c/{slug}").text)[1]
    assert '<a href="http://testserver/privacy">Privacy</a>' in footer


def test_footer_link_speaks_the_cards_language(client, publish):
    slug = publish(language="de")
    footer = FOOTER.search(client.get(f"/c/{slug}").text)[1]
    assert '<a href="http://testserver/privacy">Datenschutz</a>' in footer
