# tripleseat-revel: one image for `serve` (default) and `worker`.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY src ./src
# constraints.txt pins every version (it also pins dev tools, which are not installed here).
RUN pip install --no-cache-dir --prefix=/install -c constraints.txt .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LOG_FORMAT=json \
    PORT=8000
COPY --from=build /install /usr/local
RUN useradd --create-home --uid 10001 app && mkdir -p /home/app/var && chown app:app /home/app/var
WORKDIR /home/app
USER app
EXPOSE 8000
# /healthz answers when the process is up; /readyz also checks the database and the engine.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"
CMD ["tripleseat-revel", "serve"]
