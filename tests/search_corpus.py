"""The small German corpus every index engine is tested on (tantivy, the FTS5 peer,
Elasticsearch), so the engines are held to the same matching behaviour."""

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
