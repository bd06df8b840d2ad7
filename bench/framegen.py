"""A synthetic register extract (a sample frame) for the letters benchmark
and the fieldwork tests: deterministic, with 4 districts, 2 sexes, ages
spread over 4 bands and three languages."""

from __future__ import annotations

import random

DISTRICTS = ("Noord", "Oost", "Zuid", "West")
# The share of the frame per district (unequal on purpose: proportions matter).
DISTRICT_WEIGHTS = (0.4, 0.3, 0.2, 0.1)
STREETS = ("Kerkstraat", "Stationsstraat", "Rue de l'Église", "Molenweg", "Dorpsplein")
NAMES = ("Janssens", "Peeters", "Maes", "Dubois", "Lambert", "Özdemir", "Van den Broeck")
FIRST = ("An", "Jan", "Marie", "Mohamed", "Sofie", "Luc", "Élise", "Noah")


def frame_rows(count: int, seed: int = 11) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        district = rng.choices(DISTRICTS, DISTRICT_WEIGHTS)[0]
        rows.append(
            {
                "name": f"{rng.choice(FIRST)} {rng.choice(NAMES)}",
                "address": f"{rng.choice(STREETS)} {1 + i % 180}",
                "postcode": str(9000 + DISTRICTS.index(district) * 10 + i % 3),
                "municipality": "Gent",
                "district": district,
                "age": str(rng.randint(18, 90)),
                "sex": rng.choice(("m", "v")),
                "language": rng.choices(("nl", "fr", "en"), (0.8, 0.15, 0.05))[0],
            }
        )
    return rows


def frame_csv(rows: list[dict[str, str]], delimiter: str = ";") -> bytes:
    header = list(rows[0])
    lines = [delimiter.join(header)]
    lines.extend(delimiter.join(row[column] for column in header) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")
