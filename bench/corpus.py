"""Deterministic synthetic corpus for `make bench`: N articles per language, ~750 words.

Each article has headings, lists, a table, code, links, an image and French
punctuation; translations share a slug; about one article in ten is left
untranslated. The same seed always gives the same files.
"""

from __future__ import annotations

import random
from pathlib import Path

WORDS = {
    "fr": ("données modèle réseau sécurité logiciel serveur utilisateur algorithme mémoire "
           "calcul recherche entreprise système projet langage version équipe analyse code "
           "service navigateur chiffrement publication stockage réglementation intelligence "
           "déploiement performance protocole bibliothèque interface développeur").split(),
    "en": ("data model network security software server user algorithm memory computing "
           "research company system project language version team analysis code service "
           "browser encryption release storage regulation intelligence deployment "
           "performance protocol library interface developer").split(),
    "de": ("Daten Modell Netzwerk Sicherheit Software Server Nutzer Algorithmus Speicher "
           "Rechnen Forschung Unternehmen System Projekt Sprache Version Team Analyse Code "
           "Dienst Browser Verschlüsselung Veröffentlichung Speicherung Regulierung "
           "Intelligenz Bereitstellung Leistung Protokoll Bibliothek Schnittstelle").split(),
}
CATEGORIES = {"fr": ["IA", "Sécurité", "Données", "Logiciel libre"],
              "en": ["AI", "Security", "Data", "Open source"],
              "de": ["KI", "Sicherheit", "Daten", "Open Source"]}
#: The "issue" corpus (issue 12): a newsroom's own categories, not the sample
#: site's list (each one an "unknown category" error in our build), and dates
#: written as Pelican's docs write them, without a UTC offset.
NEWSROOM_CATEGORIES = {"fr": ["Cloud", "Mobile", "Start-up", "Matériel"],
                       "en": ["Cloud", "Mobile", "Startups", "Hardware"],
                       "de": ["Cloud", "Mobil", "Start-ups", "Hardware"]}
#: The "pelican" corpus (issue 19): translations written the way Pelican's docs write
#: them (``Lang:`` and a shared ``Slug:``, the translation's file named
#: ``<slug>-<lang>.md``), ``Author:``, dates without offset, the newsroom's own
#: categories (a valid site: listed in its EDITORIAL categories, not in
#: I18N_TAXONOMY; see bench/ourconf.py), and a few lint warnings (a summary too
#: long every WARN_EVERY articles), as any real archive has.
STYLES = ("today", "issue", "pelican")
WARN_EVERY = 97
TAGS = ["python", "rust", "cloud", "gpu", "web", "privacy", "linux", "llm", "database", "api"]
# A transparent 1×1 PNG (the one written here before had a broken data stream,
# which newsroom.rules.image_problems reports).
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082")


def sentence(rng, lang, n):
    words = [rng.choice(WORDS.get(lang, WORDS["en"])) for _ in range(n)]
    text = " ".join(words)
    text = text[0].upper() + text[1:]
    end = rng.choice([".", ".", ".", " ?", " !"] if lang == "fr" else [".", ".", "?", "!"])
    if lang == "fr" and rng.random() < 0.3:
        text = f"{text} : « {rng.choice(WORDS['fr'])} »"
    return text + end


def paragraph(rng, lang, sentences=6):
    return " ".join(sentence(rng, lang, rng.randint(10, 18)) for _ in range(sentences))


def body(rng, lang, slug):
    parts = [paragraph(rng, lang)]
    for section in range(3):
        parts.append(f"## {sentence(rng, lang, 4).rstrip('.?! ')}")
        parts.append(paragraph(rng, lang))
        if section == 0:
            parts.append("\n".join(f"- {sentence(rng, lang, 6)}" for _ in range(4)))
        if section == 1:
            parts.append("| a | b | c |\n|---|---|---|\n" +
                         "\n".join(f"| {rng.randint(1, 99)} | {rng.choice(TAGS)} | {rng.random():.3f} |"
                                   for _ in range(4)))
            parts.append("```python\ndef f(x):\n    return x * 2  # code\n```")
        if section == 2:
            parts.append(f"![{sentence(rng, lang, 3)}]({{static}}/images/pixel.png)")
            parts.append(f"[Lien](https://example.org/{slug}) et [accueil](/).")
        parts.append(paragraph(rng, lang, 4))
    return "\n\n".join(parts) + "\n"


def generate(dest, n, langs, seed=42, monolingual=False, hugo=False, style="today"):
    """Write the corpus under ``dest``; returns the number of article files.

    ``style``: ``"today"`` (dates with their offset, the sample site's categories)
    or ``"issue"`` (dates without offset, categories not in the sample's list).
    """
    if style not in STYLES:
        raise ValueError(f"corpus style {style!r}: one of {STYLES}")
    categories = NEWSROOM_CATEGORIES if style in ("issue", "pelican") else CATEGORIES
    pelican_way = style == "pelican" and not hugo and not monolingual
    rng = random.Random(seed)
    dest = Path(dest)
    (dest / "articles").mkdir(parents=True, exist_ok=True)
    (dest / "images").mkdir(parents=True, exist_ok=True)
    (dest / "images/pixel.png").write_bytes(PNG_1PX)
    count = 0
    for i in range(n):
        slug = f"article-{i:05d}"
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        year = 2020 + i // 336
        cat = rng.randrange(4)
        tags = rng.sample(TAGS, 3)
        for j, lang in enumerate(langs):
            if j > 0 and i % 10 == 7:
                continue  # untranslated
            text_lang = lang
            file_lang = langs[0] if monolingual else lang
            file_slug = f"{slug}-{lang}" if monolingual else slug
            title = sentence(rng, text_lang, 6).rstrip(".?! ")
            meta = {
                "Title": title,
                "Date": (f"{year}-{month:02d}-{day:02d} 09:30"
                         if style in ("issue", "pelican") and not hugo
                         else f"{year}-{month:02d}-{day:02d}T10:00:00+01:00"),
                "Category": categories.get(text_lang, categories["en"])[cat],
                "Tags": ", ".join(tags),
                "Authors": rng.choice(["Claire Dubois", "Julien Moreau", "Amina Benali"]),
                "Summary": sentence(rng, text_lang, 15),
            }
            if pelican_way:
                meta["Author"] = meta.pop("Authors")
                meta["Lang"], meta["Slug"] = lang, slug
                if i % WARN_EVERY == 3:  # a lint warning: summary_too_long
                    meta["Summary"] = " ".join(sentence(rng, text_lang, 15) for _ in range(3))
            # No "Translation: true": i18n_subsites treats such files as non-native in
            # their own subsite and fails (KeyError in interlink_removed_content).
            content = body(rng, text_lang, slug)
            if hugo:
                front = "\n".join(f'{k.lower()}: "{v}"' for k, v in meta.items()
                                  if k in ("Title", "Date", "Summary"))
                text = f"---\n{front}\n---\n\n{content}"
            else:
                text = "\n".join(f"{k}: {v}" for k, v in meta.items()) + "\n\n" + content
            name = ((slug if j == 0 else f"{slug}-{lang}") + ".md" if pelican_way
                    else f"{file_slug}.{file_lang}.md")
            (dest / "articles" / name).write_text(text, encoding="utf-8")
            count += 1
    return count


if __name__ == "__main__":
    import sys

    out = generate(sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","),
                   style=sys.argv[4] if len(sys.argv) > 4 else "today")
    print(out, "files")
