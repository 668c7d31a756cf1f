"""The electronic file: Akten (case files under an Aktenzeichen from the Aktenplan), their
Vorgänge, the filing of Dokumente into them, retention and the transfer to the archive
(xdomea). An adapter package: the core reaches it only through ``eakte.ports.Filing``."""
