"""The small German corpus every index engine is tested on (tantivy, the FTS5 peer,
Elasticsearch), so the engines are held to the same matching behaviour."""

from eakte.ports import IndexDocument, SearchIndex, Visibility

CORPUS = {
    "strasse": "Die Strasse vor dem Rathaus wird im Mai gesperrt.",
    "strassen": "Beide Straßen im Ortsteil werden saniert.",
    "gebuehren": "Antrag auf Erlass der Gebühren für die Müllabfuhr.",
    "widersprueche": "Gegen den Bescheid wurden zwei Widersprüche eingelegt.",
    "mueller": "Herr Mueller beantragt eine Verlängerung der Frist.",
    "decomposed": "Die Gebu\u0308hr ist binnen eines Monats fällig.",
    "both": "In der Straße Am Markt werden Gebühren für Sondernutzung erhoben.",
    "distractor": "Ein Strauß Blumen, ein Gebot und ein Spruch.",
}


def check_sender_facet_and_filter(index: SearchIndex) -> None:
    """The sender is an exact facet and filter, counted within the caller's visibility."""
    letters = [
        ("a", "bauamt", "Zaunkönig GmbH", False),
        ("b", "kaemmerei", "Zaunkönig GmbH", False),
        ("c", "kaemmerei", "Amsel AG", True),
        ("d", "kaemmerei", None, False),
    ]
    index.upsert(
        [
            IndexDocument(
                id=record_id,
                text="Antrag auf einen Zaun",
                title="",
                media_type="application/pdf",
                department=department,
                sender=sender,
                restricted=restricted,
            )
            for record_id, department, sender, restricted in letters
        ]
    )
    bau = Visibility(departments=("bauamt",), restricted=True)
    archivist = Visibility(departments=None, restricted=False)
    assert index.facets("Antrag")["sender"] == {"Zaunkönig GmbH": 2, "Amsel AG": 1}
    assert index.facets("Antrag", visible=bau)["sender"] == {"Zaunkönig GmbH": 1}
    assert index.facets("Antrag", visible=archivist)["sender"] == {"Zaunkönig GmbH": 2}
    assert index.search("", filters={"sender": "Zaunkönig GmbH"}).total == 2
    assert index.search("", filters={"sender": "Zaunkönig GmbH"}, visible=bau).total == 1
    assert index.search("", filters={"sender": "Amsel AG"}, visible=archivist).total == 0
    assert index.search("", filters={"sender": "Zaunkönig"}).total == 0  # the whole value
