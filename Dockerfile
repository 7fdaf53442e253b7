# wisdom as a container image, for CI systems that run images: the static binary on an empty
# base, with the CA certificates that `wisdom check --external` needs.
#
#     docker build -t wisdom .
#     docker run --rm -v "$PWD:/site" wisdom build
FROM rust:1-slim-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends musl-tools ca-certificates \
    && rustup target add x86_64-unknown-linux-musl
WORKDIR /src
COPY . .
# `docker build --build-arg WISDOM_COMMIT=$(git rev-parse HEAD)`: what `wisdom --version` names
# (.dockerignore leaves .git out of the context).
ARG WISDOM_COMMIT=unknown
ENV WISDOM_COMMIT=$WISDOM_COMMIT
RUN cargo build --release --locked --target x86_64-unknown-linux-musl

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /src/target/x86_64-unknown-linux-musl/release/wisdom /wisdom
WORKDIR /site
ENTRYPOINT ["/wisdom"]
CMD ["build"]
