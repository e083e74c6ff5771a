namespace FluxSharp.Api;
