# Builds the ledger binary for docker-compose.yml. Pure Go (SQLite is modernc), so a
# static binary on a distroless base.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/ledger ./cmd/ledger

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/ledger /ledger
ENTRYPOINT ["/ledger"]
