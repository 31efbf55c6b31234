# Hayna's server: `hayna serve` on port 8080, the schema upgraded first (deploy/entrypoint.sh).
# Debian trixie's postgresql-client (17) can dump and restore the PostgreSQL 16 of compose.yaml:
# `hayna db backup` needs pg_dump of the server's version or newer.
FROM python:3.12-slim-trixie

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# The package carries its gazetteer (storage/data), its migrations, the dashboard's templates,
# and its PDF font as a dependency (fontpkg-ibm-plex-sans-arabic). The catalogs are read from
# `locales/` beside the `bot` package (bot/i18n.py), so they are copied next to it.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY conversations ./conversations
COPY handlers ./handlers
COPY storage ./storage
COPY locales ./locales
RUN pip install . \
    && cp -r locales "$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/" \
    && cd / && python -c "import bot.i18n as i; assert (i.LOCALES_DIR / 'ar').is_dir(), i.LOCALES_DIR" \
    && rm -rf /src

COPY deploy/entrypoint.sh /usr/local/bin/hayna-entrypoint
RUN chmod 0755 /usr/local/bin/hayna-entrypoint \
    && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin hayna \
    && mkdir -p /data \
    && chown hayna:hayna /data

# /data holds the SQLite database and its key when no DATABASE_URL is given, and backups.
ENV HOME=/data \
    HAYNA_HOST=0.0.0.0 \
    PORT=8080 \
    DATABASE_URL=sqlite:////data/hayna.db
VOLUME ["/data"]
WORKDIR /data
USER hayna

EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8080')}/healthz\", timeout=4)"]

ENTRYPOINT ["hayna-entrypoint"]
CMD ["hayna", "serve"]
