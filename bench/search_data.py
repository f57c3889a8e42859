"""Synthetic data for the search benchmark: people from many languages, companies, cities, what they offer."""

from __future__ import annotations

import random
import uuid


def _split(text: str, sep: str = " ") -> list[str]:
    """Words (or `sep`-separated items) of a long literal."""
    return text.split(sep)


FIRST = _split(
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Susan Richard Jessica "
    "Thomas Sarah Jürgen Müller Günther Björn Søren Åsa Zoë Chloé François Hélène Élodie Renée José María "
    "Jesús Iñaki Ángel Joaquín Łukasz Paweł Małgorzata Dvořák Tomáš Jiří Ştefan Ioana Mehmet Ayşe Gülşen "
    "Özlem Ömer Çağrı Aarav Vivaan Aditya Priya Ananya Ishaan Saanvi Arjun Olumide Chinedu Ngozi Adaeze "
    "Kwame Amara Fatima Omar Yusuf Layla Hassan Mariam Dmitri Sergei Natalia Olga Ivan Anastasia Nikos "
    "Eleni Giorgos Katarzyna Wei Li Mei Jun Hiroshi Yuki Haruto Sakura Minji Jisoo Seojun Thanh Linh Minh "
    "Somchai Siriporn Kofi Akua Thabo"
)
LAST = _split(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
    "Ramirez Lewis Schröder Schäfer Köhler Weiß Groß Hoffmann Lefèvre Dubois Moreau Fontaine Núñez Peña "
    "Muñoz Ibáñez Kowalski Nowak Wiśniewski Novák Svoboda Yılmaz Kaya Demir Şahin Çelik Öztürk Sharma "
    "Patel Gupta Reddy Iyer Okafor Adeyemi Mensah Boateng Nkosi Haddad Khalil Nasser Ivanov Petrov "
    "Smirnov Papadopoulos Nguyen Tran Pham Tanaka Suzuki Takahashi Watanabe Kim Park Choi Jung Wang Zhang "
    "Liu Chen Yang Huang Zhao"
)
CJK_NAMES = _split("山田太郎 佐藤花子 鈴木一郎 高橋美咲 田中健 王伟 李娜 张伟 刘洋 陈静 김민준 이서연 박지훈 최유진")
INDUSTRIES = _split(
    "Software|Fintech|Healthcare|Biotech|Education|Retail|Logistics|Real estate|Energy|Renewables|Media|"
    "Advertising|Consulting|Legal|Accounting|Manufacturing|Automotive|Aerospace|Agriculture|"
    "Food and beverage|Hospitality|Travel|Fashion|Design|Architecture|Construction|Telecom|Gaming|"
    "Security|Nonprofit",
    "|",
)
CITIES = _split(
    "London,United Kingdom|Manchester,United Kingdom|Berlin,Germany|Munich,Germany|Paris,France|"
    "Lyon,France|Madrid,Spain|Barcelona,Spain|Lisbon,Portugal|Rome,Italy|Milan,Italy|"
    "Amsterdam,Netherlands|Stockholm,Sweden|Oslo,Norway|Copenhagen,Denmark|Warsaw,Poland|Prague,Czechia|"
    "Vienna,Austria|Zurich,Switzerland|Istanbul,Turkey|Dubai,United Arab Emirates|Cairo,Egypt|"
    "Lagos,Nigeria|Nairobi,Kenya|Accra,Ghana|Johannesburg,South Africa|Mumbai,India|Bangalore,India|"
    "Delhi,India|Singapore,Singapore|Tokyo,Japan|Osaka,Japan|Seoul,South Korea|Shanghai,China|"
    "Shenzhen,China|Hong Kong,China|Sydney,Australia|Melbourne,Australia|Toronto,Canada|Vancouver,Canada|"
    "New York,United States|San Francisco,United States|Austin,United States|Chicago,United States|"
    "Mexico City,Mexico|São Paulo,Brazil|Buenos Aires,Argentina|Bogotá,Colombia|Santiago,Chile|Lima,Peru",
    "|",
)
WORDS = _split(
    "product growth design strategy data cloud platform analytics marketing sales brand customer research "
    "engineering mobile web payments lending insurance clinical diagnostics learning tutoring supply "
    "chain freight warehouse property leasing solar wind battery grid storytelling video podcast campaign "
    "audit tax compliance contracts robotics sensors drones crops irrigation coffee catering hotels tours "
    "apparel textiles furniture interiors housing bridges networks fiber games esports privacy identity "
    "fundraising volunteering startup founders investors angels seed series hiring recruiting talent "
    "coaching leadership operations finance budgeting forecasting automation ai machine models vision "
    "language speech security cryptography"
)
TITLES = _split("Founder|CEO|CTO|Head of Product|Designer|Engineer|Consultant|Partner|Director|Analyst|Manager", "|")
OPEN_TO = ("mentoring", "hiring", "investing", "partnering")


def person(rng: random.Random) -> str:
    """A full name: mostly first + last from many languages, some CJK."""
    if rng.random() < 0.06:
        return rng.choice(CJK_NAMES)
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def sentence(rng: random.Random, n: int) -> str:
    """`n` random vocabulary words."""
    return " ".join(rng.choice(WORDS) for _ in range(n))


def card_content(rng: random.Random) -> dict:
    """A published card document (CardContent as JSON)."""
    name = person(rng)
    city, country = rng.choice(CITIES).split(",")
    industry = rng.choice(INDUSTRIES)
    company = f"{rng.choice(LAST)} {rng.choice(WORDS).title()} {rng.choice(['Ltd', 'GmbH', 'Inc', 'SA', 'Labs'])}"
    return {
        "name": name,
        "headline": f"{rng.choice(TITLES)}, {company}",
        "bio": sentence(rng, 18),
        "business": {"name": company, "industry": industry, "address": f"{city}, {country}", "description": ""},
        "services": [{"title": sentence(rng, 2).title(), "description": sentence(rng, 6)} for _ in range(2)],
        "networking": {
            "offer": sentence(rng, 8),
            "looking_for": sentence(rng, 8),
            "industries": [industry],
            "open_to": rng.sample(OPEN_TO, rng.randint(0, 2)),
        },
        "interests": [rng.choice(WORDS) for _ in range(3)],
    }


def contact_row(rng: random.Random, owner_id: uuid.UUID, now) -> dict:
    """A saved contact (column values) for the contacts index."""
    name = person(rng)
    company = f"{rng.choice(LAST)} {rng.choice(WORDS).title()}"
    phone = f"+44 20 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
    return {
        "id": uuid.uuid4(),
        "owner_id": owner_id,
        "full_name": name,
        "company": company,
        "title": rng.choice(TITLES),
        "emails": [{"label": "work", "value": f"p{rng.randint(1, 10**9)}@example.com"}],
        "phones": [{"label": "mobile", "value": phone.replace(" ", "")}],
        "addresses": [],
        "links": [],
        "consents": [],
        "flags": [],
        "notes": sentence(rng, 10),
        "event": rng.choice(["Web Summit", "SaaStr", "CES", "Slush", ""]),
        "sort_name": name.lower(),
        "search_text": f"{name} {company}".lower(),
        "created_at": now,
        "updated_at": now,
    }
