# The application image: the site (`grader serve --no-worker`) and the grading worker (`grader worker`),
# plus Redis and PostgreSQL for docker-compose.yml. It builds with no registry and no network:
#
#   scripts/build-app-image.sh
#
# which makes the base `grader-app-base:current` from deploy/app-packages.txt with debootstrap (the same
# air-gapped path as the runner image), builds wheels of the application and its dependencies on the
# host (`pip wheel`), and runs `docker build --network none` with this file on a context holding only
# those wheels and exercises/. Nothing here downloads anything.
ARG BASE=grader-app-base:current
FROM ${BASE}

COPY wheels/ /tmp/wheels/
RUN python3 -m venv --without-pip /opt/grader \
 && pip_wheel=$(echo /tmp/wheels/pip-*.whl) \
 && /opt/grader/bin/python "$pip_wheel/pip" install --no-index --find-links /tmp/wheels \
      --no-cache-dir --disable-pip-version-check grader \
 && rm -rf /tmp/wheels \
 && useradd --system --user-group --home-dir /var/lib/grader --create-home grader
COPY exercises/ /opt/grader/exercises/

ENV PATH=/opt/grader/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/var/lib/grader \
    LANG=C.UTF-8 \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    GRADER_INSTANCE=/var/lib/grader \
    GRADER_EXERCISES=/opt/grader/exercises
WORKDIR /var/lib/grader
USER grader
EXPOSE 8000 8001
CMD ["grader", "serve", "--no-worker"]
