namespace FluxSharp.Kubernetes;
