# Builds the ledger binary for docker-compose.yml. Pure Go (SQLite is modernc), so a
# static binary on a distroless base, running as an unprivileged user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/ledger ./cmd/ledger \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ledger /ledger
# A named volume mounted here starts with this folder's owner, so the ledger can write
# its token store and snapshots without running as root.
COPY --from=build --chown=65532:65532 /out/data /data
ENV LEDGER_DATA=/data
EXPOSE 8080
ENTRYPOINT ["/ledger"]
