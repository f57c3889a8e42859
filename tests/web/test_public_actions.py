"""The visitor's one clear action on a card page is Save contact (the vCard); keeping it in MetaIC is a quiet line."""

from __future__ import annotations

import re


def test_save_contact_is_the_only_button_styled_action(client, publish):
    slug = publish()
    html = client.get(f"/c/{slug}").text
    cta = html[html.index('<div class="cta">') : html.index("</header>")]
    assert cta.count('class="save"') == 1 and f'href="/c/{slug}.vcf"' in cta
    # Signing in to save is a link inside a sentence, not a second full-width button.
    assert re.search(r'<p class="keep-hint">[^<]+<a class="keep-link" href="/login\?next=/c/[^"]+"', cta)
    assert "keep-btn" not in cta
