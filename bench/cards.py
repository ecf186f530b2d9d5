"""CPU time per drawn social card (target ≤ 3 ms), two ways in the same run.

``whole``: the card drawn on a copy of its background and the whole 1200×630 JPEG
encoded (how cards were made before); ``rows``: what the build does
(``plugins/images/social.card_jpeg``): the background's JPEG rows encoded once per
language and category, each card encoding only the rows of blocks its title covers.
Both give the same bytes (checked here too). Titles of one to four lines, French,
three categories; each figure the best of ``--rounds`` (process CPU time).

    .venv/bin/python bench/cards.py -n 400
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import astuple

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "plugins"))

from images.derivatives import Job  # noqa: E402
from images.social import CARD_QUALITY, HEIGHT, WIDTH, CardStyle, card_jpeg, draw_card, \
    save_card  # noqa: E402

WORDS = ("une enquête sur la sécurité des données et l’IA dans les rédactions européennes "
         "avec un regard neuf sur les logiciels libres et la vie privée").split()


def jobs(n):
    style = astuple(CardStyle())
    for i in range(n):
        title = f"Titre {i} : " + " ".join(WORDS[:4 + (i * 7) % (len(WORDS) - 4)])
        yield Job("", "", WIDTH, HEIGHT, "jpeg", CARD_QUALITY, "#0b3d73",
                  card=(title, "Le Fil Tech", ("IA", "Sécurité", "Données")[i % 3], "fr", False),
                  style=style)


def per_card(make, cards, rounds):
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for job in cards:
            make(job)
        best = min(best, (time.process_time() - start) / len(cards))
    return best * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cards = list(jobs(args.n))
    for job in cards[:30]:  # fonts, glyph masks and backgrounds: once per process
        assert card_jpeg(job) == save_card(draw_card(job), job.quality)
    whole = per_card(lambda job: save_card(draw_card(job), job.quality), cards, args.rounds)
    rows = per_card(card_jpeg, cards, args.rounds)
    print(f"{args.n} drawn cards, CPU per card (best of {args.rounds}): whole card encoded "
          f"{whole:.2f} ms, title rows only {rows:.2f} ms ({whole / rows:.2f}x)")


if __name__ == "__main__":
    main()
