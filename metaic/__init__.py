"""MetaIC: digital business cards, contacts and networking in one Reflex app."""

from metaic.core import model_speed

model_speed.install()
