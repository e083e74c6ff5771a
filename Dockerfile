# The FluxSharp manager image: `fluxsharp manager` with git, kustomize and helm on the PATH.
# Build: docker build -t ghcr.io/fluxsharp/fluxsharp:v0.1.0 .
# Not built in CI (no base image can be pulled there); `fluxsharp install --export` names this image.

ARG DOTNET_VERSION=10.0

# 1. Publish the CLI (the manager is its `manager` command), framework-dependent, for the runtime image below.
FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/FluxSharp.Cli/FluxSharp.Cli.csproj -c Release -o /out -p:UseAppHost=false

# 2. The tools Flux's controllers carry: kustomize and helm (release binaries, checksummed by their projects).
FROM debian:trixie-slim AS tools
ARG TARGETARCH=amd64
ARG KUSTOMIZE_VERSION=5.7.1
ARG HELM_VERSION=4.0.1
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && curl -fsSL "https://github.com/kubernetes-sigs/kustomize/releases/download/kustomize%2Fv${KUSTOMIZE_VERSION}/kustomize_v${KUSTOMIZE_VERSION}_linux_${TARGETARCH}.tar.gz" \
    | tar -xz -C /usr/local/bin kustomize \
 && curl -fsSL "https://get.helm.sh/helm-v${HELM_VERSION}-linux-${TARGETARCH}.tar.gz" \
    | tar -xz --strip-components=1 -C /usr/local/bin "linux-${TARGETARCH}/helm" \
 && kustomize version && helm version --short

# 3. The runtime: ASP.NET (the manager serves artifacts, metrics and probes), git and ssh for Git sources.
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client ca-certificates gnupg \
 && rm -rf /var/lib/apt/lists/*
COPY --from=tools /usr/local/bin/kustomize /usr/local/bin/helm /usr/local/bin/
COPY --from=build /out /app
# The root filesystem is read-only in the Deployment: everything writable lives in the /tmp and /data emptyDirs.
ENV HOME=/tmp \
    TMPDIR=/tmp \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
# A numeric non-root user, so the kubelet can verify runAsNonRoot.
USER 65532:65532
ENTRYPOINT ["dotnet", "/app/fluxsharp.dll"]
CMD ["manager"]
