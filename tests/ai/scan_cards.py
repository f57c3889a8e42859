"""The card-scan evaluation set: 20 business cards rendered with Pillow like phone photos.

Several fonts (DejaVu, Liberation, Noto CJK) and languages (English, French, German, Spanish, Italian,
Portuguese, Japanese, Chinese, Korean), each card laid on a table-coloured background, turned a little,
lit unevenly, blurred, speckled with noise and saved as JPEG. `expected` holds what OCR must recover
exactly: the email and the phone (E.164). Rendering is deterministic (seeded per card).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = {
    "dejavu-sans": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),
    "dejavu-serif": ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 0),
    "dejavu-condensed": ("/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf", 0),
    "liberation-sans": ("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", 0),
    "liberation-serif": ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", 0),
    "liberation-mono": ("/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf", 0),
    # Noto Sans CJK collection faces: 0 JP, 1 KR, 2 SC.
    "noto-cjk-jp": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),
    "noto-cjk-kr": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 1),
    "noto-cjk-sc": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "noto-serif-cjk-jp": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 0),
}
BOLD = {
    "dejavu-sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "dejavu-serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "liberation-sans": "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "liberation-serif": "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
}


@dataclass(frozen=True)
class CardSpec:
    """One card's printed lines and what must be read back."""

    name: str
    title: str
    company: str
    phone: str  # as printed
    phone_e164: str
    email: str
    website: str
    address: str
    font: str
    language: str


CARDS: list[CardSpec] = [
    CardSpec("Ada Lovelace", "Software Engineer", "Analytical Engines Ltd", "+44 20 7946 0958", "+442079460958",
             "ada@analytical.co.uk", "www.analytical.co.uk", "12 St James's Square, London SW1Y 4JH",
             "dejavu-sans", "en"),
    CardSpec("Marcus Webb", "Head of Sales", "Northwind Traders", "Tel: (415) 555-0132", "+14155550132",
             "marcus.webb@northwind.com", "northwind.com", "500 Market St, San Francisco, CA 94105",
             "liberation-sans", "en"),
    CardSpec("Hélène Dubois", "Directrice artistique", "Atelier Lumière", "+33 1 42 68 53 00", "+33142685300",
             "helene.dubois@atelier-lumiere.fr", "www.atelier-lumiere.fr", "8 rue de Rivoli, 75004 Paris",
             "dejavu-serif", "fr"),
    CardSpec("François Lefèvre", "Ingénieur commercial", "Société Générale d'Études", "Mobile : 06 12 34 56 78",
             "+33612345678", "f.lefevre@sge-etudes.fr", "sge-etudes.fr", "14 avenue Foch, 69006 Lyon",
             "liberation-serif", "fr"),
    CardSpec("Jürgen Müller", "Geschäftsführer", "Müller & Söhne GmbH", "Tel. +49 30 901820", "+4930901820",
             "j.mueller@mueller-soehne.de", "www.mueller-soehne.de", "Königstraße 12, 10115 Berlin",
             "dejavu-condensed", "de"),
    CardSpec("Käthe Schröder", "Leiterin Marketing", "Grünwald Design AG", "+49 89 2180 3456", "+498921803456",
             "kaethe.schroeder@gruenwald.de", "gruenwald.de", "Leopoldstraße 5, 80802 München",
             "liberation-sans", "de"),
    CardSpec("José Martínez", "Director de Ventas", "Soluciones Ibéricas S.L.", "+34 912 345 678", "+34912345678",
             "jose.martinez@ibericas.es", "www.ibericas.es", "Calle de Alcalá 42, 28014 Madrid",
             "dejavu-sans", "es"),
    CardSpec("Begoña Núñez", "Arquitecta", "Estudio Núñez", "Móvil: 612 34 56 78", "+34612345678",
             "bego@estudionunez.es", "estudionunez.es", "Passeig de Gràcia 21, 08007 Barcelona",
             "liberation-serif", "es"),
    CardSpec("Giulia Bianchi", "Responsabile Acquisti", "Ferrari Tessuti S.p.A.", "+39 02 1234 5678",
             "+390212345678", "giulia.bianchi@ferraritessuti.it", "www.ferraritessuti.it",
             "Via Montenapoleone 8, 20121 Milano", "dejavu-serif", "it"),
    CardSpec("João Gonçalves", "Consultor Sênior", "Inovação Digital Ltda", "+55 11 98765 4321", "+5511987654321",
             "joao.goncalves@inovacao.com.br", "inovacao.com.br", "Av. Paulista 1000, São Paulo - SP",
             "liberation-sans", "pt"),
    CardSpec("Priya Raman", "Product Manager", "Lotus Analytics", "Mob +91 98765 43210", "+919876543210",
             "priya@lotusanalytics.in", "lotusanalytics.in", "4th Floor, MG Road, Bengaluru 560001",
             "liberation-mono", "en"),
    CardSpec("Liam O'Brien", "Partner", "O'Brien & Walsh Solicitors", "+353 1 234 5678", "+35312345678",
             "liam@obrienwalsh.ie", "www.obrienwalsh.ie", "3 Merrion Square, Dublin 2",
             "dejavu-serif", "en"),
    CardSpec("Sophie Tremblay", "Gestionnaire de projets", "Érable Numérique inc.", "514-555-0199", "+15145550199",
             "sophie@erable.ca", "erable.ca", "1250 boul. René-Lévesque O, Montréal QC",
             "dejavu-sans", "fr"),
    CardSpec("Noah Williams", "Founder & CEO", "Kiwi Robotics", "+64 9 379 4567", "+6493794567",
             "noah@kiwirobotics.nz", "kiwirobotics.nz", "88 Queen Street, Auckland 1010",
             "liberation-sans", "en"),
    CardSpec("山田 太郎", "営業部長", "株式会社サクラ商事", "TEL 03-1234-5678", "+81312345678",
             "t.yamada@sakura-shoji.co.jp", "www.sakura-shoji.co.jp", "東京都渋谷区道玄坂1-2-3",
             "noto-cjk-jp", "ja"),
    CardSpec("佐藤 花子", "デザイナー", "ミライ工房", "090-1234-5678", "+819012345678",
             "hanako.sato@mirai-kobo.jp", "mirai-kobo.jp", "大阪府大阪市北区梅田2-4-9",
             "noto-serif-cjk-jp", "ja"),
    CardSpec("王伟", "技术总监", "北京星辰科技有限公司", "电话 +86 10 8888 6666", "+861088886666",
             "wang.wei@xingchen-tech.cn", "www.xingchen-tech.cn", "北京市海淀区中关村大街27号",
             "noto-cjk-sc", "zh"),
    CardSpec("李娜", "市场经理", "上海云帆贸易有限公司", "手机 138 1234 5678", "+8613812345678",
             "lina@yunfan-trade.cn", "yunfan-trade.cn", "上海市浦东新区世纪大道100号",
             "noto-cjk-sc", "zh"),
    CardSpec("김민준", "대표이사", "한빛소프트", "+82 2 1234 5678", "+82212345678",
             "minjun.kim@hanbitsoft.kr", "www.hanbitsoft.kr", "서울특별시 강남구 테헤란로 123",
             "noto-cjk-kr", "ko"),
    CardSpec("이서연", "연구원", "미래바이오", "010-1234-5678", "+821012345678",
             "seoyeon.lee@miraebio.co.kr", "miraebio.co.kr", "대전광역시 유성구 대학로 99",
             "noto-cjk-kr", "ko"),
]  # fmt: skip

# Where a national number on each card is read (as the account's country would tell the app).
REGIONS = {"en": None, "fr": "FR", "de": "DE", "es": "ES", "it": "IT", "pt": "BR", "ja": "JP", "zh": "CN", "ko": "KR"}


def region_for(spec: CardSpec) -> str | None:
    """The account country the evaluation assumes for a card (a national number needs one)."""
    if spec.phone_e164.startswith("+1"):
        return "US" if spec.language == "en" else "CA"
    return REGIONS[spec.language]


def _font(key: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """A TrueType font from the system's font packages."""
    path, index = FONTS[key]
    if bold and key in BOLD:
        path, index = BOLD[key], 0
    return ImageFont.truetype(path, size, index=index)


def _card_face(spec: CardSpec, rng: random.Random) -> Image.Image:
    """The flat card: name and title at the top left, company, then the contact lines."""
    width, height = 1050, 600
    paper = tuple(rng.randint(238, 252) for _ in range(3))
    card = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(card)
    ink = (rng.randint(10, 50), rng.randint(10, 50), rng.randint(20, 70))
    accent = rng.choice([(30, 60, 140), (140, 30, 40), (20, 100, 70), (60, 60, 60)])
    draw.rectangle((0, 0, 18, height), fill=accent)
    x, y = 70, 60
    draw.text((x, y), spec.name, font=_font(spec.font, 54, bold=True), fill=ink)
    y += 74
    draw.text((x, y), spec.title, font=_font(spec.font, 32), fill=accent)
    y += 48
    draw.text((x, y), spec.company, font=_font(spec.font, 34, bold=True), fill=ink)
    y += 90
    small = _font(spec.font, 30)
    for line in (spec.phone, spec.email, spec.website, spec.address):
        draw.text((x, y), line, font=small, fill=ink)
        y += 46
    return card


def render(spec: CardSpec, seed: int) -> bytes:
    """The card photographed: on a table, turned by up to 3 degrees, lit unevenly, blurred, noisy, as JPEG."""
    rng = random.Random(seed)
    card = _card_face(spec, rng)
    angle = rng.uniform(-3.0, 3.0)
    turned = card.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(0, 0, 0))
    mask = Image.new("L", card.size, 255).rotate(angle, expand=True, fillcolor=0)
    table = tuple(rng.randint(60, 120) for _ in range(3))
    photo = Image.new("RGB", (turned.width + 160, turned.height + 140), table)
    photo.paste(turned, (80 + rng.randint(-20, 20), 70 + rng.randint(-20, 20)), mask)
    # Uneven light: a horizontal gradient darkening one side by up to ~18%.
    shade = Image.linear_gradient("L").rotate(rng.choice([90, -90])).resize(photo.size)
    dark = Image.new("RGB", photo.size, (0, 0, 0))
    photo = Image.blend(photo, Image.composite(dark, photo, shade.point(lambda v: int(v * 0.18))), 1.0)
    photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.1)))
    noise = Image.effect_noise(photo.size, 18).convert("RGB")
    photo = Image.blend(photo, noise, 0.06)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=82)
    return out.getvalue()


def rendered() -> list[tuple[CardSpec, bytes]]:
    """Every evaluation card with its photo (seeded by position)."""
    return [(spec, render(spec, seed=1000 + i)) for i, spec in enumerate(CARDS)]


def write_all(folder: Path) -> list[Path]:
    """Save the photos as JPEG files (for a look, or a browser test's upload)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (_, data) in enumerate(rendered()):
        path = folder / f"card-{i:02d}.jpg"
        path.write_bytes(data)
        paths.append(path)
    return paths
